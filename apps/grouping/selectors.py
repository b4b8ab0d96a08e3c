"""Reads for the grouping pages: who may run grouping, and a round's cohorts as they stand.

Running grouping is for staff and the round's lead facilitators (the rule is
``apps.rounds.selectors.rounds_led_by``), never for every facilitator: any of them could
reshuffle the whole round. ``can_run_grouping`` is where the grouping pages ask. Everyone
else gets a 404, as for a round that does not exist.

``round_state`` loads a round's cohorts, people, availability and placements, and the
facilitators' cohorts in other rounds running at the same time, in a fixed number of
queries (seven), however many cohorts and people there are; the review page,
the live checks, the services' re-validation and the solver's problem
(``problem_for_round``) all work from it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.conf import settings
from django.db.models import Max
from django.http import Http404
from django.utils import timezone

from apps.accounts.models import User
from apps.cohorts.models import Cohort, Placement
from apps.cohorts.selectors import busiest_visits, regular_slot, slot_label
from apps.grouping.models import GroupingPreference, GroupingRun, GroupingSettings
from apps.grouping.solver import Cohort as SolverCohort
from apps.grouping.solver import Facilitator, Participant, Problem, SoftTier
from apps.grouping.solver.soft import default_window, missed_minutes
from apps.rounds import weekgrid
from apps.rounds.cyclic_week import (
    MINUTES_PER_WEEK,
    Interval,
    covers,
    normalise,
    overlap,
    subtract,
)
from apps.rounds.models import AvailabilitySlot, Enrollment, Round
from apps.rounds.selectors import can_lead, rounds_led_by

DEFAULT_TIME_LIMIT_SECONDS = 20
ACTIVE_RUN_STATUSES = (GroupingRun.Status.QUEUED, GroupingRun.Status.RUNNING)
# What the review page says about someone left out that the last run did not explain.
NOT_IN_LAST_RUN = "Not placed by the last run: taken out of a cohort by hand, or accepted since"
NOT_GROUPED_YET = "Grouping has not been run since they were accepted"


# Who may run grouping ----------------------------------------------------------------


def can_run_grouping(user, round: Round | None) -> bool:
    """Whether ``user`` may run grouping for ``round``, watch its runs and edit its drafts.

    With ``round`` None: whether they may for some round (the list of rounds). Every
    permission check of the grouping pages comes here.
    """
    if not user.is_authenticated:
        return False
    if round is None:
        return rounds_led_by(user).exists()
    return can_lead(user, round)


def round_for_grouping(*, user, slug: str) -> Round:
    round = Round.objects.select_related("course").filter(slug=slug).first()
    if round is None or not can_run_grouping(user, round):
        raise Http404("No such round.")
    return round


def round_list(*, user) -> list[Round]:
    return list(rounds_led_by(user).select_related("course").order_by("-starts_on", "name"))


def facilitator_for_preferences(*, user, slug: str) -> Enrollment:
    """The user's own facilitator place in the round, whose wishes they may give; else 404.

    Unlike running grouping, this is about the person's own data, as availability is.
    """
    enrollment = (
        Enrollment.objects.filter(round__slug=slug, user=user)
        .facilitators()
        .eligible()
        .select_related("round__course", "user")
        .first()
        if user.is_authenticated
        else None
    )
    if enrollment is None:
        raise Http404("No such round.")
    return enrollment


def preference_of(enrollment: Enrollment) -> GroupingPreference | None:
    return GroupingPreference.objects.filter(enrollment=enrollment).first()


def preferred_cells(
    preference: GroupingPreference | None, *, zone: str, week_of: date
) -> set[weekgrid.Cell]:
    """A facilitator's preferred times as the cells of the weekly grid in ``zone``."""
    if preference is None:
        return set()
    return weekgrid.intervals_to_cells(
        [tuple(pair) for pair in preference.preferred_times], zone=zone, week_of=week_of
    )


def latest_run(*, round: Round) -> GroupingRun | None:
    return (
        GroupingRun.objects.filter(round=round)
        .select_related("requested_by")
        .order_by("-created_at", "-pk")
        .first()
    )


def run_for_round(*, round: Round, pk: int) -> GroupingRun:
    try:
        return GroupingRun.objects.select_related("requested_by").get(round=round, pk=pk)
    except GroupingRun.DoesNotExist:
        raise Http404("No such grouping run.") from None


def active_run_exists(*, round: Round) -> bool:
    return GroupingRun.objects.filter(round=round, status__in=ACTIVE_RUN_STATUSES).exists()


# A round's cohorts and people, loaded once -------------------------------------------


