"""Writing the demo: its people, a running round a few days in, and a finished round.

Everything goes through the apps' own services, in the order people would act
(apply, get placed, submit, get feedback, review each other, meet), so the
demo shows what the product really does, news and reminders included. Dates
are counted from today, so the demo always looks current: the running round
started this Monday, and the finished one ended weeks ago.

The story is written in one transaction; the news it causes (work returned,
reviews assigned, a certificate issued) is scheduled once that commits, as in
the product. Then the reminders go out once (`_send_what_is_due`).
"""

from collections import Counter
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.services import user_ensure
from apps.certificates.services import certificate_issue
from apps.cohorts.models import Attendance, Cohort
from apps.cohorts.services import (
    attendance_record,
    cohort_create,
    cohort_publish,
    cohort_slot_start,
    placement_set,
)
from apps.courses.models import Course, Exercise, Level, Rubric
from apps.courses.services import course_import, resource_mark_done
from apps.demo import content
from apps.plans.reminders import EVENING
from apps.plans.services import milestone_check_in
from apps.reminders.services import PLAN_LOOKBACK, reminders_plan, reminders_send_batch
from apps.reviews.models import ReviewAssignment
from apps.reviews.services import review_rate, review_save, reviews_allocate
from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round
from apps.rounds.services import (
    ImportRow,
    availability_set,
    enrollment_apply,
    enrollments_accept,
    enrollments_import,
    round_schedule_units,
)
from apps.submissions.models import Feedback, Milestone, Submission
from apps.submissions.services import (
    submission_get_or_start,
    submission_give_feedback,
    submission_save_draft,
    submission_submit,
)

DEMO_PASSWORD = "coursedemo"
# Keyed by the part of the address before the @, as in `content`.
PEOPLE = {
    "participant": ("Pat Participant", "Europe/London", False),
    "facilitator": ("Fran Facilitator", "America/New_York", False),
    "admin": ("Ada Admin", "Europe/Berlin", True),
    # Pat's cohort.
    "peer1": ("Sam Okafor", "Africa/Lagos", False),
    "peer2": ("Mei Chen", "Asia/Singapore", False),
    "peer3": ("Lucas Silva", "America/Sao_Paulo", False),
    "peer4": ("Ines Novak", "Europe/Berlin", False),
    # The finished round's cohort. They live far apart on purpose: whatever the hour
    # the demo is loaded, one of them is awake to be sent their milestone check-in.
    "graduate": ("Gabi Graduate", "Asia/Kolkata", False),
    "alum1": ("Diego Ramírez", "America/Mexico_City", False),
    "alum2": ("Noah Berg", "Europe/Stockholm", False),
}
RUNNING_COHORT = ["participant", "peer1", "peer2", "peer3", "peer4"]
FINISHED_COHORT = ["graduate", "alum1", "alum2"]
# Who has not done their project plan reviews yet, so Pat has reviews to do; Pat has
# started one of hers.
REVIEWS_OWED = {"participant", "peer4"}
# Attendance is "present" except for these, by meeting number (1 is the first).
ABSENCES = {
    "demo-round": {1: {"peer4": "excused"}, 2: {"peer3": "absent"}},
    "demo-finished-round": {2: {"alum1": "absent"}, 4: {"alum2": "excused"}},
}


def demo_load(*, spec: dict) -> Course:
    """Import the demo course and write whatever of the demo is missing. Safe to rerun.

    A round that exists is left as it is: rerunning adds no work, reviews or
    emails.
    """
    with transaction.atomic():
        course = course_import(spec=spec)
        people = {
            key: user_ensure(
                email=f"{key}@example.com",
                password=DEMO_PASSWORD,
                display_name=name,
                time_zone=zone,
                is_superuser=is_superuser,
            )
            for key, (name, zone, is_superuser) in PEOPLE.items()
        }
        written = [_running_round(course, people), _finished_round(course, people)]
    if any(written):
        _send_what_is_due()
    return course


