"""One cohort's progress, person by session: the cohort dashboard and both CSV exports.

Five queries for any number of cohorts of one round: the people, then one
each for resources done, submissions, meetings and attendance, filtered on
the people found; the grid is put together in Python.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.courses.models import ResourceCompletion
from apps.progress.selectors.schedule import ExerciseColumn, Session
from apps.progress.selectors.tally import Tally, add_up, percent, share
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission


@dataclass(frozen=True)
class ExerciseMark:
    """Where one participant stands on one exercise."""

    exercise: ExerciseColumn
    status: str  # a Submission.Status value, or NOT_STARTED
    is_late: bool = False

    NOT_STARTED = "not_started"

    @property
    def was_late(self) -> bool:
        """Handed in after the deadline (a draft is not handed in, so is never late)."""
        return self.is_late and self.status not in (self.NOT_STARTED, Submission.Status.DRAFT)

    @property
    def code(self) -> str:
        """A short name for styling and exports: the status, with "_late" for late work."""
        return f"{self.status}_late" if self.was_late else self.status

    @property
    def is_handed_in(self) -> bool:
        return self.status in Submission.HANDED_IN


@dataclass(frozen=True)
class AttendanceMark:
    """What is known of a participant at one session's meeting."""

    code: str  # an Attendance.Status value, or one of the states below

    NOT_RECORDED = "not_recorded"
    UPCOMING = "upcoming"
    CANCELLED = "cancelled"
    NO_MEETING = "no_meeting"

    @property
    def is_blank(self) -> bool:
        """Nothing to record yet: the meeting is still to come or there is none."""
        return self.code in (self.UPCOMING, self.NO_MEETING)


@dataclass(frozen=True)
class Cell:
    """One participant in one session."""

    session: Session
    resources_done: int
    exercises: tuple[ExerciseMark, ...]
    attendance: AttendanceMark
    meeting_held: bool

    @property
    def readings_percent(self) -> int:
        total = self.session.resources_total
        return round(100 * min(self.resources_done, total) / total) if total else 0

    @property
    def did_readings(self) -> bool:
        return self.session.all_read(self.resources_done)

    @property
    def handed_in(self) -> int:
        return sum(1 for mark in self.exercises if mark.is_handed_in)

    @property
    def submitted_all(self) -> bool:
        return self.session.all_handed_in(self.handed_in)

    @property
    def attended(self) -> bool:
        return self.meeting_held and self.attendance.code == Attendance.Status.PRESENT

    @property
    def excused(self) -> bool:
        return self.meeting_held and self.attendance.code == Attendance.Status.EXCUSED

    def tally(self) -> Tally:
        session = self.session
        return Tally(
            participants=1,
            readings=int(self.did_readings),
            readings_base=int(session.has_readings),
            submitted=int(self.submitted_all),
            submitted_base=int(session.has_exercises),
            attended=int(self.attended),
            attended_base=int(self.meeting_held),
        )


@dataclass(frozen=True)
class ParticipantRow:
    name: str
    email: str
    status: str  # an Enrollment.Status value
    cells: tuple[Cell, ...]

    @property
    def has_left(self) -> bool:
        return self.status in Enrollment.GONE

    @property
    def resources_done(self) -> int:
        return sum(min(c.resources_done, c.session.resources_total) for c in self.cells)

    @property
    def resources_total(self) -> int:
        return sum(c.session.resources_total for c in self.cells)

    @property
    def resources_percent(self) -> int | None:
        return percent(share(self.resources_done, self.resources_total))

    @property
    def exercises_handed_in(self) -> int:
        return sum(c.handed_in for c in self.cells)

    @property
    def exercises_total(self) -> int:
        return sum(len(c.session.exercises) for c in self.cells)

    @property
    def meetings_attended(self) -> int:
        return sum(1 for c in self.cells if c.attended)

    @property
    def meetings_excused(self) -> int:
        return sum(1 for c in self.cells if c.excused)

    @property
    def meetings_held(self) -> int:
        return sum(1 for c in self.cells if c.meeting_held)