@dataclass
class RoundState:
    """Everything about a round's cohorts that checks need, indexed for lookups.

    ``people`` holds the eligible enrollments (accepted or active), each with
    ``intervals``, its availability as normalised UTC week intervals. Each cohort in
    ``cohorts`` carries ``lead_ids`` (eligible facilitators) and ``member_ids``
    (eligible participants), so dropped people never count. ``elsewhere`` holds, by
    facilitator, the published cohorts they lead in other rounds whose dates overlap
    this one's: their meetings are busy times here, and count towards the person's own
    limit on cohorts at once (``User.cohort_limit``).
    """

    round: Round
    cohorts: list[Cohort]
    people: dict[int, Enrollment]
    cohort_of: dict[int, int]
    elsewhere: dict[int, list[Elsewhere]] = field(default_factory=dict)
    by_pk: dict[int, Cohort] = field(init=False)
    led_by: dict[int, list[Cohort]] = field(init=False)

    def __post_init__(self) -> None:
        self.by_pk = {cohort.pk: cohort for cohort in self.cohorts}
        self.led_by = defaultdict(list)
        for cohort in self.cohorts:
            for lead in cohort.lead_ids:
                self.led_by[lead].append(cohort)

    @property
    def drafts(self) -> list[Cohort]:
        return [c for c in self.cohorts if not c.is_published]

    @property
    def published(self) -> list[Cohort]:
        return [c for c in self.cohorts if c.is_published]

    @property
    def facilitators(self) -> list[Enrollment]:
        return sorted(
            (e for e in self.people.values() if e.is_facilitator),
            key=lambda e: (e.user.name.lower(), e.pk),
        )

    def unplaced(self) -> list[Enrollment]:
        """Eligible participants in no cohort of the round, by name."""
        return sorted(
            (
                e
                for e in self.people.values()
                if not e.is_facilitator and e.pk not in self.cohort_of
            ),
            key=lambda e: (e.user.name.lower(), e.pk),
        )

    def can_attend(self, enrollment_id: int, slot_start: int) -> bool:
        person = self.people.get(enrollment_id)
        if person is None:
            return False
        return covers(person.intervals, slot_start, self.round.meeting_minutes)

    def room_elsewhere(self, facilitator_id: int) -> int | None:
        """How many cohorts in all the person's own limit still allows here, or None."""
        person = self.people[facilitator_id]
        if person.user.cohort_limit is None:
            return None
        return person.user.cohort_limit - len(self.elsewhere.get(facilitator_id, []))

    def clash_elsewhere(self, facilitator_id: int, slot_start: int) -> Elsewhere | None:
        """A cohort of another round the facilitator leads that a meeting here would meet."""
        return next(
            (
                busy
                for busy in self.elsewhere.get(facilitator_id, [])
                if meetings_overlap(
                    slot_start, self.round.meeting_minutes, busy.start, busy.minutes
                )
            ),
            None,
        )

    def lead_clash(
        self, facilitator_id: int, slot_start: int, *, cohort: Cohort, joining: bool
    ) -> str | None:
        """Why the facilitator cannot lead ``cohort`` at ``slot_start``, or None.

        ``joining`` is true when they would take the cohort on (a swap), which also needs
        room under their ``max_cohorts`` and their own limit across rounds; their other
        cohorts, in this round or another at the same time, must not overlap either way.
        """
        person = self.people[facilitator_id]
        others = [c for c in self.led_by.get(facilitator_id, []) if c.pk != cohort.pk]
        if joining and len(others) + 1 > person.max_cohorts:
            return (
                f"{person.user.name} already leads {len(others)} "
                f"cohort{'s' if len(others) != 1 else ''} in this round, "
                f"the most they said they can run ({person.max_cohorts})."
            )
        room = self.room_elsewhere(facilitator_id)
        if joining and room is not None and len(others) + 1 > room:
            return (
                f"{person.user.name} would lead more than {person.user.cohort_limit} cohorts "
                "at once, counting other rounds that run at the same time."
            )
        for other in others:
            if overlap(slot_start, other.slot_start, self.round.meeting_minutes):
                return (
                    f"{person.user.name} already leads {other.name} at an overlapping time "
                    f"({slot_label(other)})."
                )
        busy = self.clash_elsewhere(facilitator_id, slot_start)
        if busy is not None:
            return f"{person.user.name} {busy.describe()} at an overlapping time."
        return None

    def lead_problems(self, cohort: Cohort) -> list[str]:
        """Rules the cohort's current facilitators break: too many cohorts, or overlaps."""
        problems = []
        for lead in cohort.lead_ids:
            person = self.people[lead]
            led = self.led_by[lead]
            if len(led) > person.max_cohorts:
                problems.append(
                    f"{person.user.name} leads {len(led)} cohorts, more than the "
                    f"{person.max_cohorts} they said they can run."
                )
            for other in led:
                if other.pk != cohort.pk and overlap(
                    cohort.slot_start, other.slot_start, self.round.meeting_minutes
                ):
                    problems.append(
                        f"{person.user.name} also leads {other.name} at an overlapping time."
                    )
            busy = self.clash_elsewhere(lead, cohort.slot_start)
            if busy is not None:
                problems.append(f"{person.user.name} {busy.describe()} at an overlapping time.")
            room = self.room_elsewhere(lead)
            if room is not None and len(led) > room:
                problems.append(
                    f"{person.user.name} leads more than the {person.user.cohort_limit} cohorts "
                    "at once they can, counting other rounds at the same time."
                )
        return problems


