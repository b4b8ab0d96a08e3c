"""The participant's part of the home page: each round they are in and what it asks now.

Seven queries however many rounds, sessions, exercises and submissions there
are: the enrollments (with cohort and certificate), the schedules, the
exercises, the submissions, this week's readings, the next meetings and the
reviews to do.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.db.models import Count, FilteredRelation, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce

from apps.certificates.models import Certificate
from apps.cohorts.models import Cohort, Meeting
from apps.courses.models import Exercise, Resource
from apps.courses.selectors import Progress
from apps.home.selectors.schedule import RoundWeek, round_week, schedules
from apps.reviews.models import ReviewAssignment
from apps.reviews.selectors.todo import reviews_to_do
from apps.rounds.models import Enrollment, RoundUnit
from apps.submissions.models import Feedback, Submission
from apps.submissions.selectors import ExerciseWork, deadline_from

NO_READINGS = Progress(done=0, total=0, minutes_total=0, minutes_done=0)


@dataclass
class ThisWeek:
    """One of this week's sessions: how far the person is through its resources, and its
    exercises with where each stands."""

    entry: RoundUnit
    readings: Progress = NO_READINGS
    exercises: list[ExerciseWork] = field(default_factory=list)

    @property
    def readings_left(self) -> int:
        return self.readings.total - self.readings.done


@dataclass
class ParticipantRound:
    enrollment: Enrollment
    week: RoundWeek
    sessions: list[ThisWeek] = field(default_factory=list)
    # Earlier sessions' exercises not handed in yet whose session still takes work.
    earlier: list[ExerciseWork] = field(default_factory=list)
    returned: list[Submission] = field(default_factory=list)
    reviews: list[ReviewAssignment] = field(default_factory=list)
    cohort: Cohort | None = None
    next_meeting: Meeting | None = None
    certificate: Certificate | None = None

    @property
    def round(self):
        return self.enrollment.round

    @property
    def is_applicant(self) -> bool:
        return self.enrollment.status in Enrollment.AWAITING_DECISION

    @property
    def is_working(self) -> bool:
        """Accepted and not finished: the exercises are open to them."""
        return self.enrollment.status in Enrollment.ELIGIBLE


def participant_rounds(*, user, now: datetime, today: date) -> list[ParticipantRound]:
    """The person's places as a participant in rounds of published courses, newest first.

    Left, declined and deferred places are not shown; applications still waiting
    for a decision are, so people can see where they stand.
    """
    enrollments = list(
        Enrollment.objects.filter(user=user, round__course__is_published=True)
        .participants()
        .current()
        .select_related("round__course", "placement__cohort", "certificate")
        .order_by("-round__starts_on", "-round__pk")
    )
    if not enrollments:
        return []
    by_round = schedules(e.round_id for e in enrollments)
    rounds = []
    for enrollment in enrollments:
        placement = getattr(enrollment, "placement", None)
        certificate = getattr(enrollment, "certificate", None)
        rounds.append(
            ParticipantRound(
                enrollment=enrollment,
                week=round_week(
                    by_round[enrollment.round_id], today=today, starts_on=enrollment.round.starts_on
                ),
                cohort=placement.cohort
                if placement is not None and placement.cohort.is_published
                else None,
                certificate=certificate if certificate and certificate.is_valid else None,
            )
        )
    working = [r for r in rounds if r.is_working and not r.week.is_over]
    for r in working:
        r.sessions = [ThisWeek(entry=entry) for entry in r.week.sessions]
    if working:
        _add_work(working, by_round, now=now)
        _add_readings(working, user=user)
    _add_next_meetings(rounds, now=now)
    _add_reviews(rounds, user=user, now=now)
    return rounds


def _add_work(rounds: list[ParticipantRound], by_round, *, now: datetime) -> None:
    """This week's exercises, earlier ones still to hand in, and work returned for revision."""
    started = {
        r.enrollment.pk: [e for e in by_round[r.round.pk] if e.week_starts_on <= r.week.today]
        for r in rounds
    }
    exercises = defaultdict(list)
    for exercise in (
        Exercise.objects.filter(
            unit_id__in={e.unit_id for entries in started.values() for e in entries}
        )
        .select_related("unit")
        .order_by("unit__number", "position")
    ):
        exercises[exercise.unit_id].append(exercise)
    returned_at = (
        Feedback.objects.filter(submission=OuterRef("pk"), decision=Feedback.Decision.RETURNED)
        .order_by("-created_at")
        .values("created_at")[:1]
    )
    submissions = {
        (s.enrollment_id, s.exercise_id): s
        for s in Submission.objects.filter(enrollment__in=[r.enrollment for r in rounds])
        .defer("answers")
        .select_related("exercise__unit")
        .annotate(returned_at=Subquery(returned_at))
    }
    for r in rounds:
        this_week = {session.entry.pk: session for session in r.sessions}
        for entry in started[r.enrollment.pk]:
            deadline = deadline_from(entry, now)
            for exercise in exercises[entry.unit_id]:
                work = ExerciseWork(
                    exercise=exercise,
                    submission=submissions.get((r.enrollment.pk, exercise.pk)),
                    deadline=deadline,
                )
                if entry.pk in this_week:
                    this_week[entry.pk].exercises.append(work)
                elif not _handed_in_or_returned(work) and not deadline.is_closed:
                    r.earlier.append(work)
        r.returned = sorted(
            (
                s
                for (enrollment_id, _), s in submissions.items()
                if enrollment_id == r.enrollment.pk and s.status == Submission.Status.RETURNED
            ),
            key=lambda s: (s.exercise.unit.number, s.exercise.position),
        )


