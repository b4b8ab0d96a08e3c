"""Grouping services: the problem built from a round, runs writing drafts, hand edits, publishing.

The builders at the top are shared by the other grouping test modules. Times are UTC
minutes since Monday 00:00; the rounds start on 1 March 2027, when London is on UTC.
"""

from datetime import time, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.cohorts.models import Cohort, Meeting, Placement
from apps.grouping import selectors, services
from apps.grouping.models import GroupingRun
from apps.grouping.selectors import problem_for_round, solver_id
from apps.grouping.services import (
    GroupingError,
    NeedsConfirmation,
    _ProgressWriter,
    draft_move_participant,
    draft_reschedule,
    draft_set_facilitator,
    drafts_publish,
    grouping_run_execute,
    grouping_run_start,
)
from apps.grouping.solver import Cohort as SolverCohort
from apps.grouping.solver import Progress, Result, Unplaced, validate
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import BEFORE_ROUND, available, published_cohort, scheduled_round
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
)

pytestmark = pytest.mark.django_db

DAY = 1440
MONDAY_EVENING = (18 * 60, 21 * 60)  # 18:00-21:00 UTC, London too in March 2027
WEDNESDAY_EVENING = (2 * DAY + 18 * 60, 2 * DAY + 21 * 60)
MONDAY_LATE = (17 * 60, 22 * 60)
WEDNESDAY_LATE = (2 * DAY + 17 * 60, 2 * DAY + 22 * 60)


@pytest.fixture(autouse=True)
def fast_grouping(settings):
    """Small rounds finish in well under a second; the limit only guards against surprises."""
    settings.GROUPING_TIME_LIMIT_SECONDS = 3


# Builders shared by the grouping tests -----------------------------------------------


def participant(round, *intervals, name=None, experience=0, status=Enrollment.Status.ACCEPTED):
    enrollment = EnrollmentFactory(
        round=round,
        status=status,
        experience=experience,
        **({"user__display_name": name} if name else {}),
    )
    available(enrollment, *intervals)
    return enrollment


def facilitator(round, *intervals, name=None, max_cohorts=1, zone="Europe/London"):
    enrollment = FacilitatorEnrollmentFactory(
        round=round,
        max_cohorts=max_cohorts,
        user__time_zone=zone,
        **({"user__display_name": name} if name else {}),
    )
    available(enrollment, *intervals)
    return enrollment


def small_round(**fields):
    """Three people free on Monday evening, three on Wednesday, one facilitator for each.

    Sizes are 2 to 4 (target 3). Two more people cannot be placed: one gave no times and
    one is free only when no facilitator is.
    """
    round = scheduled_round(units=3, **fields)
    people = {
        "mon_lead": facilitator(round, MONDAY_LATE, name="Mona Lead"),
        "wed_lead": facilitator(round, WEDNESDAY_LATE, name="Wes Lead"),
        "no_times": participant(round, name="Nora None"),
        "friday": participant(round, (4 * DAY + 600, 4 * DAY + 720), name="Fred Friday"),
    }
    for i, name in enumerate(["Ada", "Ben", "Cat"]):
        people[name] = participant(round, MONDAY_EVENING, name=name, experience=i)
    for i, name in enumerate(["Dan", "Eve", "Fay"]):
        people[name] = participant(round, WEDNESDAY_EVENING, name=name, experience=i)
    return round, people


def run_now(round, *, only_unplaced=False, by=None) -> GroupingRun:
    """Start a run and do its work here, as the worker would."""
    run = grouping_run_start(round=round, by=by, only_unplaced=only_unplaced)
    return grouping_run_execute(run_id=run.pk)


def drafts(round) -> list[Cohort]:
    return list(Cohort.objects.filter(round=round, published_at__isnull=True).order_by("pk"))


def members(cohort) -> set[str]:
    return set(
        Placement.objects.filter(cohort=cohort).values_list(
            "enrollment__user__display_name", flat=True
        )
    )


def draft_with(round, name) -> Cohort:
    return Cohort.objects.get(
        round=round, published_at__isnull=True, placements__enrollment__user__display_name=name
    )


