"""What a participant sees at home: their week, work, meeting, reviews and certificate."""

from datetime import date

import pytest
import time_machine

from apps.certificates.models import Certificate
from apps.cohorts.models import CalendarFeed
from apps.reminders.models import Notification
from apps.rounds.models import Enrollment
from apps.submissions.models import Feedback, Revision, Submission
from tests.factories import EnrollmentFactory, UserFactory
from tests.home.conftest import (
    NOW,
    build_course,
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


def returned(enrollment, exercise) -> Submission:
    submission = submit(enrollment, exercise, Submission.Status.RETURNED)
    revision = Revision.objects.create(submission=submission, number=1, answers={})
    Feedback.objects.create(
        submission=submission,
        revision=revision,
        decision=Feedback.Decision.RETURNED,
        comment="Say more about the second role.",
    )
    Feedback.objects.filter(submission=submission).update(created_at=utc(2027, 3, 25, 9, 30))
    return submission


@pytest.fixture
def pat_home(client, world, participant_in_cohort):
    """Pat's home in week 4: half of the readings done, a draft, a gap, returned work."""
    pat, cohort, lead, members, meetings = participant_in_cohort
    done(pat.user, world.resources[4][0])
    submit(pat, world.exercises[1], Submission.Status.ACCEPTED)
    returned(pat, world.exercises[2])
    submit(pat, world.exercises[4], Submission.Status.DRAFT)
    log_in(client, pat.user)
    return part(page(client), f"round-{pat.pk}")


def test_the_round_says_which_week_it_is(pat_home):
    assert "AI Alignment: Spring 2027" in pat_home
    assert "Week 4 of 5" in text(pat_home)


def test_this_weeks_session_shows_the_readings_left_and_their_minutes(pat_home, world):
    assert "This week: Session 4: Topic 4" in text(pat_home)
    assert f'href="{world.units[3].get_absolute_url()}"' in pat_home
    assert "1 of 2 readings left, about 20 minutes." in text(pat_home)


def test_each_exercise_shows_its_status_and_due_time_in_the_persons_zone(pat_home, world):
    # Due at 22:00 UTC on the Sunday London moves to summer time: 23:00 there.
    assert "Exercise 4 Due Sun 28 Mar, 23:00 BST Draft" in text(pat_home)
    assert '<time datetime="2027-03-28T22:00:00Z">' in pat_home


def test_earlier_work_not_handed_in_is_listed_as_overdue(pat_home):
    earlier = text(pat_home.split("Still to hand in from earlier sessions")[1])
    assert "Exercise 3 Session 3: Topic 3, was due Sun 21 Mar, 22:00 GMT Not started Overdue" in (
        earlier
    )
    # Accepted work is done, and returned work has its own list.
    assert "Exercise 1" not in pat_home
    assert "Exercise 2 Session 2" not in earlier.split("Returned for revision")[0]


def test_returned_work_links_to_the_answer_with_the_date_it_came_back(pat_home, world):
    returned_part = text(pat_home.split("Returned for revision")[1].split("</ul>")[0])
    assert "Exercise 2 Session 2: Topic 2, returned Thu 25 Mar, 09:30 GMT" in returned_part
    assert f"/work/{world.round.slug}/exercises/{world.exercises[2].pk}/" in pat_home


def test_the_next_meeting_has_its_local_time_a_join_link_and_a_calendar_link(
    client, world, pat_home
):
    meeting = text(pat_home.split("Next meeting")[1])
    # 18:00 UTC on 30 March is 19:00 in London, now on summer time.
    assert "When Tuesday 30 March, 19:00 BST" in meeting
    assert "To discuss Session 5: Topic 5" in meeting
    assert 'href="https://meet.example.com/tuesday"' in pat_home
    feed = CalendarFeed.objects.get(user__email="pat@example.com")
    assert f'href="webcal://testserver/cohorts/calendar/{feed.token}.ics"' in pat_home


def test_reviews_to_do_are_listed_with_their_due_time(client, world, participant_in_cohort):
    pat, cohort, lead, members, meetings = participant_in_cohort
    work = submit(members[0], world.exercises[4])
    assignment = review(pat, work, due_at=utc(2027, 3, 29, 22, 0))
    late = review(pat, submit(members[1], world.exercises[4]), due_at=utc(2027, 3, 26, 22, 0))
    log_in(client, pat.user)

    reviews = page(client).split("Reviews to do")[1].split("</ul>")[0]

    assert f'href="/reviews/{assignment.pk}/"' in reviews
    assert "due Mon 29 Mar, 23:00 BST Not started" in text(reviews)
    assert f'href="/reviews/{late.pk}/"' in reviews
    assert "Overdue" in text(reviews)
    # Reviews are anonymous unless the course says otherwise.
    assert members[0].user.name not in reviews


def test_unread_notifications_are_shown_newest_first(client, participant_in_cohort):
    pat = participant_in_cohort[0]
    Notification.objects.create(user=pat.user, title="Session 4 is due tomorrow", body="")
    Notification.objects.create(user=pat.user, title="Already read", body="", read_at=NOW)
    log_in(client, pat.user)

    notes = part(page(client), "notifications-heading")

    assert "Session 4 is due tomorrow" in notes
    assert "Already read" not in notes
    assert "All notifications (1 unread)" in text(notes)


def test_the_certificate_shows_once_earned(client, db):
    old = build_course(first_monday=date(2026, 9, 7))
    enrollment = EnrollmentFactory(round=old.round, status=Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(enrollment=enrollment)
    log_in(client, enrollment.user)

    html = page(client)

    past = part(html, "past-heading")
    assert "AI Alignment: Spring 2027" in past
    assert f'href="{certificate.get_absolute_url()}"' in past
    assert "Week" not in html


def test_a_revoked_certificate_is_not_shown(client, db):
    old = build_course(first_monday=date(2026, 9, 7))
    enrollment = EnrollmentFactory(round=old.round, status=Enrollment.Status.COMPLETED)
    certificate = Certificate.objects.create(
        enrollment=enrollment, revoked_at=NOW, revoke_reason="Plagiarism"
    )
    log_in(client, enrollment.user)

    assert certificate.get_absolute_url() not in page(client)


def test_before_the_round_starts_it_says_when(client, db):
    later = build_course(first_monday=date(2027, 4, 5))
    enrollment = EnrollmentFactory(round=later.round)
    log_in(client, enrollment.user)

    card = text(part(page(client), f"round-{enrollment.pk}"))

    assert "Starts on Monday 5 April 2027" in card
    assert "5 weeks." in card
    assert "This week" not in card
    assert "You are not in a cohort yet." in card


def test_an_applicant_sees_their_application_is_being_considered(client, world):
    enrollment = EnrollmentFactory(round=world.round, status=Enrollment.Status.WAITLISTED)
    log_in(client, enrollment.user)

    card = text(part(page(client), f"round-{enrollment.pk}"))

    assert "Your application is waitlisted" in card
    assert "Exercise" not in card


def test_someone_who_left_the_round_no_longer_sees_it(client, world):
    enrollment = EnrollmentFactory(round=world.round, status=Enrollment.Status.DROPPED)
    log_in(client, enrollment.user)

    html = page(client)

    assert f'id="round-{enrollment.pk}"' not in html
    assert "You are not in a round yet" in text(html)
    assert "Spring 2027" not in html


def test_a_day_is_the_persons_own_day(client, world):
    """At 08:00 UTC on Monday 29 March it is still Sunday the 28th in Honolulu: week 4."""
    enrollment = EnrollmentFactory(
        round=world.round, user=UserFactory(time_zone="Pacific/Honolulu")
    )
    log_in(client, enrollment.user)

    with time_machine.travel(utc(2027, 3, 29, 8, 0), tick=False):
        card = text(part(page(client), f"round-{enrollment.pk}"))

    assert "Week 4 of 5" in card
    assert "Due Sun 28 Mar, 12:00 HST" in card