def _send_what_is_due() -> None:
    """Plan and send reminders as beat would have over the last day, then stop.

    The story was written a moment ago, so the planner never saw the day it
    tells of: the milestones the finished round's people set for the most
    recent evening have no check-in yet. Planning once with its window
    opening a day back, and once now, makes the rows beat would have made;
    one dispatch then sends what still matters, skips what no longer does
    (attendance already recorded, say) with its reason, and holds email back
    for anyone asleep, as it always does. The worker `make run` starts takes
    it from there.
    """
    now = timezone.now()
    reminders_plan(now=now - timedelta(days=1) + PLAN_LOOKBACK)
    reminders_plan(now=now)
    reminders_send_batch(now=now)


# The two rounds -----------------------------------------------------------------------


def _running_round(course: Course, people: dict[str, User]) -> Round | None:
    """This Monday's round, with Pat's cohort a few days in; None if it exists already."""
    starts_on = weekgrid.monday_of(timezone.localdate())
    now = timezone.now()
    round = _round(
        course,
        slug="demo-round",
        name="Demo round",
        starts_on=starts_on,
        applications=(now - timedelta(days=30), now + timedelta(days=60)),
    )
    if round is None:
        return None
    # Tuesdays 19:00 in the facilitator's zone.
    cohort = _cohort(round, people, RUNNING_COHORT, weekday=1, local_time=time(19))
    Cohort.objects.filter(pk=cohort.pk).update(video_call_url="https://meet.example.com/cohort-a")
    enrollments = _enrollments(round, people, RUNNING_COHORT)
    facilitator = people["facilitator"]
    # Everyone in the cohort can meet on Tuesday and Wednesday evenings in New York, so the
    # availability grid, the check when a meeting moves and the switch page have something
    # to go on.
    evenings = {
        (day, minute) for day in (1, 2) for minute in range(18 * 60, 22 * 60, weekgrid.CELL_MINUTES)
    }
    facilitating = Enrollment.objects.get(round=round, user=facilitator)
    for enrollment in [*enrollments.values(), facilitating]:
        availability_set(enrollment=enrollment, cells=evenings, time_zone="America/New_York")

    for key, sessions in content.READINGS.items():
        for number, count in sessions.items():
            for resource in course.units.get(number=number).resources.order_by("position")[:count]:
                resource_mark_done(user=people[key], resource=resource, done=True)
    for slug, drafts in content.DRAFTS.items():
        exercise = _exercise(course, slug)
        for key, answers in drafts.items():
            submission = submission_get_or_start(enrollment=enrollments[key], exercise=exercise)
            submission_save_draft(
                submission=submission, answers=answers, base_version=submission.version
            )
    # Their project sprints come after the course, a milestone a week.
    sprint_starts = starts_on + timedelta(weeks=course.units.count())
    dates = [sprint_starts + timedelta(weeks=n) for n in range(1, 5)]
    for slug in ("alignment-in-your-words", "career-plan", "project-plan"):
        exercise = _exercise(course, slug)
        for key in RUNNING_COHORT:
            answers = content.ANSWERS[slug].get(key)
            if answers is not None:
                _hand_in(enrollments[key], exercise, _dated(answers, dates))
    for slug, key, decision, comment, levels in content.FEEDBACK:
        submission = Submission.objects.get(
            enrollment=enrollments[key], exercise=_exercise(course, slug)
        )
        _grade(submission, facilitator, decision, comment, levels)

    _peer_reviews(round, course, enrollments)
    _attendance(cohort, enrollments, facilitator)
    return round