def result_from_rows(round, run) -> Result:
    """The drafts and the run's unplaced list as a solver result, to check with validate()."""
    return Result(
        cohorts=[
            SolverCohort(
                facilitator=solver_id(cohort.facilitators.get().pk),
                start=cohort.slot_start,
                participants=[solver_id(p.enrollment_id) for p in cohort.placements.all()],
            )
            for cohort in drafts(round)
        ],
        unplaced=[Unplaced(id=solver_id(u["id"]), reason=u["reason"]) for u in run.unplaced],
    )


# Building the problem ------------------------------------------------------------------


def test_the_problem_carries_availability_experience_sizes_and_facilitator_limits():
    round = scheduled_round(
        units=1, cohort_min_size=3, cohort_target_size=5, cohort_max_size=7, meeting_minutes=60
    )
    ada = participant(round, (60, 180), (DAY, DAY + 120), experience=2)
    lead = facilitator(round, (0, 600), max_cohorts=3)

    problem = problem_for_round(round=round, time_limit_seconds=7).problem

    assert (problem.slot_minutes, problem.meeting_minutes) == (30, 60)
    assert (problem.min_size, problem.target_size, problem.max_size) == (3, 5, 7)
    assert problem.time_limit_seconds == 7
    [person] = problem.participants
    assert (person.id, person.availability, person.experience) == (
        str(ada.pk),
        [(60, 180), (DAY, DAY + 120)],
        2,
    )
    [leader] = problem.facilitators
    assert (leader.id, leader.availability, leader.max_cohorts) == (str(lead.pk), [(0, 600)], 3)
    assert problem.fixed_cohorts == []


def test_applied_declined_and_dropped_people_are_left_out_of_the_problem():
    round = scheduled_round(units=1)
    kept = [
        participant(round, MONDAY_EVENING, status=Enrollment.Status.ACCEPTED),
        participant(round, MONDAY_EVENING, status=Enrollment.Status.ACTIVE),
    ]
    for status in ["applied", "declined", "dropped", "completed"]:
        participant(round, MONDAY_EVENING, status=status)
    gone_lead = facilitator(round, MONDAY_LATE)
    gone_lead.status = Enrollment.Status.DROPPED
    gone_lead.save()
    participant(scheduled_round(units=1), MONDAY_EVENING)  # another round

    problem = problem_for_round(round=round, time_limit_seconds=1).problem

    assert {p.id for p in problem.participants} == {str(e.pk) for e in kept}
    assert problem.facilitators == []


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_people_in_published_cohorts_stay_out_and_their_facilitators_time_is_taken():
    round = scheduled_round(units=1)
    lead = facilitator(round, (0, DAY), max_cohorts=2)
    published = published_cohort(round=round, facilitator=lead, members=2, slot_start=19 * 60)
    newcomer = participant(round, MONDAY_EVENING)

    problem = problem_for_round(round=round, time_limit_seconds=1).problem

    assert [p.id for p in problem.participants] == [str(newcomer.pk)]
    [leader] = problem.facilitators
    # One of two cohorts is used up, and 19:00-20:30 on Monday is no longer free.
    assert leader.max_cohorts == 1
    assert leader.availability == [(0, 19 * 60), (20 * 60 + 30, DAY)]
    assert published.placements.count() == 2


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_facilitator_whose_published_cohorts_fill_their_limit_is_left_out():
    round = scheduled_round(units=1)
    lead = facilitator(round, (0, DAY), max_cohorts=1)
    published_cohort(round=round, facilitator=lead, members=2)
    participant(round, MONDAY_EVENING)

    assert problem_for_round(round=round, time_limit_seconds=1).problem.facilitators == []


def test_keeping_drafts_makes_them_fixed_cohorts_with_their_members():
    round, people = small_round()
    run_now(round)
    monday = draft_with(round, "Ada")
    late = participant(round, MONDAY_EVENING, name="Gus")

    built = problem_for_round(round=round, time_limit_seconds=1, keep_drafts=True)

    assert built.kept_cohort_ids == [c.pk for c in drafts(round)]
    fixed = built.problem.fixed_cohorts[built.kept_cohort_ids.index(monday.pk)]
    assert fixed.facilitator == str(people["mon_lead"].pk)
    assert fixed.start == monday.slot_start
    assert set(fixed.participants) == {str(people[n].pk) for n in ["Ada", "Ben", "Cat"]}
    assert str(late.pk) in {p.id for p in built.problem.participants}


