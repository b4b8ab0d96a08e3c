"""The figures of a round's analytics, on the round described in conftest.py."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from apps.analytics import selectors
from apps.progress.selectors.schedule import round_schedule

pytestmark = pytest.mark.django_db


def report(world):
    return selectors.round_report(round=world.round)


def test_the_funnel_follows_people_from_applying_to_a_certificate(world):
    stages = {stage.key: stage.people for stage in report(world).funnel}

    assert stages == {
        "applied": 8,  # everyone but the facilitators
        "accepted": 6,  # Hal was declined and Gil is still waiting
        "placed": 5,  # Ed, who dropped out, had been placed
        "attended_week_1": 4,
        "active_week_1": 4,
        "active_week_2": 3,  # Ann and Di came; Bo only saved a draft
        "active_week_3": 0,
        "completed": 1,
        "certified": 1,
    }


def test_a_week_still_to_come_has_no_figure_and_no_share(world):
    sunday = datetime(2027, 3, 14, 12, tzinfo=UTC)

    week_3 = selectors.round_report(round=world.round, now=sunday).funnel[-3]

    assert (week_3.key, week_3.people, week_3.share) == ("active_week_3", None, None)


def test_shares_in_the_funnel_are_of_everyone_who_applied(world):
    placed = next(stage for stage in report(world).funnel if stage.key == "placed")

    assert placed.percent == round(100 * 5 / 8)


def test_a_revoked_certificate_does_not_count_as_certified(world):
    world.people["di"].certificate.__class__.objects.update(
        revoked_at=timezone.now(), revoke_reason="Mistake"
    )

    stages = {stage.key: stage.people for stage in report(world).funnel}

    assert (stages["completed"], stages["certified"]) == (1, 0)


def test_each_session_counts_attendance_readings_exercises_and_ratings(world):
    first, second, third = report(world).session_figures

    # Five take part (Ed dropped out); Cohort A's three and Di were due at each meeting.
    assert (first.people, first.due, first.attended, first.attended_percent) == (5, 4, 3, 75)
    assert (first.readings_done, first.readings_percent) == (2, 20)
    assert (first.handed_in, first.handed_in_percent) == (1, 20)
    assert (first.ratings, first.rating_average, first.comments) == (2, 3.0, 1)
    assert (second.attended_percent, second.readings_percent, second.ratings) == (50, 0, 0)
    assert second.rating_average is None
    # Session 3 has no exercise: no share to take.
    assert (third.attended_percent, third.handed_in_percent) == (0, None)


def test_readings_people_skip_or_rate_low_are_flagged(world):
    resources = {item.resource.title: item for item in report(world).resources}

    gaming = resources["Specification gaming"]
    assert (gaming.done, gaming.worth_it, gaming.not_worth_it, gaming.notes) == (1, 1, 2, 2)
    assert gaming.often_skipped and gaming.rated_low
    assert resources["Debate"].often_skipped and not resources["Debate"].rated_low
    # Session 3's work is not due yet, so nobody has skipped its reading.
    assert not resources["Career guide"].often_skipped


def test_resources_come_in_course_order_core_ones_first(world):
    titles = [item.resource.title for item in report(world).resources]

    assert titles == ["Specification gaming", "Open problems", "Debate", "Career guide"]


def test_each_cohort_has_its_retention_attendance_and_work_waiting(world):
    a, b = report(world).teams.cohorts

    assert (a.cohort.name, a.load.placed, a.load.staying, a.load.retention_percent) == (
        "Cohort A",
        3,
        3,
        100,
    )
    assert (a.load.meetings_held, a.load.present, a.load.attendance_percent) == (3, 3, 33)
    assert a.load.waiting == 1
    assert [e.user.name for e in a.facilitators] == ["Fay"]
    # Ed dropped out: half of Cohort B is left, and his presence no longer counts.
    assert (b.load.retention_percent, b.load.present, b.load.attendance_percent) == (50, 2, 67)


def test_each_facilitator_carries_the_load_of_their_cohorts(world):
    rows = {row.enrollment.user.name: row for row in report(world).teams.facilitators}

    assert sorted(rows) == ["Fay", "Gus", "Lena"]
    assert [c.name for c in rows["Fay"].cohorts] == ["Cohort A"]
    assert (rows["Gus"].load.staying, rows["Gus"].load.retention_percent) == (1, 50)
    assert (rows["Lena"].cohorts, rows["Lena"].load.retention_percent) == ([], None)


def test_a_facilitator_of_two_cohorts_carries_both(world):
    fay = world.facilitators[0]
    world.cohorts[1].facilitators.add(fay)

    rows = {row.enrollment.user.name: row for row in report(world).teams.facilitators}

    assert [c.name for c in rows["Fay"].cohorts] == ["Cohort A", "Cohort B"]
    assert (rows["Fay"].load.placed, rows["Fay"].load.staying) == (5, 4)
    # 3 of 9 seats in A and 2 of 3 in B: 5 of 12, not 5 of (3 + 3) meetings times 4 people.
    assert (rows["Fay"].load.present, rows["Fay"].load.attendance_percent) == (5, 42)


def test_notes_are_the_comments_and_resource_notes_people_wrote(world):
    notes = list(selectors.notes(round=world.round))

    assert [(n.participant, n.resource, n.rating, n.text, n.cohort) for n in notes] == [
        ("Ann", "", "4 of 5", "Lively.", "Cohort A"),
        ("Bo", "Specification gaming", "not worth it", "Too long.", "Cohort A"),
        ("Di", "Specification gaming", "not worth it", "=SUM(A1)", "Cohort B"),
    ]


def test_another_rounds_figures_stay_out(world):
    from tests.analytics.conftest import build_world

    other = build_world(name="Autumn 2027", cohorts=1, size=3)

    stages = {stage.key: stage.people for stage in report(world).funnel}
    assert stages["applied"] == 8
    assert selectors.people_taking_part(round=other.round) == 8
    assert len(round_schedule(round=other.round)) == 3
