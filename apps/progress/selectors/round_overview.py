"""A whole round's progress, cohort by session: the round dashboard.

Nothing is kept per person and session: the database counts completions and
handed-in exercises per person and unit, and each row is added to its
cohort's tally as it streams in.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.utils import timezone

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import ResourceCompletion
from apps.progress.selectors.schedule import Session
from apps.progress.selectors.tally import Tally, add_up
from apps.rounds.models import Round
from apps.submissions.models import Submission

# Rows fetched per round trip when a round's facts are streamed from the database.
CHUNK_SIZE = 2000


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    participants: int
    per_session: list[Tally]

    @property
    def overall(self) -> Tally:
        return add_up(self.per_session)

    @property
    def columns(self) -> list[Tally]:
        """Each session, then all sessions together."""
        return [*self.per_session, self.overall]


@dataclass(frozen=True)
class RoundOverview:
    round: Round
    sessions: list[Session]
    cohorts: list[CohortSummary]
    totals: list[Tally]  # per session, over every cohort

    @property
    def participants(self) -> int:
        return sum(summary.participants for summary in self.cohorts)

    @property
    def overall(self) -> Tally:
        return add_up(self.totals)

    @property
    def total_columns(self) -> list[Tally]:
        """Each session over the whole round, then all sessions together."""
        return [*self.totals, self.overall]


def round_overview(*, round: Round, sessions: list[Session], now=None) -> RoundOverview:
    """Per cohort and session, how many did the readings, submitted and attended.

    Six queries for any size of round: the cohorts, who is in which, the
    meetings held, then completions, handed-in work and attendance.
    """
    now = now or timezone.now()
    cohorts = list(Cohort.objects.filter(round=round).order_by("name", "pk"))
    active = Placement.objects.current().filter(cohort__round=round)
    homes = _Homes.load(active)
    held = _meetings_held(round, sessions, now)
    tallies = {
        (cohort.pk, session.unit_id): Tally(
            participants=homes.size[cohort.pk],
            readings_base=homes.size[cohort.pk] if session.has_readings else 0,
            submitted_base=homes.size[cohort.pk] if session.has_exercises else 0,
            attended_base=homes.size[cohort.pk] if (cohort.pk, session.unit_id) in held else 0,
        )
        for cohort in cohorts
        for session in sessions
    }
    _count_readings(tallies, active, homes, sessions)
    _count_submitted(tallies, active, homes, sessions)
    _count_attended(tallies, round, homes, sessions, held)

    summaries = [
        CohortSummary(
            cohort=cohort,
            participants=homes.size[cohort.pk],
            per_session=[tallies[(cohort.pk, session.unit_id)] for session in sessions],
        )
        for cohort in cohorts
    ]
    return RoundOverview(
        round=round,
        sessions=sessions,
        cohorts=summaries,
        totals=[
            add_up(summary.per_session[i] for summary in summaries) for i in range(len(sessions))
        ],
    )


def _meetings_held(round: Round, sessions: list[Session], now) -> set[tuple[int, int]]:
    """(cohort id, unit id) of the round's meetings that have started and were not cancelled."""
    return set(
        Meeting.objects.filter(
            cohort__round=round,
            unit_id__in=[s.unit_id for s in sessions],
            starts_at__lte=now,
            is_cancelled=False,
        )
        .order_by()
        .values_list("cohort_id", "unit_id")
    )


@dataclass(frozen=True)
class _Homes:
    """Which cohort each current participant of a round is in, by enrollment and by user."""

    by_enrollment: dict[int, int]
    by_user: dict[int, int]
    size: dict[int, int]

    @classmethod
    def load(cls, active: QuerySet[Placement]) -> "_Homes":
        by_enrollment, by_user, size = {}, {}, defaultdict(int)
        for enrollment_id, user_id, cohort_id in active.order_by().values_list(
            "enrollment_id", "enrollment__user_id", "cohort_id"
        ):
            by_enrollment[enrollment_id] = cohort_id
            by_user[user_id] = cohort_id
            size[cohort_id] += 1
        return cls(by_enrollment=by_enrollment, by_user=by_user, size=size)


_Tallies = dict[tuple[int, int], Tally]  # by (cohort id, unit id)


def _count_readings(tallies: _Tallies, active, homes: _Homes, sessions: list[Session]) -> None:
    by_unit = {session.unit_id: session for session in sessions}
    rows = (
        ResourceCompletion.objects.filter(
            user_id__in=active.values("enrollment__user_id"), resource__unit_id__in=list(by_unit)
        )
        .order_by()
        .values_list("user_id", "resource__unit_id")
        .annotate(count=Count("pk"))
    )
    for user_id, unit_id, count in rows.iterator(chunk_size=CHUNK_SIZE):
        if by_unit[unit_id].all_read(count):
            tallies[(homes.by_user[user_id], unit_id)].readings += 1


def _count_submitted(tallies: _Tallies, active, homes: _Homes, sessions: list[Session]) -> None:
    by_unit = {session.unit_id: session for session in sessions}
    rows = (
        Submission.objects.filter(
            enrollment__in=active.values("enrollment_id"),
            exercise__unit_id__in=list(by_unit),
            status__in=Submission.HANDED_IN,
        )
        .order_by()
        .values_list("enrollment_id", "exercise__unit_id")
        .annotate(count=Count("pk"))
    )
    for enrollment_id, unit_id, count in rows.iterator(chunk_size=CHUNK_SIZE):
        if by_unit[unit_id].all_handed_in(count):
            tallies[(homes.by_enrollment[enrollment_id], unit_id)].submitted += 1


def _count_attended(
    tallies: _Tallies, round: Round, homes: _Homes, sessions: list[Session], held: set
) -> None:
    """Present at the session's meeting, wherever it was recorded, once their cohort's was held.

    Read through the round's meetings, which the database finds by index,
    and matched to current participants here: people who left are skipped.
    """
    rows = (
        Attendance.objects.filter(
            meeting__cohort__round=round,
            meeting__unit_id__in=[session.unit_id for session in sessions],
            status=Attendance.Status.PRESENT,
        )
        .order_by()
        .values_list("enrollment_id", "meeting__unit_id")
        .distinct()
    )
    for enrollment_id, unit_id in rows.iterator(chunk_size=CHUNK_SIZE):
        key = (homes.by_enrollment.get(enrollment_id), unit_id)
        if key in held:
            tallies[key].attended += 1