# Runs ------------------------------------------------------------------------------------


def test_a_run_forms_valid_draft_cohorts_and_explains_who_is_left_out(staff):
    round, people = small_round()

    run = run_now(round, by=staff)

    assert run.status == GroupingRun.Status.DONE
    assert run.progress == 100
    assert run.finished_at is not None
    assert run.message == "Placed 6 of 8 participants in 2 cohorts."
    assert run.requested_by == staff
    cohorts = drafts(round)
    assert [c.name for c in cohorts] == ["Cohort 1", "Cohort 2"]  # Monday first
    assert all(c.published_at is None for c in cohorts)
    assert [members(c) for c in cohorts] == [{"Ada", "Ben", "Cat"}, {"Dan", "Eve", "Fay"}]
    assert [c.facilitators.get() for c in cohorts] == [people["mon_lead"], people["wed_lead"]]
    assert {c.time_zone for c in cohorts} == {"Europe/London"}
    assert sorted(run.unplaced, key=lambda u: u["id"]) == [
        {"id": people["no_times"].pk, "reason": "no availability given"},
        {"id": people["friday"].pk, "reason": "no shared slot with a facilitator"},
    ]
    assert run.stats["placed"] == 6
    problem = problem_for_round(round=round, time_limit_seconds=1).problem
    assert validate(problem, result_from_rows(round, run)) == []
    assert not Meeting.objects.exists()


def test_the_cohort_is_anchored_in_its_facilitators_zone():
    round = scheduled_round(units=1)
    facilitator(round, MONDAY_LATE, zone="America/New_York")
    for _ in range(3):
        participant(round, MONDAY_EVENING)

    run_now(round)

    [cohort] = drafts(round)
    assert cohort.time_zone == "America/New_York"
    # 1 March 2027 New York is on EST (UTC-5).
    assert cohort.weekday == 0
    assert cohort.local_time.hour == cohort.slot_start // 60 - 5


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_a_new_run_replaces_the_drafts_and_leaves_published_cohorts_alone():
    round, people = small_round()
    published = published_cohort(round=round, members=2, name="Cohort 1")
    published_members = set(published.placements.values_list("enrollment_id", flat=True))
    old = CohortFactory(
        round=round, name="Old draft", published_at=None, facilitators=[people["mon_lead"]]
    )
    Placement.objects.create(enrollment=people["Ada"], cohort=old)

    run_now(round)

    assert not Cohort.objects.filter(pk=old.pk).exists()
    assert [c.name for c in drafts(round)] == ["Cohort 2", "Cohort 3"]
    published.refresh_from_db()
    assert published.is_published
    assert set(published.placements.values_list("enrollment_id", flat=True)) == published_members
    assert not Placement.objects.filter(
        enrollment_id__in=published_members, cohort__published_at__isnull=True
    ).exists()


def test_re_running_for_the_unplaced_keeps_the_drafts_and_hand_edits():
    round, people = small_round()
    run_now(round)
    monday, wednesday = drafts(round)
    draft_move_participant(round=round, enrollment_id=people["Cat"].pk, to_cohort_id=None, by=None)
    gus = participant(round, MONDAY_EVENING, name="Gus")
    # Two newcomers on Thursday with a facilitator for them.
    thursday = (3 * DAY + 18 * 60, 3 * DAY + 21 * 60)
    participant(round, thursday, name="Hal")
    participant(round, thursday, name="Ida")
    facilitator(round, thursday, name="Tess Lead")

    run = run_now(round, only_unplaced=True)

    assert run.status == GroupingRun.Status.DONE, run.message
    assert run.only_unplaced
    cohorts = drafts(round)
    assert cohorts[:2] == [monday, wednesday]
    assert members(monday) == {"Ada", "Ben", "Cat", "Gus"}
    assert members(wednesday) == {"Dan", "Eve", "Fay"}
    assert [members(c) for c in cohorts[2:]] == [{"Hal", "Ida"}]
    assert cohorts[2].name == "Cohort 3"
    assert gus.placement.cohort == monday