@dataclass(frozen=True)
class Elsewhere:
    """A published cohort of another round, overlapping this one in dates, that one of
    this round's facilitators leads; ``start`` is its meeting as a minute of this round's
    UTC week (read at its local time, so summer time in either round is accounted for)."""

    cohort: Cohort
    start: int
    minutes: int

    @property
    def label(self) -> str:
        return slot_label(self.cohort)

    def describe(self) -> str:
        return (
            f"leads {self.cohort.name} of {self.cohort.round.course.title}, "
            f"{self.cohort.round.name} ({slot_label(self.cohort)})"
        )


def meetings_overlap(first: int, first_minutes: int, second: int, second_minutes: int) -> bool:
    """Whether two weekly meetings, of their own lengths, share any time."""
    gap = (second - first) % MINUTES_PER_WEEK
    return gap < first_minutes or MINUTES_PER_WEEK - gap < second_minutes


def round_dates(round: Round) -> tuple[date, date]:
    """The first day of a round and the day after its last session's week; without a
    schedule, a round is taken to run twelve weeks."""
    last = getattr(round, "last_week", None)
    end = last + timedelta(days=7) if last else round.starts_on + timedelta(weeks=12)
    return round.starts_on, end


def cohorts_elsewhere(*, round: Round, facilitators: dict[int, Enrollment]) -> dict:
    """The published cohorts that ``facilitators`` (this round's, by enrollment) lead in
    other rounds overlapping this one in dates, by this round's enrollment (two queries)."""
    if not facilitators:
        return {}
    if not hasattr(round, "last_week"):
        round.last_week = round.schedule.aggregate(last=Max("week_starts_on"))["last"]
    begins, ends = round_dates(round)
    here = {person.user_id: pk for pk, person in facilitators.items()}
    links = (
        Cohort.facilitators.through.objects.filter(
            enrollment__user_id__in=here,
            enrollment__status__in=Enrollment.ELIGIBLE,
            cohort__published_at__isnull=False,
            cohort__round__starts_on__lt=ends,
        )
        .exclude(cohort__round=round)
        .select_related("cohort__round__course", "enrollment")
        .annotate(last_week=Max("cohort__round__schedule__week_starts_on"))
        .order_by("cohort__round__starts_on", "cohort__name")
    )
    found: dict[int, list[Elsewhere]] = defaultdict(list)
    for link in links:
        other = link.cohort
        other.round.last_week = link.last_week
        if round_dates(other.round)[1] <= begins:
            continue
        minute = other.local_time.hour * 60 + other.local_time.minute
        start = weekgrid.local_to_week_minute(
            other.time_zone, round.starts_on, other.weekday, minute
        )
        found[here[link.enrollment.user_id]].append(
            Elsewhere(other, start, other.round.meeting_minutes)
        )
    return found


def round_state(*, round: Round) -> RoundState:
    """The round's cohorts, eligible people with availability, and placements, and the
    facilitators' cohorts in other rounds at the same time (seven queries)."""
    cohorts = list(Cohort.objects.filter(round=round).order_by("pk"))
    people = {
        e.pk: e
        for e in Enrollment.objects.filter(round=round)
        .eligible()
        .select_related("user")
        .order_by("pk")
    }
    raw: dict[int, list[Interval]] = defaultdict(list)
    for owner, start, end in AvailabilitySlot.objects.filter(
        enrollment__round=round, enrollment__status__in=Enrollment.ELIGIBLE
    ).values_list("enrollment_id", "start", "end"):
        raw[owner].append((start, end))
    for pk, person in people.items():
        person.intervals = normalise(raw[pk])

    by_pk = {cohort.pk: cohort for cohort in cohorts}
    for cohort in cohorts:
        cohort.lead_ids, cohort.member_ids = [], []
    for cohort_id, lead_id in (
        Cohort.facilitators.through.objects.filter(cohort__round=round)
        .order_by("pk")
        .values_list("cohort_id", "enrollment_id")
    ):
        if lead_id in people and people[lead_id].is_facilitator:
            by_pk[cohort_id].lead_ids.append(lead_id)
    cohort_of = {}
    for member_id, cohort_id in (
        Placement.objects.filter(cohort__round=round)
        .order_by("enrollment__user__display_name", "enrollment__user__email")
        .values_list("enrollment_id", "cohort_id")
    ):
        if member_id in people and not people[member_id].is_facilitator:
            by_pk[cohort_id].member_ids.append(member_id)
            cohort_of[member_id] = cohort_id
    elsewhere = cohorts_elsewhere(
        round=round, facilitators={pk: p for pk, p in people.items() if p.is_facilitator}
    )
    return RoundState(
        round=round, cohorts=cohorts, people=people, cohort_of=cohort_of, elsewhere=elsewhere
    )