@dataclass(frozen=True)
class CohortGrid:
    """A cohort's progress: current participants in `rows`, people who left in `former`.

    `totals` has one tally per session, over the current participants only.
    """

    cohort: Cohort
    sessions: list[Session]
    rows: list[ParticipantRow]
    former: list[ParticipantRow]
    totals: list[Tally]

    @property
    def columns(self) -> list[tuple[Session, Tally]]:
        return list(zip(self.sessions, self.totals, strict=True))

    @property
    def resources_percent(self) -> int | None:
        done = sum(row.resources_done for row in self.rows)
        return percent(share(done, sum(row.resources_total for row in self.rows)))

    @property
    def exercises_handed_in(self) -> int:
        return sum(row.exercises_handed_in for row in self.rows)

    @property
    def exercises_total(self) -> int:
        return sum(row.exercises_total for row in self.rows)

    @property
    def meetings_attended(self) -> int:
        return sum(row.meetings_attended for row in self.rows)

    @property
    def meetings_held(self) -> int:
        return sum(row.meetings_held for row in self.rows)


def cohort_grid(*, cohort: Cohort, sessions: list[Session], now=None) -> CohortGrid:
    """The progress grid of one cohort: five queries."""
    (grid,) = cohort_grids(cohorts=[cohort], sessions=sessions, now=now)
    return grid


def cohort_grids(*, cohorts: list[Cohort], sessions: list[Session], now=None) -> list[CohortGrid]:
    """The grids of several cohorts of one round, in five queries whatever their number."""
    now = now or timezone.now()
    facts = _GridFacts.load(cohort_ids=[cohort.pk for cohort in cohorts], sessions=sessions)
    by_cohort: dict[int, list[ParticipantRow]] = defaultdict(list)
    for placement in facts.people:
        by_cohort[placement.cohort_id].append(facts.row(placement, sessions, now))

    grids = []
    for cohort in cohorts:
        rows = by_cohort.get(cohort.pk, [])
        active = [row for row in rows if not row.has_left]
        grids.append(
            CohortGrid(
                cohort=cohort,
                sessions=sessions,
                rows=active,
                former=[row for row in rows if row.has_left],
                totals=[
                    add_up(row.cells[i].tally() for row in active) for i in range(len(sessions))
                ],
            )
        )
    return grids