def test_re_running_needs_drafts_and_someone_left_to_place():
    round, people = small_round()
    with pytest.raises(GroupingError, match="no draft cohorts to keep"):
        grouping_run_start(round=round, by=None, only_unplaced=True)
    run_now(round)
    for key in ["no_times", "friday"]:
        people[key].status = Enrollment.Status.DECLINED
        people[key].save()

    with pytest.raises(GroupingError, match="Everyone is already in a cohort"):
        grouping_run_start(round=round, by=None, only_unplaced=True)


def test_a_round_with_nobody_to_group_cannot_be_run():
    round = scheduled_round(units=1)
    participant(round, MONDAY_EVENING, status=Enrollment.Status.APPLIED)

    with pytest.raises(GroupingError, match="nobody to group"):
        grouping_run_start(round=round, by=None)
    assert not GroupingRun.objects.exists()


def test_only_one_run_at_a_time_but_a_stuck_one_gives_way():
    round, _ = small_round()
    first = grouping_run_start(round=round, by=None)

    with pytest.raises(GroupingError, match="already running"):
        grouping_run_start(round=round, by=None)

    GroupingRun.objects.filter(pk=first.pk).update(created_at=timezone.now() - timedelta(hours=2))
    second = grouping_run_start(round=round, by=None)
    first.refresh_from_db()
    assert first.status == GroupingRun.Status.FAILED
    assert "may have restarted" in first.message
    assert second.status == GroupingRun.Status.QUEUED


def test_a_run_that_fails_is_marked_failed_with_the_reason(monkeypatch):
    round, _ = small_round()

    def broken(problem, progress=None):
        raise RuntimeError("out of memory")

    monkeypatch.setattr("apps.grouping.services.solve", broken)
    run = run_now(round)

    assert run.status == GroupingRun.Status.FAILED
    assert run.message == "Grouping stopped with an error: RuntimeError: out of memory"
    assert run.finished_at is not None
    assert not drafts(round)


def test_a_run_is_started_only_once():
    round, _ = small_round()
    run = run_now(round)
    made = set(Cohort.objects.values_list("pk", flat=True))

    again = grouping_run_execute(run_id=run.pk)

    assert again.status == GroupingRun.Status.DONE
    assert set(Cohort.objects.values_list("pk", flat=True)) == made


def test_progress_is_written_at_most_twice_a_second():
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    GroupingRun.objects.filter(pk=run.pk).update(status=GroupingRun.Status.RUNNING)
    now = [100.0]
    writer = _ProgressWriter(run.pk, clock=lambda: now[0])

    writer(Progress(0.1, "greedy start places 3"))
    now[0] += 0.2
    writer(Progress(0.2, "window 1: 3 placed"))  # too soon: skipped
    run.refresh_from_db()
    assert (run.progress, run.message) == (10, "Searching: greedy start places 3")

    now[0] += 0.4
    writer(Progress(0.456, "window 2: 4 placed"))
    run.refresh_from_db()
    assert (run.progress, run.message) == (45, "Searching: window 2: 4 placed")


def test_a_kept_draft_without_a_facilitator_stops_the_re_run_with_a_message():
    round, people = small_round()
    run_now(round)
    monday = draft_with(round, "Ada")
    monday.facilitators.clear()

    run = run_now(round, only_unplaced=True)

    assert run.status == GroupingRun.Status.FAILED
    assert run.message == f"{monday.name} has no facilitator. Give it one before placing the rest."


# Hand edits ------------------------------------------------------------------------------


@pytest.fixture
def grouped():
    round, people = small_round()
    run_now(round)
    return round, people, draft_with(round, "Ada"), draft_with(round, "Dan")