# The round as a problem for the solver ----------------------------------------------

SLOT_MINUTES = 30


class GroupingProblemError(Exception):
    """The round cannot be turned into a grouping problem; the message says why."""


@dataclass(frozen=True)
class RoundProblem:
    """A solver problem with what is needed to write its result back.

    ``kept_cohort_ids[i]`` is the draft cohort behind ``problem.fixed_cohorts[i]``.
    """

    problem: Problem
    kept_cohort_ids: list[int]


def solver_id(enrollment_id: int) -> str:
    return str(enrollment_id)


def from_solver_id(solver_key: str) -> int:
    return int(solver_key)


def problem_for_round(
    *,
    round: Round,
    time_limit_seconds: float,
    keep_drafts: bool = False,
    keep_published: bool = False,
) -> RoundProblem:
    """The grouping problem for ``round`` as its rows stand now (``round_state``'s queries).

    Solver ids are enrollment primary keys written as strings (``solver_id``). Who takes part:

    * participants: eligible participants, except those already placed in a published
      cohort (published cohorts are never changed by grouping);
    * facilitators: eligible facilitators. Cohorts they already lead outside the run
      (published ones, and kept drafts they co-lead without being the lead the solver
      sees) use up one of their ``max_cohorts`` each, and the time of each of those
      meetings is taken out of their availability so nothing new overlaps it. So are
      the meetings of the published cohorts they lead in other rounds whose dates
      overlap this one's, which also count towards their own limit across rounds
      (``User.cohort_limit``) where they set one.

    When ``keep_drafts`` is set, the round's draft cohorts become the solver's
    ``fixed_cohorts`` (with ``fill_fixed_cohorts`` on), so only the people outside them are
    grouped, and newcomers may join them up to the maximum size.

    With ``keep_published`` it is the published cohorts that are kept and filled (for
    people accepted after publication): each with an eligible facilitator becomes a
    fixed cohort with its members, those facilitators are the only ones and may open no
    new cohort, and the drafts are left out.

    The round's ``GroupingSettings`` turn on the soft tier; ``GroupingPreference`` rows give
    participants their priority and facilitators their preferred times and size (a size
    outside the round's bounds is ignored). Two more queries.
    """
    state = round_state(round=round)
    tier = soft_tier(round)
    preferences = {
        p.enrollment_id: p for p in GroupingPreference.objects.filter(enrollment__round=round)
    }
    if keep_published:
        return _fill_problem(state, tier, time_limit_seconds)
    kept = state.drafts if keep_drafts else []
    kept_ids = {c.pk for c in kept}

    # Meetings each facilitator is held to outside what the solver decides.
    busy: dict[int, list[int]] = defaultdict(list)
    # Theirs in other rounds at the same time: (start in this round's week, length).
    away = {pk: [(b.start, b.minutes) for b in found] for pk, found in state.elsewhere.items()}
    kept_lead: dict[int, int] = {}
    for cohort in state.cohorts:
        leads = cohort.lead_ids
        if cohort.pk in kept_ids:
            if not leads:
                raise GroupingProblemError(
                    f"{cohort.name} has no facilitator. Give it one before placing the rest."
                )
            kept_lead[cohort.pk] = leads[0]
            leads = leads[1:]
        elif not cohort.is_published:
            continue  # a draft that this run replaces
        for f in leads:
            busy[f].append(cohort.slot_start)

    participants = [
        Participant(
            id=solver_id(pk),
            availability=person.intervals,
            experience=person.experience,
            priority=bool(pk in preferences and preferences[pk].priority),
            time_zone=given_time_zone(person),
        )
        for pk, person in state.people.items()
        if not person.is_facilitator
        and not (pk in state.cohort_of and state.by_pk[state.cohort_of[pk]].is_published)
    ]
    leading_kept = set(kept_lead.values())
    facilitators = []
    for pk, person in state.people.items():
        capacity = person.max_cohorts - len(busy[pk])
        room = state.room_elsewhere(pk) if person.is_facilitator else None
        if room is not None:
            capacity = min(capacity, room - len(busy[pk]))
        if not person.is_facilitator or (capacity < 1 and pk not in leading_kept):
            continue
        free = person.intervals
        for start in busy[pk]:
            free = subtract(free, start, round.meeting_minutes)
        for start, minutes in away.get(pk, []):
            free = subtract(free, start, minutes)
        wish = preferences.get(pk)
        size = wish.preferred_size if wish else None
        facilitators.append(
            Facilitator(
                id=solver_id(pk),
                availability=free,
                max_cohorts=max(1, capacity),
                preferred_times=[tuple(pair) for pair in wish.preferred_times] if wish else [],
                preferred_size=size
                if size is not None and round.cohort_min_size <= size <= round.cohort_max_size
                else None,
            )
        )

    fixed = [
        SolverCohort(
            facilitator=solver_id(kept_lead[cohort.pk]),
            start=cohort.slot_start,
            participants=[solver_id(pk) for pk in sorted(cohort.member_ids)],
        )
        for cohort in kept
    ]
    problem = Problem(
        slot_minutes=SLOT_MINUTES,
        meeting_minutes=round.meeting_minutes,
        min_size=round.cohort_min_size,
        max_size=round.cohort_max_size,
        target_size=round.cohort_target_size,
        time_limit_seconds=time_limit_seconds,
        participants=participants,
        facilitators=facilitators,
        fixed_cohorts=fixed,
        fill_fixed_cohorts=True,
        soft=tier,
    )
    return RoundProblem(problem=problem, kept_cohort_ids=[c.pk for c in kept])