@dataclass(frozen=True)
class _GridFacts:
    """What the database knows about some cohorts' people, keyed for filling in cells.

    Attendance is kept by unit rather than by meeting, so that someone who
    moved cohort keeps what was recorded at their old cohort's meeting; it
    counts as attended once their current cohort's meeting has been held.
    """

    people: list[Placement]
    done: dict[tuple[int, int], int]  # (user, unit): resources marked done
    submissions: dict[tuple[int, int], tuple[str, bool]]  # (enrollment, exercise): status, late
    meetings: dict[tuple[int, int], tuple[datetime, bool]]  # (cohort, unit): starts, cancelled
    attendance: dict[tuple[int, int], str]  # (enrollment, unit): recorded status

    @classmethod
    def load(cls, *, cohort_ids: list[int], sessions: list[Session]) -> "_GridFacts":
        """Five queries. The later ones filter on the ids the first one found: a short,
        bounded list (one batch of cohorts), which every database plans well."""
        unit_ids = [session.unit_id for session in sessions]
        people = sorted(
            Placement.objects.filter(cohort_id__in=cohort_ids)
            .select_related("enrollment__user")
            .only(
                "cohort_id",
                "enrollment__status",
                "enrollment__user__email",
                "enrollment__user__display_name",
                "enrollment__user__deleted_at",  # User.name says "a deleted account"
            ),
            key=lambda p: (p.cohort_id, p.enrollment.user.name.casefold(), p.enrollment.user.email),
        )
        enrollment_ids = [placement.enrollment_id for placement in people]
        done = (
            ResourceCompletion.objects.filter(
                user_id__in=[placement.enrollment.user_id for placement in people],
                resource__unit_id__in=unit_ids,
            )
            .order_by()
            .values_list("user_id", "resource__unit_id")
            .annotate(count=Count("pk"))
        )
        submissions = (
            Submission.objects.filter(
                enrollment_id__in=enrollment_ids, exercise__unit_id__in=unit_ids
            )
            .order_by()
            .values_list("enrollment_id", "exercise_id", "status", "is_late")
        )
        meetings = (
            Meeting.objects.filter(cohort_id__in=cohort_ids, unit_id__in=unit_ids)
            .order_by()
            .values_list("cohort_id", "unit_id", "starts_at", "is_cancelled")
        )
        # An enrollment belongs to one round, so its attendance is all this
        # round's; filtering on the unit as well makes SQLite plan it badly.
        attendance = (
            Attendance.objects.filter(enrollment_id__in=enrollment_ids)
            .order_by()
            .values_list("enrollment_id", "meeting__unit_id", "status")
        )
        return cls(
            people=people,
            done={(user, unit): count for user, unit, count in done},
            submissions={(enr, ex): (status, late) for enr, ex, status, late in submissions},
            meetings={(cohort, unit): (at, cancelled) for cohort, unit, at, cancelled in meetings},
            attendance=_best_attendance(attendance),
        )

    def row(self, placement: Placement, sessions: list[Session], now) -> ParticipantRow:
        enrollment = placement.enrollment
        return ParticipantRow(
            name=enrollment.user.name,
            email=enrollment.user.email,
            status=enrollment.status,
            cells=tuple(self._cell(placement, session, now) for session in sessions),
        )

    def _cell(self, placement: Placement, session: Session, now) -> Cell:
        enrollment = placement.enrollment
        held, blank = _meeting_state(self.meetings.get((placement.cohort_id, session.unit_id)), now)
        recorded = self.attendance.get((enrollment.pk, session.unit_id))
        not_started = (ExerciseMark.NOT_STARTED, False)
        return Cell(
            session=session,
            resources_done=self.done.get((enrollment.user_id, session.unit_id), 0),
            exercises=tuple(
                ExerciseMark(ex, *self.submissions.get((enrollment.pk, ex.pk), not_started))
                for ex in session.exercises
            ),
            attendance=AttendanceMark(recorded or (AttendanceMark.NOT_RECORDED if held else blank)),
            meeting_held=held,
        )


def _meeting_state(meeting: tuple[datetime, bool] | None, now) -> tuple[bool, str]:
    """Whether the meeting counts as held, and what to show when nothing was recorded."""
    if meeting is None:
        return False, AttendanceMark.NO_MEETING
    starts_at, is_cancelled = meeting
    if is_cancelled:
        return False, AttendanceMark.CANCELLED
    if starts_at > now:
        return False, AttendanceMark.UPCOMING
    return True, AttendanceMark.NOT_RECORDED


# Someone who moved cohort can have a record at two meetings of one session;
# the one most in their favour stands. (The round's overview only looks for
# "present", wherever it was recorded, so it agrees.)
_ATTENDANCE_RANK = {Attendance.Status.PRESENT: 0, Attendance.Status.EXCUSED: 1}


def _best_attendance(rows: Iterable[tuple[int, int, str]]) -> dict[tuple[int, int], str]:
    """The status that stands for each (enrollment, unit) from (enrollment, unit, status) rows."""
    recorded: dict[tuple[int, int], str] = {}
    for enrollment_id, unit_id, status in rows:
        known = recorded.get((enrollment_id, unit_id))
        if known is None or _ATTENDANCE_RANK.get(status, 2) < _ATTENDANCE_RANK.get(known, 2):
            recorded[(enrollment_id, unit_id)] = status
    return recorded
