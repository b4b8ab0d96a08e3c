"""Reads for the progress dashboards: one cohort's grid and a whole round's overview.

Every page costs the same handful of queries however many people, cohorts or
submissions there are: each kind of fact (completions, submissions,
attendance, meetings) is read once, already counted per person and session
where the page only needs a count, and the grid is put together in Python.

The figures mean the same on every page and in every export:

- a participant *did the readings* of a session once every resource of it is
  marked done;
- an exercise is *handed in* while it is submitted or accepted; work returned
  for revision is outstanding again. A session is *submitted* once every one of
  its exercises is handed in;
- a participant *attended* when recorded present at the session's meeting.
  Excused absences are shown but do not count as attended. A meeting only
  counts once it has started and was not cancelled;
- people who have left the round (dropped or declined) are listed apart, greyed
  out, and count in no total, share or chart.
"""

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, QuerySet
from django.http import Http404
from django.utils import timezone

from apps.cohorts.models import Attendance, Cohort, Meeting, Placement
from apps.cohorts.selectors import cohorts_visible_to
from apps.courses.models import ResourceCompletion
from apps.rounds.models import Enrollment, Round, RoundUnit
from apps.submissions.models import Submission

# How many cohorts the round export reads at a time: large enough that a
# typical round is one batch, small enough to keep memory flat for huge ones.
COHORTS_PER_BATCH = 50

# Rows fetched per round trip when a round's facts are streamed from the database.
CHUNK_SIZE = 2000


# Access --------------------------------------------------------------------


def cohort_for_viewer(*, user, pk: int) -> Cohort:
    """A cohort the person facilitates (any cohort for staff); 404 for everyone else."""
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def round_for_viewer(*, user, slug: str) -> Round:
    """Any round for staff; 404 for everyone else, so its existence is not given away."""
    if not user.is_staff:
        raise Http404("No such round.")
    try:
        return Round.objects.select_related("course").get(slug=slug)
    except Round.DoesNotExist:
        raise Http404("No such round.") from None


# The schedule --------------------------------------------------------------


@dataclass(frozen=True)
class ExerciseColumn:
    pk: int
    slug: str
    title: str


@dataclass(frozen=True)
class Session:
    """One unit as scheduled in a round, with what there is to do in it."""

    unit_id: int
    number: int
    title: str
    week_starts_on: date
    due_at: datetime
    resources_total: int
    exercises: tuple[ExerciseColumn, ...]

    @property
    def display_title(self) -> str:
        return f"Session {self.number}: {self.title}"

    @property
    def has_readings(self) -> bool:
        return self.resources_total > 0

    @property
    def has_exercises(self) -> bool:
        return bool(self.exercises)


def round_schedule(*, round: Round) -> list[Session]:
    """The round's sessions in the order they run, each with its resource count and exercises.

    One query: a row per exercise, or one without for a session that has none.
    Resources are joined alongside and counted distinct, so the exercises do
    not multiply them.
    """
    rows = (
        RoundUnit.objects.filter(round=round)
        .annotate(resources_total=Count("unit__resources", distinct=True))
        .values_list(
            "unit_id",
            "unit__number",
            "unit__title",
            "week_starts_on",
            "due_at",
            "resources_total",
            "unit__exercises__pk",
            "unit__exercises__slug",
            "unit__exercises__title",
        )
        .order_by("week_starts_on", "unit__number", "unit__exercises__position")
    )
    scheduled: dict[int, tuple] = {}
    exercises = defaultdict(list)
    for *session, exercise_pk, slug, title in rows:
        scheduled.setdefault(session[0], session)
        if exercise_pk is not None:
            exercises[session[0]].append(ExerciseColumn(pk=exercise_pk, slug=slug, title=title))
    return [
        Session(
            unit_id=unit_id,
            number=number,
            title=title,
            week_starts_on=week_starts_on,
            due_at=due_at,
            resources_total=resources_total,
            exercises=tuple(exercises[unit_id]),
        )
        for unit_id, number, title, week_starts_on, due_at, resources_total in scheduled.values()
    ]


# Counting ------------------------------------------------------------------


@dataclass
class Tally:
    """How many of the people counted did the readings, submitted and attended.

    Each count has its own base: people are only counted for readings where
    the session has resources, for submissions where it has exercises, and
    for attendance where their cohort's meeting has taken place. Tallies add
    up, so a cohort's tallies make the round's.
    """

    participants: int = 0
    readings: int = 0
    readings_base: int = 0
    submitted: int = 0
    submitted_base: int = 0
    attended: int = 0
    attended_base: int = 0

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(
            participants=self.participants + other.participants,
            readings=self.readings + other.readings,
            readings_base=self.readings_base + other.readings_base,
            submitted=self.submitted + other.submitted,
            submitted_base=self.submitted_base + other.submitted_base,
            attended=self.attended + other.attended,
            attended_base=self.attended_base + other.attended_base,
        )

    @property
    def readings_share(self) -> float | None:
        return _share(self.readings, self.readings_base)

    @property
    def readings_percent(self) -> int | None:
        return percent(self.readings_share)

    @property
    def submitted_percent(self) -> int | None:
        return percent(self.submitted_share)

    @property
    def attended_percent(self) -> int | None:
        return percent(self.attended_share)

    @property
    def figures(self) -> list[tuple[str, int | None]]:
        """The three shares as (label, percent or None), in the order pages show them."""
        return [
            ("Readings", self.readings_percent),
            ("Handed in", self.submitted_percent),
            ("Attended", self.attended_percent),
        ]

    @property
    def submitted_share(self) -> float | None:
        return _share(self.submitted, self.submitted_base)

    @property
    def attended_share(self) -> float | None:
        return _share(self.attended, self.attended_base)