def _handed_in_or_returned(work: ExerciseWork) -> bool:
    # Returned work has its own list, with the facilitator's date.
    submission = work.submission
    return submission is not None and (
        submission.is_handed_in or submission.status == Submission.Status.RETURNED
    )


def _add_readings(rounds: list[ParticipantRound], *, user) -> None:
    """How many of this week's resources are done, and their minutes: one grouped query."""
    unit_ids = {session.entry.unit_id for r in rounds for session in r.sessions}
    if not unit_ids:
        return
    done = Q(mine__id__isnull=False)
    rows = (
        Resource.objects.filter(unit_id__in=unit_ids)
        .annotate(mine=FilteredRelation("completions", condition=Q(completions__user=user)))
        .order_by()
        .values("unit_id")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=done),
            minutes_total=Sum("minutes"),
            minutes_done=Coalesce(Sum("minutes", filter=done), 0),
        )
    )
    progress = {
        row["unit_id"]: Progress(
            done=row["done"],
            total=row["total"],
            minutes_total=row["minutes_total"],
            minutes_done=row["minutes_done"],
        )
        for row in rows
    }
    for r in rounds:
        for session in r.sessions:
            session.readings = progress.get(session.entry.unit_id, NO_READINGS)


def _add_next_meetings(rounds: list[ParticipantRound], *, now: datetime) -> None:
    """Each published cohort's first meeting not over yet and not cancelled: one query."""
    cohort_ids = {r.cohort.pk for r in rounds if r.cohort is not None}
    if not cohort_ids:
        return
    upcoming = Meeting.objects.filter(
        cohort=OuterRef("pk"), is_cancelled=False, ends_at__gt=now
    ).order_by("starts_at", "pk")
    firsts = Cohort.objects.filter(pk__in=cohort_ids).values(
        next_id=Subquery(upcoming.values("pk")[:1])
    )
    meetings = {
        m.cohort_id: m for m in Meeting.objects.filter(pk__in=firsts).select_related("unit__course")
    }
    for r in rounds:
        if r.cohort is not None:
            r.next_meeting = meetings.get(r.cohort.pk)


def _add_reviews(rounds: list[ParticipantRound], *, user, now: datetime) -> None:
    """The reviews still owed, each under the round it was assigned in."""
    by_enrollment = {r.enrollment.pk: r for r in rounds}
    for assignment in reviews_to_do(user=user, now=now).open:
        r = by_enrollment.get(assignment.reviewer_id)
        if r is not None:
            r.reviews.append(assignment)
