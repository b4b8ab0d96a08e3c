"""The home page reads the same few queries however big the rounds, cohorts and schedules.

Each role is measured at two sizes: a few members and sessions, then ten times
the members, four times the sessions and more cohorts or rounds. The budgets
are maxima, so a role with nothing to show may cost less.
"""

import re
from datetime import date, timedelta

import pytest

from apps.cohorts.models import Attendance, CalendarFeed
from apps.courses.models import ResourceCompletion
from apps.grouping.models import GroupingRun
from apps.reminders.models import Notification, Reminder
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission
from tests.factories import (
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    PlacementFactory,
    UserFactory,
)
from tests.home.conftest import NOW, build_cohort, build_course, log_in, review

pytestmark = pytest.mark.django_db

# Every signed-in page: the session and the user (2), the navigation bar (2).
LAYOUT = 4
# The enrollments, schedules, exercises, submissions, this week's readings, the next
# meetings and the reviews to do.
PARTICIPANT = 7
# The cohorts, schedules, meetings, members, absences, this week's exercises, readings and
# exercises started, the oldest waiting work and late reviews.
FACILITATOR = 10
# The rounds in progress, each count a subquery.
STAFF = 1
# A role with nothing to show costs the one query that finds nothing.
NO_ROLE = 1
# Unread notifications; the calendar link, for people with a cohort.
NOTIFICATIONS = 1
CALENDAR = 1

SMALL = {"members": 3, "sessions": 2, "cohorts": 1}
LARGE = {"members": 30, "sessions": 8, "cohorts": 4}


def course_in_its_last_week(sessions: int):
    """A round whose last session is this week, so every session has started."""
    return build_course(
        sessions=sessions, first_monday=date(2027, 3, 22) - timedelta(weeks=sessions - 1)
    )


def busy_cohort(world, *, members: int, name: str, start: int = 0, lead=None):
    """A cohort with work waiting, late reviews, an absence and attendance to record."""
    cohort, lead, people, meetings = build_cohort(
        world, size=members, name=name, start=start, lead=lead
    )
    last = max(world.exercises)
    for person in people:
        Submission.objects.update_or_create(
            enrollment=person,
            exercise=world.exercises[last],
            defaults={"status": Submission.Status.SUBMITTED, "submitted_at": NOW},
        )
    for reviewer, author in zip(people, people[1:] + people[:1], strict=True):
        work = Submission.objects.get(enrollment=author, exercise=world.exercises[1])
        review(reviewer, work, due_at=NOW - timedelta(days=1))
    Attendance.objects.update_or_create(
        meeting=meetings[last], enrollment=people[0], defaults={"status": "absent"}
    )
    if len(meetings) > 1:
        Attendance.objects.filter(meeting=meetings[1]).delete()
    return cohort, lead, people, meetings


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_a_participant_home_costs_the_same_at_any_size(client, django_assert_max_num_queries, size):
    world = course_in_its_last_week(size["sessions"])
    cohort, lead, people, meetings = busy_cohort(world, members=size["members"], name="Mine")
    me = people[0]
    ResourceCompletion.objects.get_or_create(
        user=me.user, resource=world.resources[size["sessions"]][0]
    )
    for exercise in world.exercises.values():
        Submission.objects.get_or_create(
            enrollment=me, exercise=exercise, defaults={"submitted_at": NOW}
        )
    Submission.objects.filter(enrollment=me).update(status=Submission.Status.RETURNED)
    for person in people[1:]:
        work = Submission.objects.get(enrollment=person, exercise=world.exercises[2])
        review(me, work, due_at=NOW + timedelta(days=1))
        Notification.objects.create(user=me.user, title=f"About {person.user.name}", body="")
    CalendarFeed.objects.create(user=me.user)
    log_in(client, me.user)

    with django_assert_max_num_queries(LAYOUT + PARTICIPANT + NO_ROLE + NOTIFICATIONS + CALENDAR):
        response = client.get("/")

    html = response.content.decode()
    assert f"Week {size['sessions']} of {size['sessions']}" in html
    assert html.count("Revise and resubmit") == size["sessions"]
    # One to do for each other member, and the one every member owes (overdue).
    assert len(re.findall(r'href="/reviews/\d+/"', html)) == size["members"]


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_a_facilitator_home_costs_the_same_at_any_size(client, django_assert_max_num_queries, size):
    world = course_in_its_last_week(size["sessions"])
    me = FacilitatorEnrollmentFactory(round=world.round, max_cohorts=size["cohorts"])
    for n in range(size["cohorts"]):
        busy_cohort(
            world, members=size["members"], name=f"Cohort {n}", start=n * size["members"], lead=me
        )
    CalendarFeed.objects.create(user=me.user)
    log_in(client, me.user)

    with django_assert_max_num_queries(LAYOUT + NO_ROLE + FACILITATOR + NOTIFICATIONS + CALENDAR):
        response = client.get("/")

    html = response.content.decode()
    assert html.count('class="card home-cohort"') == size["cohorts"]
    assert html.count("Missed the last meeting") == size["cohorts"]
    assert html.count("reviews overdue") + html.count("review overdue") == (
        size["cohorts"] * size["members"]
    )


@pytest.mark.parametrize("size", [SMALL, LARGE], ids=["small", "large"])
def test_a_staff_home_costs_the_same_at_any_size(client, django_assert_max_num_queries, size):
    me = UserFactory(is_staff=True)
    for n in range(size["cohorts"]):
        world = course_in_its_last_week(size["sessions"])
        for _ in range(size["members"]):
            EnrollmentFactory(round=world.round, status=Enrollment.Status.APPLIED)
            PlacementFactory(cohort__round=world.round)
        FacilitatorEnrollmentFactory(round=world.round)
        CohortFactory(round=world.round, published_at=None)
        GroupingRun.objects.create(round=world.round, status=GroupingRun.Status.DONE)
        Reminder.objects.create(
            user=me,
            round=world.round,
            kind="exercise_due",
            occasion=f"round:{n}",
            due_at=NOW,
            status=Reminder.Status.FAILED,
        )
    log_in(client, me)

    with django_assert_max_num_queries(LAYOUT + 2 * NO_ROLE + STAFF + NOTIFICATIONS):
        response = client.get("/")

    html = response.content.decode()
    assert html.count('class="card home-admin-round"') == size["cohorts"]
    assert html.count(f"Decide {size['members']} applications") == size["cohorts"]