def _fill_problem(state: RoundState, tier: SoftTier | None, time_limit: float) -> RoundProblem:
    """The problem of placing people outside the published cohorts into them (see
    ``problem_for_round``)."""
    round = state.round
    kept = [c for c in state.published if c.lead_ids]
    led = defaultdict(int)
    for cohort in kept:
        led[cohort.lead_ids[0]] += 1
    members = {pk for cohort in kept for pk in cohort.member_ids}
    in_published = {pk for c in state.published for pk in c.member_ids}
    newcomers = [
        pk
        for pk, person in state.people.items()
        if not person.is_facilitator and pk not in in_published
    ]
    participants = [
        Participant(
            id=solver_id(pk),
            availability=state.people[pk].intervals,
            experience=state.people[pk].experience,
            time_zone=given_time_zone(state.people[pk]),
        )
        for pk in [*sorted(members), *newcomers]
    ]
    problem = Problem(
        slot_minutes=SLOT_MINUTES,
        meeting_minutes=round.meeting_minutes,
        min_size=round.cohort_min_size,
        max_size=round.cohort_max_size,
        target_size=round.cohort_target_size,
        time_limit_seconds=time_limit,
        participants=participants,
        # Exactly as many cohorts as they lead already: none can be opened.
        facilitators=[
            Facilitator(id=solver_id(pk), availability=state.people[pk].intervals, max_cohorts=n)
            for pk, n in led.items()
        ],
        fixed_cohorts=[
            SolverCohort(
                facilitator=solver_id(cohort.lead_ids[0]),
                start=cohort.slot_start,
                participants=[solver_id(pk) for pk in sorted(cohort.member_ids)],
            )
            for cohort in kept
        ],
        fill_fixed_cohorts=True,
        soft=tier,
    )
    return RoundProblem(problem=problem, kept_cohort_ids=[c.pk for c in kept])


def soft_tier(round: Round) -> SoftTier | None:
    """The round's soft tier for the solver, or None when it is off (one query)."""
    settings_row = GroupingSettings.objects.filter(round=round, soft_tier=True).first()
    if settings_row is None:
        return None
    return SoftTier(
        members_per_cohort=max(1, settings_row.soft_members_per_cohort),
        missed_minutes=settings_row.soft_missed_minutes,
        default_window=settings_row.assume_evenings,
        week_of=round.starts_on,
    )


def priority_labels(round: Round) -> dict[int, str]:
    """The round's priority labels by enrollment (one query)."""
    return dict(
        GroupingPreference.objects.filter(enrollment__round=round)
        .exclude(priority="")
        .values_list("enrollment_id", "priority")
    )


def given_time_zone(enrollment: Enrollment) -> str | None:
    """The zone someone gave: the one they entered availability in, else their profile's
    unless it is still the default (which says nothing about where they are)."""
    if enrollment.availability_time_zone:
        return enrollment.availability_time_zone
    zone = enrollment.user.time_zone
    return zone if zone != User._meta.get_field("time_zone").default else None


# The review page ---------------------------------------------------------------------


@dataclass
class PersonFit:
    """Whether someone can attend a cohort's meeting, and if not by how much they miss it.

    ``missed_minutes`` counts the minutes of the meeting outside the times they gave, or,
    with ``assumed_window``, outside the weekday evenings the soft tier assumes for people
    who gave only a time zone. ``priority`` is their priority label, if any.
    """

    enrollment: Enrollment
    can_attend: bool
    missed_minutes: int | None = None
    assumed_window: bool = False
    priority: str = ""