def test_a_participant_moves_to_another_draft_and_out_of_every_cohort(grouped):
    round, people, monday, wednesday = grouped
    available(people["Ada"], MONDAY_EVENING, WEDNESDAY_EVENING)

    draft_move_participant(
        round=round, enrollment_id=people["Ada"].pk, to_cohort_id=wednesday.pk, by=None
    )
    assert members(wednesday) == {"Ada", "Dan", "Eve", "Fay"}

    draft_move_participant(round=round, enrollment_id=people["Ada"].pk, to_cohort_id=None, by=None)
    assert not Placement.objects.filter(enrollment=people["Ada"]).exists()
    review = selectors.review(round=round)
    assert selectors.NOT_IN_LAST_RUN in [
        u.reason for u in review.unplaced if u.enrollment == people["Ada"]
    ]


def test_moving_someone_to_a_time_they_cannot_make_needs_confirmation(grouped):
    round, people, monday, wednesday = grouped

    with pytest.raises(NeedsConfirmation, match="does not cover"):
        draft_move_participant(
            round=round, enrollment_id=people["Ada"].pk, to_cohort_id=wednesday.pk, by=None
        )
    draft_move_participant(
        round=round,
        enrollment_id=people["Ada"].pk,
        to_cohort_id=wednesday.pk,
        by=None,
        allow_unavailable=True,
    )

    [item] = [c for c in selectors.review(round=round).drafts if c.cohort == wednesday]
    assert [fit.enrollment for fit in item.cannot_attend] == [people["Ada"]]


def test_a_move_into_a_full_draft_or_a_published_cohort_is_refused(grouped):
    round, people, monday, wednesday = grouped
    for name in ["Gus", "Hal"]:
        people[name] = participant(round, MONDAY_EVENING, WEDNESDAY_EVENING, name=name)
    draft_move_participant(
        round=round, enrollment_id=people["Gus"].pk, to_cohort_id=wednesday.pk, by=None
    )

    with pytest.raises(GroupingError, match="past the maximum of 4"):
        draft_move_participant(
            round=round, enrollment_id=people["Hal"].pk, to_cohort_id=wednesday.pk, by=None
        )
    with time_machine.travel(BEFORE_ROUND, tick=False):
        published = published_cohort(round=round, members=1)
    with pytest.raises(GroupingError, match="draft cohorts"):
        draft_move_participant(
            round=round, enrollment_id=people["Hal"].pk, to_cohort_id=published.pk, by=None
        )
    with pytest.raises(GroupingError, match="accepted participants"):
        draft_move_participant(
            round=round, enrollment_id=people["mon_lead"].pk, to_cohort_id=monday.pk, by=None
        )


def test_swapping_the_facilitator_keeps_the_moment_and_re_anchors_in_their_zone(grouped):
    round, people, monday, wednesday = grouped
    paris = facilitator(round, MONDAY_LATE, name="Pia Paris", zone="Europe/Paris")

    check = draft_set_facilitator(
        round=round, cohort_id=monday.pk, facilitator_id=paris.pk, by=None
    )

    assert check.absentees == []
    before = monday.slot_start
    monday.refresh_from_db()
    assert list(monday.facilitators.all()) == [paris]
    assert monday.slot_start == before
    assert monday.time_zone == "Europe/Paris"
    assert monday.local_time.hour == before // 60 + 1  # Paris is an hour ahead in March


def test_a_facilitator_already_at_their_limit_or_busy_then_cannot_take_over(grouped):
    round, people, monday, wednesday = grouped
    available(people["wed_lead"], MONDAY_LATE, WEDNESDAY_LATE)

    with pytest.raises(GroupingError, match="the most they said they can run"):
        draft_set_facilitator(
            round=round, cohort_id=monday.pk, facilitator_id=people["wed_lead"].pk, by=None
        )

    people["wed_lead"].max_cohorts = 2
    people["wed_lead"].save()
    draft_reschedule(
        round=round,
        cohort_id=wednesday.pk,
        weekday=0,
        local_time=time(18),
        time_zone="UTC",
        by=None,
        confirmed=True,
    )
    with pytest.raises(GroupingError, match="at an overlapping time"):
        draft_set_facilitator(
            round=round, cohort_id=monday.pk, facilitator_id=people["wed_lead"].pk, by=None
        )


