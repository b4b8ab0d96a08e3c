"""What a facilitator sees at home for each cohort they lead."""

from datetime import timedelta

import pytest
import time_machine

from apps.cohorts.models import Attendance
from apps.submissions.models import Submission
from tests.factories import CohortFactory, FacilitatorEnrollmentFactory, PlacementFactory
from tests.home.conftest import (
    build_cohort,
    done,
    log_in,
    page,
    part,
    review,
    submit,
    text,
    utc,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort_world(world):
    """Four members in week 4, two days before session 4's work is due:

    Ada is on track; Ben missed the last meeting; Cy has not opened the readings;
    Di has not started the exercise. Nobody recorded session 3's attendance.
    """
    cohort, lead, members, meetings = build_cohort(world, size=4)
    ada, ben, cy, di = members
    for person in (ada, ben, di):
        done(person.user, world.resources[4][0])
    submit(ada, world.exercises[4], Submission.Status.DRAFT)
    submit(ben, world.exercises[4], at=utc(2027, 3, 26, 9, 0))
    submit(cy, world.exercises[4], at=utc(2027, 3, 25, 8, 0))
    Attendance.objects.filter(meeting=meetings[4], enrollment=ben).update(
        status=Attendance.Status.ABSENT
    )
    Attendance.objects.filter(meeting=meetings[3]).delete()
    return cohort, lead, members, meetings


@pytest.fixture
def card(client, cohort_world):
    cohort, lead = cohort_world[0], cohort_world[1]
    log_in(client, lead.user)
    return part(page(client), f"cohort-{cohort.pk}")


def test_the_cohort_shows_its_week_and_size(card):
    assert "AI Alignment, Spring 2027 · Week 4 of 5 · 4 participants" in text(card)


def test_the_next_meeting_is_in_the_facilitators_own_time(card):
    assert "Tuesday 30 March, 19:00 BST" in text(card)
    assert '<time datetime="2027-03-30T18:00:00Z">' in card


def test_meetings_held_without_attendance_ask_for_it(card, cohort_world):
    cohort, lead, members, meetings = cohort_world
    assert f'href="/cohorts/{cohort.pk}/meetings/{meetings[3].pk}/attendance/"' in card
    assert "for Session 3: Topic 3" in text(card)
    for number in (1, 2, 4, 5):
        assert f"/meetings/{meetings[number].pk}/attendance/" not in card


def test_submissions_waiting_are_listed_oldest_first(card, cohort_world):
    cohort, lead, members, meetings = cohort_world
    waiting = text(card.split("Waiting for grading")[1].split("</ol>")[0])
    assert "2 submissions waiting" in waiting
    cy_at = waiting.index(f"Exercise 4 by {members[2].user.name}")
    ben_at = waiting.index(f"Exercise 4 by {members[1].user.name}")
    assert cy_at < ben_at
    assert "submitted Thu 25 Mar, 08:00 GMT" in waiting


def test_only_the_oldest_five_are_listed_with_a_link_to_the_rest(client, world):
    cohort, lead, members, meetings = build_cohort(world, size=7)
    for day, person in enumerate(members):
        submit(person, world.exercises[4], at=utc(2027, 3, 20 + day, 12, 0))
    log_in(client, lead.user)

    card = part(page(client), f"cohort-{cohort.pk}")

    waiting = card.split("Waiting for grading")[1].split("</ol>")[0]
    assert waiting.count('href="/grading/submissions/') == 5
    assert members[4].user.name in waiting and members[5].user.name not in waiting
    assert "See all 7 in the grading queue" in text(card)


def test_falling_behind_names_who_and_why(card, cohort_world):
    ada, ben, cy, di = cohort_world[2]
    behind = text(card.split("Falling behind")[1])
    assert ada.user.name not in behind
    assert f"{ben.user.name} Missed the last meeting (Session 4: Topic 4)" in behind
    assert f"{cy.user.name} Has not started the readings of Session 4: Topic 4" in behind
    assert f"{di.user.name} Has not started “Exercise 4” (Session 4: Topic 4)" in behind


def test_not_started_only_counts_from_two_days_before_the_due_time(client, cohort_world):
    cohort, lead, members, meetings = cohort_world
    log_in(client, lead.user)
    # Session 4 is due on Sunday at 22:00 UTC: 58 hours before, nobody is behind on it yet.
    with time_machine.travel(utc(2027, 3, 26, 12, 0), tick=False):
        card = text(part(page(client), f"cohort-{cohort.pk}"))

    assert "Missed the last meeting" in card
    assert "Has not started" not in card


def test_excused_absence_is_not_missing_the_meeting(client, cohort_world):
    cohort, lead, members, meetings = cohort_world
    Attendance.objects.filter(meeting=meetings[4], enrollment=members[1]).update(
        status=Attendance.Status.EXCUSED
    )
    log_in(client, lead.user)

    assert "Missed the last meeting" not in page(client)


def test_late_peer_reviews_name_the_reviewer(client, world, cohort_world):
    cohort, lead, members, meetings = cohort_world
    ada, ben, cy, di = members
    work = {s.enrollment_id: s for s in Submission.objects.filter(exercise=world.exercises[3])}
    review(cy, work[ada.pk], due_at=utc(2027, 3, 26, 22, 0))
    review(cy, work[ben.pk], due_at=utc(2027, 3, 25, 22, 0))
    review(di, work[cy.pk], due_at=utc(2027, 3, 29, 22, 0))
    log_in(client, lead.user)

    card = text(part(page(client), f"cohort-{cohort.pk}"))

    late = card.split("Late peer reviews")[1]
    assert f"{cy.user.name}: 2 reviews overdue since Thu 25 Mar, 22:00 GMT" in late
    assert di.user.name not in late


def test_a_cohort_of_a_round_that_is_over_drops_off_once_nothing_is_left(client, cohort_world):
    cohort, lead, members, meetings = cohort_world
    with time_machine.travel(utc(2027, 4, 20, 12, 0), tick=False):
        log_in(client, lead.user)
        assert f'id="cohort-{cohort.pk}"' in page(client)  # work still waits, attendance too
        Submission.objects.filter(status=Submission.Status.SUBMITTED).update(
            status=Submission.Status.ACCEPTED
        )
        for meeting in meetings.values():
            Attendance.objects.get_or_create(
                meeting=meeting, enrollment=members[0], defaults={"status": "present"}
            )
        assert f'id="cohort-{cohort.pk}"' not in page(client)


def test_cohorts_led_by_someone_else_are_not_shown(client, world, cohort_world):
    cohort, lead, members, meetings = cohort_world
    other = CohortFactory(round=world.round, name="Someone else's")
    PlacementFactory(cohort=other)
    log_in(client, lead.user)

    html = page(client)

    assert f'id="cohort-{other.pk}"' not in html
    assert "Someone else&#x27;s" not in html


def test_a_draft_cohort_is_not_shown_until_published(client, world):
    lead = FacilitatorEnrollmentFactory(round=world.round)
    draft = CohortFactory(round=world.round, facilitators=[lead], published_at=None)
    log_in(client, lead.user)

    assert f'id="cohort-{draft.pk}"' not in page(client)


def test_times_follow_the_facilitators_zone(client, cohort_world):
    cohort, lead, members, meetings = cohort_world
    lead.user.time_zone = "America/New_York"
    lead.user.save()
    log_in(client, lead.user)

    card = text(part(page(client), f"cohort-{cohort.pk}"))

    assert "Tuesday 30 March, 14:00 EDT" in card
    assert "submitted Thu 25 Mar, 04:00 EDT" in card


def test_the_last_meeting_is_the_last_one_that_ended(client, cohort_world):
    cohort, lead, members, meetings = cohort_world
    log_in(client, lead.user)
    # Half an hour into session 5's meeting, session 4's is still the last one held.
    with time_machine.travel(meetings[5].starts_at + timedelta(minutes=30), tick=False):
        card = text(part(page(client), f"cohort-{cohort.pk}"))

    assert "Missed the last meeting (Session 4: Topic 4)" in card