@dataclass
class CohortReview:
    cohort: Cohort
    leads: list[PersonFit]
    members: list[PersonFit]
    slot: datetime  # the first week's meeting, shown in the viewer's zone
    anchor: str
    size_problem: str | None
    lead_problems: list[str]

    @property
    def size(self) -> int:
        return len(self.members)

    @property
    def cannot_attend(self) -> list[PersonFit]:
        return [p for p in self.leads + self.members if not p.can_attend]

    @property
    def has_problems(self) -> bool:
        return bool(self.size_problem or self.lead_problems or self.cannot_attend)


@dataclass
class UnplacedPerson:
    enrollment: Enrollment
    reason: str
    priority: str = ""


@dataclass
class Review:
    round: Round
    run: GroupingRun | None
    drafts: list[CohortReview]
    published: list[CohortReview]
    unplaced: list[UnplacedPerson]
    participants: int
    run_is_stale: bool = False
    soft_tier: SoftTier | None = None
    # Facilitators with cohorts in other rounds at the same time: (person, those cohorts,
    # how many more they may lead here under their own limit, None for no limit).
    elsewhere: list[tuple[Enrollment, list[Elsewhere], int | None]] = field(default_factory=list)

    @property
    def run_is_active(self) -> bool:
        return self.run is not None and self.run.status in ACTIVE_RUN_STATUSES

    @property
    def placed(self) -> int:
        return self.participants - len(self.unplaced)

    @property
    def drafts_with_problems(self) -> int:
        return sum(1 for review in self.drafts if review.has_problems)


def person_fit(
    state: RoundState,
    pk: int,
    slot_start: int,
    *,
    tier: SoftTier | None = None,
    priorities: dict[int, str] | None = None,
) -> PersonFit:
    """How well the meeting at ``slot_start`` suits enrollment ``pk`` (see ``PersonFit``)."""
    person = state.people[pk]
    priority = (priorities or {}).get(pk, "")
    if state.can_attend(pk, slot_start):
        return PersonFit(person, True, priority=priority)
    meeting = state.round.meeting_minutes
    zone = given_time_zone(person)
    if not person.intervals and tier is not None and tier.default_window and zone:
        missed = missed_minutes(default_window(zone, tier.week_of), slot_start, meeting)
        return PersonFit(person, False, missed, assumed_window=True, priority=priority)
    missed = missed_minutes(person.intervals, slot_start, meeting)
    return PersonFit(person, False, missed, priority=priority)


def cohort_review(
    state: RoundState,
    cohort: Cohort,
    *,
    tier: SoftTier | None = None,
    priorities: dict[int, str] | None = None,
) -> CohortReview:
    round = state.round
    members = [
        person_fit(state, pk, cohort.slot_start, tier=tier, priorities=priorities)
        for pk in cohort.member_ids
    ]
    size = len(members)
    size_problem = None
    if size < round.cohort_min_size:
        size_problem = f"Below the minimum of {round.cohort_min_size}"
    elif size > round.cohort_max_size:
        size_problem = f"Above the maximum of {round.cohort_max_size}"
    return CohortReview(
        cohort=cohort,
        leads=[person_fit(state, pk, cohort.slot_start) for pk in cohort.lead_ids],
        members=members,
        slot=regular_slot(cohort, week_of=round.starts_on),
        anchor=slot_label(cohort),
        size_problem=size_problem,
        lead_problems=state.lead_problems(cohort)
        if cohort.lead_ids
        else ["It has no facilitator."],
    )


def review(*, round: Round) -> Review:
    """The review page: draft and published cohorts with fits, and everyone left out.

    Ten queries, whatever the number of cohorts: the latest run, ``round_state``'s seven,
    the soft tier and the priority labels; one more when the latest run has not finished
    well.
    """
    run = latest_run(round=round)
    state = round_state(round=round)
    tier = soft_tier(round)
    priorities = priority_labels(round)
    # While a run is under way, or after one failed, the last finished run explains.
    explained = run
    if run is not None and run.status != GroupingRun.Status.DONE:
        explained = (
            GroupingRun.objects.filter(round=round, status=GroupingRun.Status.DONE)
            .order_by("-created_at", "-pk")
            .first()
        )
    reasons = {item["id"]: item["reason"] for item in explained.unplaced} if explained else {}
    fallback = NOT_IN_LAST_RUN if explained else NOT_GROUPED_YET
    unplaced = [
        UnplacedPerson(e, reasons.get(e.pk) or fallback, priorities.get(e.pk, ""))
        for e in state.unplaced()
    ]
    return Review(
        round=round,
        run=run,
        drafts=[cohort_review(state, c, tier=tier, priorities=priorities) for c in state.drafts],
        published=[cohort_review(state, c) for c in state.published],
        unplaced=unplaced,
        participants=sum(1 for e in state.people.values() if not e.is_facilitator),
        run_is_stale=run is not None and run_is_stale(run, now=timezone.now()),
        soft_tier=tier,
        elsewhere=[
            (
                state.people[pk],
                found,
                None if state.room_elsewhere(pk) is None else max(0, state.room_elsewhere(pk)),
            )
            for pk, found in sorted(
                state.elsewhere.items(), key=lambda item: state.people[item[0]].user.name
            )
        ],
    )