def test_a_facilitator_who_cannot_make_the_time_needs_confirmation_and_is_listed(grouped):
    round, people, monday, _ = grouped
    early = facilitator(round, (8 * 60, 12 * 60), name="Earl Early")

    with pytest.raises(NeedsConfirmation) as caught:
        draft_set_facilitator(round=round, cohort_id=monday.pk, facilitator_id=early.pk, by=None)

    assert [(a.enrollment, a.role) for a in caught.value.check.absentees] == [
        (early, "facilitator")
    ]
    assert list(monday.facilitators.all()) == [people["mon_lead"]]
    draft_set_facilitator(
        round=round, cohort_id=monday.pk, facilitator_id=early.pk, by=None, confirmed=True
    )
    assert list(monday.facilitators.all()) == [early]


def test_a_new_time_lists_who_could_no_longer_attend_and_needs_confirmation(grouped):
    round, people, monday, _ = grouped
    available(people["Ben"], MONDAY_EVENING, (DAY + 17 * 60, DAY + 21 * 60))
    available(people["mon_lead"], MONDAY_LATE, (DAY + 17 * 60, DAY + 21 * 60))

    # Ben and the facilitator are free on Tuesday evening too; Ada and Cat are not.
    with pytest.raises(NeedsConfirmation) as caught:
        draft_reschedule(
            round=round,
            cohort_id=monday.pk,
            weekday=1,
            local_time=time(19),
            time_zone="Europe/London",
            by=None,
        )
    check = caught.value.check
    assert {a.enrollment.user.display_name for a in check.absentees} == {"Ada", "Cat"}
    assert all(a.could_before and a.role == "participant" for a in check.absentees)
    monday.refresh_from_db()
    assert monday.slot_start != DAY + 19 * 60

    draft_reschedule(
        round=round,
        cohort_id=monday.pk,
        weekday=1,
        local_time=time(19),
        time_zone="Europe/London",
        by=None,
        confirmed=True,
    )
    monday.refresh_from_db()
    assert (monday.slot_start, monday.weekday, monday.local_time) == (DAY + 19 * 60, 1, time(19))
    [item] = [c for c in selectors.review(round=round).drafts if c.cohort == monday]
    assert {f.enrollment.user.display_name for f in item.cannot_attend} == {"Ada", "Cat"}


def test_a_time_given_in_another_zone_is_kept_in_the_cohorts_own_zone(grouped):
    round, people, monday, _ = grouped
    available(people["mon_lead"], (0, 7 * DAY))

    # 14:00 in New York on 1 March 2027 (EST) is 19:00 in London.
    draft_reschedule(
        round=round,
        cohort_id=monday.pk,
        weekday=0,
        local_time=time(14),
        time_zone="America/New_York",
        by=None,
        confirmed=True,
    )

    monday.refresh_from_db()
    assert (monday.time_zone, monday.weekday, monday.local_time) == ("Europe/London", 0, time(19))
    assert monday.slot_start == 19 * 60


def test_hand_edits_wait_for_a_run_under_way(grouped):
    round, people, monday, wednesday = grouped
    grouping_run_start(round=round, by=None)

    with pytest.raises(GroupingError, match="Wait for it to finish"):
        draft_move_participant(
            round=round, enrollment_id=people["Ada"].pk, to_cohort_id=None, by=None
        )
    with pytest.raises(GroupingError, match="Wait for it to finish"):
        drafts_publish(round=round, by=None, confirmed=True)


# Publishing ------------------------------------------------------------------------------