def _finished_round(course: Course, people: dict[str, User]) -> Round | None:
    """A round that ended weeks ago: Gabi completed it, and its sprint is under way."""
    starts_on = weekgrid.monday_of(timezone.localdate()) - timedelta(weeks=10)
    opens = datetime.combine(starts_on - timedelta(weeks=6), time(9), tzinfo=UTC)
    round = _round(
        course,
        slug="demo-finished-round",
        name="Finished round",
        starts_on=starts_on,
        applications=(opens, opens + timedelta(weeks=4)),
    )
    if round is None:
        return None
    # Thursdays 10:00 in the facilitator's zone: evening in Kolkata, morning in Mexico City.
    cohort = _cohort(round, people, FINISHED_COHORT, weekday=3, local_time=time(10))
    enrollments = _enrollments(round, people, FINISHED_COHORT)
    facilitator = people["facilitator"]

    for unit in course.units.all():
        for resource in unit.resources.all():
            resource_mark_done(user=people["graduate"], resource=resource, done=True)
    now = timezone.now()
    for exercise in Exercise.objects.filter(unit__course=course).order_by("unit__number"):
        for key in FINISHED_COHORT:
            answers = content.ANSWERS[exercise.slug].get(key)
            if answers is None:
                continue
            # Weekly milestones through the sprint: two behind them, one ahead, and one
            # whose check-in (asked at 17:00 their time) fell due within the last day.
            latest = _last_evening(people[key].time_zone, now)
            dates = [latest + timedelta(weeks=n) for n in (-2, -1, 0, 1)]
            submission = _hand_in(enrollments[key], exercise, _dated(answers, dates))
            comment, levels = content.FINISHED_ROUND_FEEDBACK[exercise.kind]
            _grade(submission, facilitator, Feedback.Decision.ACCEPTED, comment, levels)
    for key, check_ins in content.CHECK_INS.items():
        milestones = Milestone.objects.filter(submission__enrollment=enrollments[key]).order_by(
            "position"
        )
        for milestone, (outcome, note) in zip(milestones, check_ins, strict=False):
            milestone_check_in(milestone=milestone, author=people[key], outcome=outcome, note=note)

    _attendance(cohort, enrollments, facilitator)
    certificate_issue(enrollment=Enrollment.objects.get(pk=enrollments["graduate"].pk))
    return round


# Steps shared by both rounds ----------------------------------------------------------


def _round(
    course: Course, *, slug: str, name: str, starts_on: date, applications: tuple
) -> Round | None:
    """A new round with its schedule; None if the round exists already."""
    round, created = Round.objects.get_or_create(
        slug=slug,
        defaults={
            "course": course,
            "name": name,
            "applications_open_at": applications[0],
            "applications_close_at": applications[1],
            "starts_on": starts_on,
        },
    )
    if not created:
        return None
    schedule = round_schedule_units(round=round)
    # Plans are due before the final week, so peer reviews are done by its meeting.
    final = schedule[-1]
    final.due_at = datetime.combine(final.week_starts_on - timedelta(days=2), time(0), tzinfo=UTC)
    final.save(update_fields=["due_at"])
    return round


def _cohort(round: Round, people, members: list[str], *, weekday: int, local_time: time) -> Cohort:
    """The facilitator and the members join the round, and a published cohort holds them."""
    enrollments_import(
        round=round,
        rows=[
            ImportRow(
                row=1,
                email=people["facilitator"].email,
                role=Enrollment.Role.FACILITATOR,
                status=Enrollment.Status.ACCEPTED,
                max_cohorts=2,
            )
        ],
    )
    facilitator = Enrollment.objects.get(round=round, user=people["facilitator"])
    for key in members:
        enrollment_apply(
            round=round,
            user=people[key],
            motivation="I want to work on AI safety.",
            experience=Enrollment.Experience.SOME,
            now=round.applications_open_at,
        )
    enrollments_accept(enrollments=round.enrollments.filter(status=Enrollment.Status.APPLIED))
    zone = facilitator.user.time_zone
    cohort = cohort_create(
        round=round,
        name="Cohort A",
        slot_start=cohort_slot_start(
            round=round, time_zone=zone, weekday=weekday, local_time=local_time
        ),
        facilitators=[facilitator],
    )
    for enrollment in round.enrollments.participants():
        placement_set(enrollment=enrollment, cohort=cohort)
    cohort_publish(cohort=cohort)
    return cohort


def _enrollments(round: Round, people, keys: list[str]) -> dict[str, Enrollment]:
    return {key: Enrollment.objects.get(round=round, user=people[key]) for key in keys}


def _exercise(course: Course, slug: str) -> Exercise:
    return Exercise.objects.get(unit__course=course, slug=slug)