def _share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def percent(share: float | None) -> int | None:
    return None if share is None else round(100 * share)


def _sum_tallies(tallies: Iterable[Tally]) -> Tally:
    return sum(tallies, Tally())


def _readings_done(session: Session, done: int) -> bool:
    return session.has_readings and done >= session.resources_total


def _submitted_all(session: Session, handed_in: int) -> bool:
    return session.has_exercises and handed_in >= len(session.exercises)


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


# One cohort's grid ---------------------------------------------------------


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
    def label(self) -> str:
        if self.status == self.NOT_STARTED:
            return "Not started"
        label = Submission.Status(self.status).label
        return f"{label}, late" if self.was_late else label

    @property
    def symbol(self) -> str:
        return _EXERCISE_SYMBOLS[self.status]

    @property
    def is_handed_in(self) -> bool:
        return self.status in Submission.HANDED_IN


_EXERCISE_SYMBOLS = {
    ExerciseMark.NOT_STARTED: "○",
    Submission.Status.DRAFT: "✎",
    Submission.Status.SUBMITTED: "✓",
    Submission.Status.RETURNED: "↩",
    Submission.Status.ACCEPTED: "★",
}


@dataclass(frozen=True)
class AttendanceMark:
    """What is known of a participant at one session's meeting."""

    code: str

    PRESENT = Attendance.Status.PRESENT.value
    ABSENT = Attendance.Status.ABSENT.value
    EXCUSED = Attendance.Status.EXCUSED.value
    NOT_RECORDED = "not_recorded"
    UPCOMING = "upcoming"
    CANCELLED = "cancelled"
    NO_MEETING = "no_meeting"

    @property
    def label(self) -> str:
        return _ATTENDANCE_LABELS[self.code]

    @property
    def is_blank(self) -> bool:
        """Nothing to show yet: the meeting is still to come or there is none."""
        return self.code in (self.UPCOMING, self.NO_MEETING)


_ATTENDANCE_LABELS = {
    AttendanceMark.PRESENT: "Present",
    AttendanceMark.ABSENT: "Absent",
    AttendanceMark.EXCUSED: "Excused",
    AttendanceMark.NOT_RECORDED: "Not recorded",
    AttendanceMark.UPCOMING: "Meeting still to come",
    AttendanceMark.CANCELLED: "Meeting cancelled",
    AttendanceMark.NO_MEETING: "No meeting scheduled",
}


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
        return _readings_done(self.session, self.resources_done)

    @property
    def handed_in(self) -> int:
        return sum(1 for mark in self.exercises if mark.is_handed_in)

    @property
    def submitted_all(self) -> bool:
        return _submitted_all(self.session, self.handed_in)

    @property
    def attended(self) -> bool:
        return self.meeting_held and self.attendance.code == AttendanceMark.PRESENT

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
    status: str
    status_label: str
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
        return percent(_share(self.resources_done, self.resources_total))

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
        return sum(
            1 for c in self.cells if c.meeting_held and c.attendance.code == AttendanceMark.EXCUSED
        )

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
        return percent(_share(done, sum(row.resources_total for row in self.rows)))

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
                    _sum_tallies(row.cells[i].tally() for row in active)
                    for i in range(len(sessions))
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
            status_label=enrollment.get_status_display(),
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
# the one most in their favour stands, as in the round's overview.
_ATTENDANCE_RANK = {Attendance.Status.PRESENT: 0, Attendance.Status.EXCUSED: 1}


def _best_attendance(rows: Iterable[tuple[int, int, str]]) -> dict[tuple[int, int], str]:
    """The status that stands for each (enrollment, unit) from (enrollment, unit, status) rows."""
    recorded: dict[tuple[int, int], str] = {}
    for enrollment_id, unit_id, status in rows:
        known = recorded.get((enrollment_id, unit_id))
        if known is None or _ATTENDANCE_RANK.get(status, 2) < _ATTENDANCE_RANK.get(known, 2):
            recorded[(enrollment_id, unit_id)] = status
    return recorded


def round_grids(
    *, round: Round, sessions: list[Session], batch_size: int = COHORTS_PER_BATCH, now=None
) -> Iterator[CohortGrid]:
    """Every cohort's grid, read a batch of cohorts at a time: five queries per batch."""
    now = now or timezone.now()
    cohorts = list(Cohort.objects.filter(round=round).order_by("name", "pk"))
    for start in range(0, len(cohorts), batch_size):
        yield from cohort_grids(
            cohorts=cohorts[start : start + batch_size], sessions=sessions, now=now
        )


# A round's overview --------------------------------------------------------


@dataclass(frozen=True)
class CohortSummary:
    cohort: Cohort
    participants: int
    per_session: list[Tally]

    @property
    def overall(self) -> Tally:
        return _sum_tallies(self.per_session)

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
        return _sum_tallies(self.totals)

    @property
    def total_columns(self) -> list[Tally]:
        """Each session over the whole round, then all sessions together."""
        return [*self.totals, self.overall]


def round_overview(*, round: Round, sessions: list[Session], now=None) -> RoundOverview:
    """Per cohort and session, how many did the readings, submitted and attended.

    Six queries for any size of round, and nothing kept per person and
    session: the database counts completions and handed-in exercises per
    person and unit, and each row is added to its cohort's tally as it
    streams in.
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
            _sum_tallies(summary.per_session[i] for summary in summaries)
            for i in range(len(sessions))
        ],
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
        if _readings_done(by_unit[unit_id], count):
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
        if _submitted_all(by_unit[unit_id], count):
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