@time_machine.travel(BEFORE_ROUND, tick=False)
def test_publishing_creates_meetings_and_members_see_their_cohort(grouped, client):
    round, people, monday, wednesday = grouped
    with time_machine.travel(BEFORE_ROUND, tick=False):
        earlier = published_cohort(round=round, members=1, name="Earlier")
    earlier_published_at = earlier.published_at

    check = drafts_publish(round=round, by=None)

    assert [item.cohort for item in check.to_publish] == [monday, wednesday]
    for cohort in (monday, wednesday):
        cohort.refresh_from_db()
        assert cohort.is_published
        assert cohort.meetings.count() == 3
    earlier.refresh_from_db()
    assert earlier.published_at == earlier_published_at
    people["Ada"].refresh_from_db()
    assert people["Ada"].status == Enrollment.Status.ACTIVE

    client.login(email=people["Ada"].user.email, password=PASSWORD)
    page = client.get(reverse("cohorts:mine")).content.decode()
    assert monday.name in page
    assert "Mondays" in page


def test_publishing_asks_again_when_someone_cannot_attend_or_a_size_is_off(grouped):
    round, people, monday, wednesday = grouped
    for name in ["Dan", "Eve"]:
        draft_move_participant(
            round=round, enrollment_id=people[name].pk, to_cohort_id=None, by=None
        )
    draft_move_participant(
        round=round,
        enrollment_id=people["Ada"].pk,
        to_cohort_id=wednesday.pk,
        by=None,
        allow_unavailable=True,
    )

    with pytest.raises(NeedsConfirmation) as caught:
        drafts_publish(round=round, by=None)

    warnings = caught.value.check.warnings
    assert any(w.startswith("Ada (participant of Cohort 2) is not available") for w in warnings)
    assert not any("Cohort 2 has" in w for w in warnings)  # Ada and Fay: two is the minimum
    assert not Cohort.objects.filter(published_at__isnull=False).exists()
    drafts_publish(round=round, by=None, confirmed=True)
    assert Cohort.objects.filter(published_at__isnull=False).count() == 2


def test_a_draft_without_a_facilitator_stops_publishing_and_empty_drafts_are_dropped(grouped):
    round, people, monday, wednesday = grouped
    wednesday.facilitators.clear()

    with pytest.raises(GroupingError, match="Cohort 2: It has no facilitator"):
        drafts_publish(round=round, by=None, confirmed=True)

    wednesday.facilitators.set([people["wed_lead"]])
    for name in ["Dan", "Eve", "Fay"]:
        draft_move_participant(
            round=round, enrollment_id=people[name].pk, to_cohort_id=None, by=None
        )
    check = drafts_publish(round=round, by=None, confirmed=True)
    assert [cohort.name for cohort in check.empty] == [wednesday.name]
    assert not Cohort.objects.filter(pk=wednesday.pk).exists()
    monday.refresh_from_db()
    assert monday.is_published


def test_publishing_with_no_drafts_says_so():
    round = scheduled_round(units=1)

    with pytest.raises(GroupingError, match="no draft cohorts"):
        drafts_publish(round=round, by=None, confirmed=True)


def test_a_participant_placed_by_hand_in_a_published_cohort_is_left_there(grouped):
    round, people, monday, _ = grouped
    with time_machine.travel(BEFORE_ROUND, tick=False):
        published = published_cohort(round=round, members=0)
    Placement.objects.filter(enrollment=people["Ada"]).update(cohort=published)

    with pytest.raises(GroupingError, match="which is published"):
        draft_move_participant(
            round=round, enrollment_id=people["Ada"].pk, to_cohort_id=monday.pk, by=None
        )
    run_now(round)
    assert Placement.objects.get(enrollment=people["Ada"]).cohort == published


def test_someone_moved_into_a_published_cohort_during_a_run_stays_there(monkeypatch):
    round, people = small_round()
    with time_machine.travel(BEFORE_ROUND, tick=False):
        published = published_cohort(round=round, members=0)
    real_solve = services.solve

    def solve_while_a_facilitator_moves_ada(problem, progress=None):
        result = real_solve(problem, progress=progress)
        Placement.objects.create(enrollment=people["Ada"], cohort=published)
        return result

    monkeypatch.setattr(services, "solve", solve_while_a_facilitator_moves_ada)
    run = run_now(round)

    assert run.status == GroupingRun.Status.DONE
    assert Placement.objects.get(enrollment=people["Ada"]).cohort == published
    assert members(draft_with(round, "Ben")) == {"Ben", "Cat"}
