"""A person with a full history on the platform, next to a cohort member and a facilitator.

Everything the person wrote or said about themselves carries a word found nowhere
else, so a test can look for it anywhere in the database or an export.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from apps.certificates.models import Certificate
from apps.cohorts.models import Attendance, CalendarFeed, Meeting
from apps.courses.models import Prompt
from apps.plans.models import MilestoneCheckin
from apps.reminders.models import Notification, Preference, Reminder
from apps.reviews.models import PeerReviewSettings, Review, ReviewAssignment
from apps.rounds.models import AvailabilitySlot, Enrollment
from apps.submissions.models import CriterionScore, Feedback, Milestone
from tests.factories import PromptFactory, ResourceCompletionFactory, ResourceFactory
from tests.grading import Course, build_course, place, submitted

NAME = "Zephyrine Quillfeather"
EMAIL = "zephyrine@example.com"
MOTIVATION = "Ever since the harpsichord incident I want to understand mesa-optimisers."
ANSWER = "Lighthouse keeper for interpretability"
REVISED_ANSWER = "Cartographer of reward hacking"
MILESTONE = "Finish the gannet survey"
CHECKIN_NOTE = "Halfway through the gannet survey."
RATING_NOTE = "The bit about zanzibar shoals helped."
FEEDBACK = "Your cartography metaphor carries the plan."
DRAFT_REVIEW = "Unfinished thoughts about marmalade"
# What the person wrote as a reviewer of the other member's plan; it stays after deletion.
REVIEW_WRITTEN = "Clear roles; the dates could be firmer."
# What the other member wrote, which must never show up in the person's export.
OTHER_NAME = "Barnaby Other"
OTHER_ANSWER = "Beekeeper of benchmarks"
OTHER_REVIEW = "A thoughtful plan with a realistic timeline."

PERSONAL_WORDS = [
    NAME,
    EMAIL,
    MOTIVATION,
    ANSWER,
    REVISED_ANSWER,
    MILESTONE,
    CHECKIN_NOTE,
    RATING_NOTE,
    FEEDBACK,
    DRAFT_REVIEW,
]


@dataclass
class History:
    course: Course
    person: Enrollment
    other: Enrollment
    meeting: Meeting
    certificate: Certificate
    pending: Reminder

    @property
    def user(self):
        return self.person.user

    @property
    def facilitator(self):
        return self.course.facilitator.user


def build_history(
    *, anonymous_reviews: bool = True, revisions: int = 2, email: str = EMAIL
) -> History:
    course = build_course()
    exercise = course.exercise
    milestones = PromptFactory(
        exercise=exercise,
        position=3,
        slug="steps",
        text="Which steps?",
        answer=Prompt.Answer.MILESTONES,
    )
    person = place(course, display_name=NAME, email=email)
    Enrollment.objects.filter(pk=person.pk).update(
        motivation=MOTIVATION,
        availability_time_zone="Europe/London",
        availability_updated_at=timezone.now(),
    )
    AvailabilitySlot.objects.create(
        enrollment=person, start=1 * 1440 + 18 * 60, end=1 * 1440 + 22 * 60
    )
    AvailabilitySlot.objects.create(
        enrollment=person, start=3 * 1440 + 18 * 60, end=3 * 1440 + 21 * 60
    )
    other = place(course, display_name=OTHER_NAME)
    ResourceCompletionFactory(user=person.user, resource=ResourceFactory(unit=exercise.unit))

    meeting = Meeting.objects.create(
        cohort=course.cohort,
        unit=exercise.unit,
        starts_at=datetime(2027, 3, 9, 19, tzinfo=UTC),
        ends_at=datetime(2027, 3, 9, 20, 30, tzinfo=UTC),
    )
    for enrollment in (person, other):
        Attendance.objects.create(
            meeting=meeting,
            enrollment=enrollment,
            status="present",
            recorded_by=course.facilitator.user,
        )
    CalendarFeed.objects.create(user=person.user)

    work = submitted(
        person,
        exercise,
        status="accepted",
        revisions=revisions,
        answers={"roles": [REVISED_ANSWER], "why": f"Because {REVISED_ANSWER} fits."},
    )
    first = work.revisions.get(number=1)
    first.answers = {"roles": [ANSWER], "why": "First thoughts."}
    first.save()
    feedback = Feedback.objects.create(
        submission=work,
        revision=work.revisions.order_by("number").last(),
        grader=course.facilitator.user,
        decision=Feedback.Decision.ACCEPTED,
        comment=FEEDBACK,
        points=4,
        max_points=6,
    )
    for index, criterion in enumerate(course.criteria):
        CriterionScore.objects.create(
            feedback=feedback, criterion=criterion, level=course.level(index, 3 - index)
        )
    milestone = Milestone.objects.create(
        submission=work,
        prompt=milestones,
        position=1,
        title=MILESTONE,
        target_date=date(2027, 4, 1),
    )
    MilestoneCheckin.objects.create(
        milestone=milestone, outcome="partly", note=CHECKIN_NOTE, author=person.user
    )
    theirs = submitted(other, exercise, answers={"roles": [OTHER_ANSWER], "why": "Bees."})

    # Each reviews the other's plan; the person has a draft of a second review too. The
    # round has no due date for the exercise, so reviews are shown as soon as submitted.
    PeerReviewSettings.objects.create(
        exercise=exercise,
        reviews_per_submission=1,
        is_anonymous=anonymous_reviews,
        release=PeerReviewSettings.Release.AT_DUE_DATE,
    )
    due = timezone.now() - timedelta(days=1)
    written = ReviewAssignment.objects.create(
        reviewer=person, submission=theirs, status="done", due_at=due, completed_at=due
    )
    Review.objects.create(
        assignment=written, comments=[REVIEW_WRITTEN], submitted_at=due, helpfulness=5
    )
    received = ReviewAssignment.objects.create(
        reviewer=other, submission=work, status="done", due_at=due, completed_at=due
    )
    Review.objects.create(
        assignment=received,
        comments=[OTHER_REVIEW],
        submitted_at=due,
        helpfulness=4,
        helpfulness_note=RATING_NOTE,
    )
    third = place(course, display_name="Cordelia Third")
    draft = ReviewAssignment.objects.create(
        reviewer=person, submission=submitted(third, exercise), status="started", due_at=due
    )
    Review.objects.create(assignment=draft, comments=[DRAFT_REVIEW])

    certificate = Certificate.objects.create(enrollment=person)
    sent = Reminder.objects.create(
        user=person.user,
        round=course.round,
        kind="exercise_due",
        occasion=f"exercise-{exercise.pk}",
        due_at=due,
        status="sent",
        sent_at=due,
    )
    Notification.objects.create(
        user=person.user, reminder=sent, title="Your plan is due tomorrow", body=f"Hello {NAME}."
    )
    pending = Reminder.objects.create(
        user=person.user,
        round=course.round,
        kind="meeting_tomorrow",
        occasion=f"meeting:{meeting.pk}",
        due_at=timezone.now() + timedelta(hours=3),
    )
    Preference.objects.create(user=person.user, kind="facilitator_digest", email=False)
    # The facilitator was told about the person's work, by name.
    Notification.objects.create(
        user=course.facilitator.user,
        title=f"{NAME} submitted a plan",
        body=f"{NAME} submitted “{exercise.title}”; it waits for feedback.",
    )
    # An admin changed the person's enrollment; the admin's history names them.
    LogEntry.objects.create(
        user=course.facilitator.user,
        content_type=ContentType.objects.get_for_model(Enrollment),
        object_id=str(person.pk),
        object_repr=str(person),
        action_flag=CHANGE,
        change_message=f"Changed status of {email}.",
    )
    return History(
        course=course,
        person=person,
        other=other,
        meeting=meeting,
        certificate=certificate,
        pending=pending,
    )