# Live checks before a change ---------------------------------------------------------


@dataclass
class Absentee:
    """Someone who could not attend after a change; ``could_before`` is None for a
    facilitator who would be new to the cohort."""

    enrollment: Enrollment
    role: str
    could_before: bool | None


@dataclass
class ChangeCheck:
    """What a proposed time or facilitator would mean for a cohort.

    ``blockers`` are rules the change would break (it is refused); ``absentees`` are the
    people whose availability does not cover the new meeting (it needs a confirmation).
    """

    cohort: Cohort
    slot_start: int
    leads: list[Enrollment]
    slot: datetime
    absentees: list[Absentee]
    blockers: list[str]


def change_check(
    state: RoundState, cohort: Cohort, *, slot_start: int, lead_ids: list[int]
) -> ChangeCheck:
    """Who could not attend ``cohort`` meeting at ``slot_start`` led by ``lead_ids``."""
    absentees = []
    for pk in lead_ids:
        if not state.can_attend(pk, slot_start):
            before = state.can_attend(pk, cohort.slot_start) if pk in cohort.lead_ids else None
            absentees.append(Absentee(state.people[pk], "facilitator", before))
    for pk in cohort.member_ids:
        if not state.can_attend(pk, slot_start):
            absentees.append(
                Absentee(state.people[pk], "participant", state.can_attend(pk, cohort.slot_start))
            )
    blockers = []
    for pk in lead_ids:
        clash = state.lead_clash(pk, slot_start, cohort=cohort, joining=pk not in cohort.lead_ids)
        if clash:
            blockers.append(clash)
    probe = Cohort(
        round=state.round,
        time_zone=cohort.time_zone,
        slot_start=slot_start,
    )
    probe.weekday, probe.local_time = weekgrid.slot_in_zone(
        slot_start, zone=cohort.time_zone, week_of=state.round.starts_on
    )
    return ChangeCheck(
        cohort=cohort,
        slot_start=slot_start,
        leads=[state.people[pk] for pk in lead_ids],
        slot=regular_slot(probe, week_of=state.round.starts_on),
        absentees=absentees,
        blockers=blockers,
    )


def draft_in(state: RoundState, pk: int) -> Cohort:
    cohort = state.by_pk.get(pk)
    if cohort is None or cohort.is_published:
        raise Http404("No such draft cohort.")
    return cohort


# Moving one person -------------------------------------------------------------------


@dataclass
class MoveOption:
    cohort: Cohort
    slot: datetime
    size_after: int
    fits: bool
    is_full: bool


def participant_in(state: RoundState, pk: int) -> Enrollment:
    """An eligible participant of the round who is not in a published cohort."""
    person = state.people.get(pk)
    if person is None or person.is_facilitator:
        raise Http404("No such participant.")
    current = state.by_pk.get(state.cohort_of.get(pk))
    if current is not None and current.is_published:
        raise Http404("That participant is in a published cohort.")
    return person


def move_options(state: RoundState, enrollment: Enrollment) -> list[MoveOption]:
    """The draft cohorts the person could be moved to, with fit and size after the move."""
    current = state.cohort_of.get(enrollment.pk)
    return [
        MoveOption(
            cohort=cohort,
            slot=regular_slot(cohort, week_of=state.round.starts_on),
            size_after=len(cohort.member_ids) + 1,
            fits=state.can_attend(enrollment.pk, cohort.slot_start),
            is_full=len(cohort.member_ids) + 1 > state.round.cohort_max_size,
        )
        for cohort in state.drafts
        if cohort.pk != current
    ]


# Publishing --------------------------------------------------------------------------


@dataclass
class PublishCheck:
    """What publishing the drafts would do; ``blockers`` stop it, ``warnings`` need a yes."""

    to_publish: list[CohortReview]
    empty: list[Cohort]
    blockers: list[str]
    warnings: list[str]
    unplaced: int
    has_schedule: bool