def _dated(answers: dict, dates: list[date]) -> dict:
    """The answers with milestone titles turned into milestones on the given dates."""
    if "milestones" not in answers:
        return answers
    titles = answers["milestones"]
    return {
        **answers,
        "milestones": [
            {"title": title, "date": day.isoformat()}
            for title, day in zip(titles, dates[-len(titles) :], strict=True)
        ],
    }


def _last_evening(zone: str, now: datetime) -> date:
    """The last date whose check-in time, in this zone, is not after now."""
    local = now.astimezone(ZoneInfo(zone))
    return (local - timedelta(hours=EVENING.hour, minutes=EVENING.minute)).date()


def _hand_in(enrollment: Enrollment, exercise: Exercise, answers: dict) -> Submission:
    submission = submission_get_or_start(enrollment=enrollment, exercise=exercise)
    return submission_submit(
        submission=submission, answers=answers, base_version=submission.version
    )


def _levels(rubric: Rubric, indices: list[int]) -> list[Level]:
    """The chosen level of each criterion, by its index among the criterion's levels."""
    criteria = rubric.criteria.prefetch_related("levels")
    return [
        list(criterion.levels.all())[index]
        for criterion, index in zip(criteria, indices, strict=True)
    ]


def _grade(submission, grader, decision: str, comment: str, levels: list[int] | None) -> None:
    submission_give_feedback(
        submission=submission,
        grader=grader,
        decision=decision,
        comment=comment,
        levels=_levels(submission.exercise.rubric, levels) if levels else [],
        base_version=submission.version,
    )


def _peer_reviews(round: Round, course: Course, enrollments: dict[str, Enrollment]) -> None:
    """Both plans go to review; every career plan review is in, some project plan ones are not.

    So Pat has reviews received (her career plan's, unlocked by writing her
    own) and reviews to do (the project plans, one of them started).
    """
    keys = {enrollment.pk: key for key, enrollment in enrollments.items()}
    for slug in ("career-plan", "project-plan"):
        exercise = _exercise(course, slug)
        reviews_allocate(round=round, exercise=exercise)
        received = Counter()
        started = False
        for assignment in (
            ReviewAssignment.objects.filter(
                submission__enrollment__round=round, submission__exercise=exercise
            )
            .select_related("submission__enrollment", "submission__exercise__rubric")
            .order_by("pk")
        ):
            author = keys[assignment.submission.enrollment_id]
            reviewer = keys[assignment.reviewer_id]
            levels, comments = content.REVIEWS[slug][author][received[author]]
            received[author] += 1
            if slug == "career-plan" or reviewer not in REVIEWS_OWED:
                _review(assignment, levels, comments, submit=True)
            elif reviewer == "participant" and not started:
                # Pat has begun one of hers: a draft with its first comment.
                _review(assignment, levels, comments[:1], submit=False)
                started = True
    first_received = (
        ReviewAssignment.objects.filter(
            submission__enrollment=enrollments["participant"],
            submission__exercise__slug="career-plan",
        )
        .select_related("review")
        .order_by("pk")
        .first()
    )
    review_rate(
        review=first_received.review,
        helpfulness=5,
        note="The weekend reproduction is exactly the cheap test I was missing.",
    )


def _review(
    assignment: ReviewAssignment, levels: list[int], comments: list[str], *, submit: bool
) -> None:
    chosen = _levels(assignment.submission.exercise.rubric, levels)
    review_save(
        assignment=assignment,
        levels={str(level.criterion_id): level.pk for level in chosen},
        comments=comments,
        base_version=None,
        submit=submit,
    )


def _attendance(cohort: Cohort, enrollments: dict[str, Enrollment], by: User) -> None:
    """Who came to each meeting already held; the meetings to come have none yet."""
    absences = ABSENCES[cohort.round.slug]
    held = cohort.meetings.filter(ends_at__lte=timezone.now()).order_by("starts_at")
    for number, meeting in enumerate(held, start=1):
        away = absences.get(number, {})
        attendance_record(
            meeting=meeting,
            statuses={
                enrollment.pk: away.get(key, Attendance.Status.PRESENT)
                for key, enrollment in enrollments.items()
            },
            by=by,
        )
