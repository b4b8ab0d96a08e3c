"""The facilitator's part of the home page: each cohort they lead and what it needs now.

Ten queries at most however many cohorts, members, meetings and submissions
there are: the cohorts (with work waiting), the schedules, the meetings, the
members, absences at the last meetings, this week's exercises, readings
started, exercises started, the oldest work waiting and late peer reviews.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db.models import Count, F, Window
from django.db.models.functions import RowNumber

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import Exercise, ResourceCompletion
from apps.grading.selectors import WAITING, home_cohorts
from apps.home.selectors.schedule import RoundWeek, round_week, schedules
from apps.reviews.models import ReviewAssignment
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Submission

# A participant counts as falling behind on this week's session from this long before
# its work is due, if they have not started its readings or an exercise.
BEHIND_BEFORE_DUE = timedelta(days=2)
# How much of each cohort's waiting work the home page lists; the grading queue has it all.
WAITING_SHOWN = 5


@dataclass
class Behind:
    """A participant falling behind, and why, in words for the facilitator."""

    enrollment: Enrollment
    reasons: list[str]


@dataclass
class LateReviewer:
    enrollment: Enrollment
    count: int
    due_since: datetime


@dataclass
class FacilitatedCohort:
    """A cohort the person leads; `cohort` carries waiting_count, oldest_waiting_at and
    member_count."""

    cohort: Cohort
    week: RoundWeek
    next_meeting: Meeting | None = None
    to_record: list[Meeting] = field(default_factory=list)
    waiting: list[Submission] = field(default_factory=list)
    behind: list[Behind] = field(default_factory=list)
    late_reviews: list[LateReviewer] = field(default_factory=list)

    @property
    def needs_attention(self) -> bool:
        """Whether there is anything to do here once the round is over."""
        return bool(self.to_record or self.cohort.waiting_count or self.late_reviews)


def facilitated_cohorts(*, user, now: datetime, today: date) -> list[FacilitatedCohort]:
    """The published cohorts the person leads, newest round first.

    Only cohorts they lead, for staff too: the staff section covers every round.
    Cohorts of rounds that are over are left out once nothing is left to do in them.
    """
    cohorts = list(
        home_cohorts(user=user)
        .filter(pk__in=Cohort.objects.led_by(user))
        .published()
        .with_member_count()
    )
    if not cohorts:
        return []
    by_round = schedules(c.round_id for c in cohorts)
    views = {
        c.pk: FacilitatedCohort(
            cohort=c,
            week=round_week(by_round[c.round_id], today=today, starts_on=c.round.starts_on),
        )
        for c in cohorts
    }
    last_held = _add_meetings(views, now=now)
    members = defaultdict(list)
    for placement in (
        Placement.objects.current()
        .filter(cohort_id__in=views)
        .select_related("enrollment__user")
        .order_by("enrollment__user__display_name", "enrollment__user__email")
    ):
        members[placement.cohort_id].append(placement.enrollment)
    _add_behind(views, members, last_held, now=now)
    _add_waiting(views)
    _add_late_reviews(views, now=now)
    return [v for v in views.values() if not v.week.is_over or v.needs_attention]


def _add_meetings(views: dict[int, FacilitatedCohort], *, now: datetime) -> dict[int, Meeting]:
    """Fill in the next meeting and those whose attendance is still to record.

    Returns each cohort's last meeting that has ended, for "missed the last meeting".
    Attendance counts as recorded once anyone's is, as the reminders judge it.
    """
    last_held = {}
    for meeting in (
        Meeting.objects.filter(cohort_id__in=views, is_cancelled=False)
        .select_related("unit__course")
        .annotate(recorded=Count("attendance"))
        .order_by("starts_at", "pk")
    ):
        view = views[meeting.cohort_id]
        if meeting.ends_at > now:
            if view.next_meeting is None:
                view.next_meeting = meeting
            continue
        last_held[meeting.cohort_id] = meeting
        if not meeting.recorded:
            view.to_record.append(meeting)
    return last_held


def _add_behind(views, members, last_held: dict[int, Meeting], *, now: datetime) -> None:
    """Who missed the last meeting, or has not started this week's readings or an
    exercise two days before it is due (or later)."""
    enrollment_ids = [e.pk for people in members.values() for e in people]
    if not enrollment_ids:
        return
    absent = set(
        Attendance.objects.filter(
            meeting__in=last_held.values(),
            enrollment_id__in=enrollment_ids,
            status=Attendance.Status.ABSENT,
        ).values_list("enrollment_id", "meeting_id")
    )
    pressing: dict[int, list[RoundUnit]] = {
        pk: [entry for entry in view.week.sessions if now >= entry.due_at - BEHIND_BEFORE_DUE]
        for pk, view in views.items()
    }
    unit_ids = {entry.unit_id for entries in pressing.values() for entry in entries}
    exercises, reading, working = defaultdict(list), set(), set()
    if unit_ids:
        for exercise in Exercise.objects.filter(unit_id__in=unit_ids).order_by("position"):
            exercises[exercise.unit_id].append(exercise)
        reading = set(
            ResourceCompletion.objects.filter(
                user_id__in=[e.user_id for people in members.values() for e in people],
                resource__unit_id__in=unit_ids,
            )
            .values_list("user_id", "resource__unit_id")
            .distinct()
        )
        working = set(
            Submission.objects.filter(
                enrollment_id__in=enrollment_ids, exercise__unit_id__in=unit_ids
            ).values_list("enrollment_id", "exercise_id")
        )
    for pk, view in views.items():
        last = last_held.get(pk)
        for enrollment in members[pk]:
            reasons = []
            if last is not None and (enrollment.pk, last.pk) in absent:
                reasons.append(f"Missed the last meeting ({last.unit.display_title})")
            for entry in pressing[pk]:
                session = entry.unit.display_title
                if entry.resources_total and (enrollment.user_id, entry.unit_id) not in reading:
                    reasons.append(f"Has not started the readings of {session}")
                reasons.extend(
                    f"Has not started “{exercise.title}” ({session})"
                    for exercise in exercises[entry.unit_id]
                    if (enrollment.pk, exercise.pk) not in working
                )
            if reasons:
                view.behind.append(Behind(enrollment=enrollment, reasons=reasons))


def _add_waiting(views: dict[int, FacilitatedCohort]) -> None:
    """The oldest few submissions waiting in each cohort, oldest first: one query."""
    if not any(view.cohort.waiting_count for view in views.values()):
        return
    cohort = F("enrollment__placement__cohort_id")
    waiting = (
        Submission.objects.filter(
            status=WAITING,
            enrollment__placement__cohort_id__in=views,
            # The same rule as the grading queue: work on this round's course only.
            exercise__unit__course_id=F("enrollment__round__course_id"),
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .defer("answers")
        .select_related("enrollment__user", "exercise__unit")
        .annotate(
            cohort_id=cohort,
            place=Window(
                RowNumber(), partition_by=cohort, order_by=[F("submitted_at").asc(), F("pk")]
            ),
        )
        .filter(place__lte=WAITING_SHOWN)
        .order_by("submitted_at", "pk")
    )
    for submission in waiting:
        views[submission.cohort_id].waiting.append(submission)


def _add_late_reviews(views: dict[int, FacilitatedCohort], *, now: datetime) -> None:
    """Members who owe a peer review past its due time, with how many: one query."""
    late = defaultdict(dict)
    for assignment in (
        ReviewAssignment.objects.filter(
            status__in=ReviewAssignment.OUTSTANDING,
            due_at__lt=now,
            reviewer__placement__cohort_id__in=views,
        )
        .exclude(reviewer__status__in=Enrollment.GONE)
        .select_related("reviewer__user", "reviewer__placement")
        .order_by("due_at", "pk")
    ):
        by_reviewer = late[assignment.reviewer.placement.cohort_id]
        known = by_reviewer.get(assignment.reviewer_id)
        if known is None:
            by_reviewer[assignment.reviewer_id] = LateReviewer(
                enrollment=assignment.reviewer, count=1, due_since=assignment.due_at
            )
        else:
            known.count += 1
    for pk, by_reviewer in late.items():
        views[pk].late_reviews = list(by_reviewer.values())