def publish_check(state: RoundState, *, has_schedule: bool) -> PublishCheck:
    blockers: list[str] = []
    warnings: list[str] = []
    to_publish, empty = [], []
    for cohort in state.drafts:
        if not cohort.member_ids:
            empty.append(cohort)
            continue
        reviewed = cohort_review(state, cohort)
        to_publish.append(reviewed)
        blockers.extend(f"{cohort.name}: {problem}" for problem in reviewed.lead_problems)
        for fit in reviewed.cannot_attend:
            missing = (
                f" (misses {fit.missed_minutes} of its {state.round.meeting_minutes} minutes)"
                if fit.missed_minutes
                else ""
            )
            warnings.append(
                f"{fit.enrollment.user.name} ({fit.enrollment.get_role_display().lower()} of "
                f"{cohort.name}) is not available for the whole meeting, {reviewed.anchor}"
                f"{missing}."
            )
        if reviewed.size_problem:
            warnings.append(
                f"{cohort.name} has {reviewed.size} participant"
                f"{'s' if reviewed.size != 1 else ''}: {reviewed.size_problem.lower()}."
            )
    if not has_schedule:
        warnings.append("The round has no sessions scheduled, so no meetings will be created yet.")
    return PublishCheck(
        to_publish=to_publish,
        empty=empty,
        blockers=list(dict.fromkeys(blockers)),
        warnings=warnings,
        unplaced=len(state.unplaced()),
        has_schedule=has_schedule,
    )


def publish_preview(*, round: Round) -> PublishCheck:
    """What ``services.drafts_publish`` would do now, for the confirmation page."""
    return publish_check(round_state(round=round), has_schedule=round.schedule.exists())


def facilitator_choices(state: RoundState) -> list[tuple[Enrollment, str]]:
    """The round's facilitators as options, each with how many cohorts they lead."""
    return [
        (
            person,
            f"{person.user.name}: leads {len(state.led_by.get(person.pk, []))} of at most "
            f"{person.max_cohorts} ({person.user.time_zone})",
        )
        for person in state.facilitators
    ]


def time_limit_seconds() -> float:
    """Seconds the solver may use; it normally uses all of them, so keep this modest."""
    return float(getattr(settings, "GROUPING_TIME_LIMIT_SECONDS", DEFAULT_TIME_LIMIT_SECONDS))


def run_is_stale(run: GroupingRun, *, now: datetime) -> bool:
    """Whether a queued or running run has taken so long that its worker must have gone."""
    allowed = timedelta(seconds=2 * time_limit_seconds() + 600)
    return run.status in ACTIVE_RUN_STATUSES and now - run.created_at > allowed


# Late applicants, once cohorts are published -------------------------------------------


@dataclass
class LateProposal:
    cohort: Cohort
    slot: datetime
    taken: int


@dataclass
class LateApplicant:
    """Someone not in a published cohort, with the published cohorts proposed for them
    (room, and a meeting their availability covers), or why none is."""

    enrollment: Enrollment
    proposals: list[LateProposal]
    why_none: str = ""


def late_applicants(*, round: Round) -> list[LateApplicant]:
    """Applicants and accepted participants outside the round's published cohorts, each
    with the published cohorts that could take them. Five queries, however many."""
    cohorts = list(
        Cohort.objects.published().filter(round=round).with_member_count().order_by("name")
    )
    visitors = busiest_visits([c.pk for c in cohorts])
    people = list(
        Enrollment.objects.filter(
            # Someone offered a place answers the offer instead, which places them.
            round=round,
            status__in=Enrollment.DECIDABLE | Enrollment.ELIGIBLE,
        )
        .participants()
        .exclude(placement__cohort__published_at__isnull=False)
        .select_related("user")
        .order_by("applied_at", "pk")
    )
    raw: dict[int, list[Interval]] = defaultdict(list)
    for owner, start, end in AvailabilitySlot.objects.filter(enrollment__in=people).values_list(
        "enrollment_id", "start", "end"
    ):
        raw[owner].append((start, end))
    result = []
    for person in people:
        intervals = normalise(raw[person.pk])
        fitting = [c for c in cohorts if covers(intervals, c.slot_start, round.meeting_minutes)]
        taken = {c.pk: c.member_count + visitors.get(c.pk, 0) for c in cohorts}
        proposals = [
            LateProposal(c, regular_slot(c, week_of=round.starts_on), taken[c.pk])
            for c in fitting
            if taken[c.pk] + 1 <= round.cohort_max_size
        ]
        why = ""
        if not proposals:
            if not cohorts:
                why = "The round has no published cohorts yet."
            elif not intervals:
                why = "They gave no times they can meet."
            elif not fitting:
                why = "No published cohort meets at a time they gave."
            else:
                full = ", ".join(
                    f"{c.name} ({taken[c.pk]} of {round.cohort_max_size})" for c in fitting
                )
                why = f"Every cohort that meets at a time they gave is full: {full}."
        result.append(LateApplicant(person, proposals, why))
    return result
