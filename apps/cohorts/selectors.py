"""Reads for the cohort pages and the calendar feed, each page at a fixed number of queries.

Who may see what is decided here, by the querysets the views fetch through:
a facilitator's cohorts are those they lead (staff see every cohort), and a
participant's are the published cohorts they are placed in. Anything outside
those querysets is a 404, whether it exists or not.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.cohorts.models import (
    Attendance,
    CalendarFeed,
    Change,
    Cohort,
    Meeting,
    Placement,
    Switch,
)
from apps.courses.models import Unit
from apps.rounds import weekgrid
from apps.rounds.cyclic_week import covers, normalise
from apps.rounds.models import AvailabilitySlot, Enrollment, Round, RoundUnit
from apps.rounds.selectors import rounds_led_by


def _member_cohort_ids(user) -> QuerySet:
    return Placement.objects.filter(
        enrollment__in=Enrollment.objects.filter(user=user).participants().current()
    ).values("cohort_id")


def members(*, include_gone: bool = False) -> QuerySet[Placement]:
    """Placements with their people, by name; dropped people only when asked for."""
    placements = Placement.objects.select_related("enrollment__user").order_by(
        "enrollment__user__display_name", "enrollment__user__email"
    )
    return placements if include_gone else placements.current()


def _facilitator_enrollments() -> QuerySet[Enrollment]:
    return (
        Enrollment.objects.current()
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def regular_slot(cohort: Cohort, *, week_of: date) -> datetime:
    """The cohort's meeting in the week containing week_of, as a UTC instant.

    Shown in the viewer's zone it reads as their weekday and time for that
    week, which can differ from other weeks when only one of the two zones
    has changed to summer time.
    """
    return weekgrid.occurrence(
        zone=cohort.time_zone,
        weekday=cohort.weekday,
        local_time=cohort.local_time,
        week_of=week_of,
    )


def availability_covers(*, enrollment: Enrollment, cohort: Cohort) -> bool:
    """Whether the person said they are free for the whole of the cohort's weekly meeting."""
    intervals = [(slot.start, slot.end) for slot in enrollment.availability.all()]
    return weekgrid.covers(intervals, cohort.slot_start, cohort.round.meeting_minutes)


def free_at(*, enrollment: Enrollment, intervals, starts_at: datetime, minutes: int) -> bool:
    """Whether the person's weekly availability holds a meeting at this one instant.

    Availability means local times in the zone it was entered in, as of the round's
    first week; the instant is read as that zone's weekday and time on its own date,
    so a meeting in the week the clocks change is judged by the local time people
    will see.
    """
    zone = enrollment.availability_time_zone or enrollment.user.time_zone
    local = starts_at.astimezone(ZoneInfo(zone))
    minute = weekgrid.local_to_week_minute(
        zone, enrollment.round.starts_on, local.weekday(), local.hour * 60 + local.minute
    )
    return covers(normalise(intervals), minute, minutes)


def slot_label(cohort: Cohort) -> str:
    """The cohort's slot as its anchor zone keeps it, e.g. "Tuesdays 19:00 (Europe/London)"."""
    return f"{calendar.day_name[cohort.weekday]}s {cohort.local_time:%H:%M} ({cohort.time_zone})"


# Facilitators and staff ------------------------------------------------------


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Cohorts a person may run: those they facilitate, or all of them for staff."""
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.led_by(user)


def cohorts_answerable_by(user) -> QuerySet[Cohort]:
    """Cohorts whose switch requests the person may answer: those they facilitate, and
    every cohort of a round they are lead facilitator of (all of them for staff). Lead
    facilitators get no other power over cohorts they do not facilitate."""
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.filter(
        Q(pk__in=Cohort.objects.led_by(user)) | Q(round__in=rounds_led_by(user))
    )


def facilitator_users(*, cohorts) -> list:
    """The accounts of the cohorts' facilitators still taking part (one query)."""
    return [
        link.enrollment.user
        for link in Cohort.facilitators.through.objects.filter(
            cohort__in=cohorts, enrollment__status__in=Enrollment.TAKING_PART
        ).select_related("enrollment__user")
    ]


def visits_to(meeting_ids) -> QuerySet[Switch]:
    """Approved one-meeting visits to these meetings."""
    return Switch.objects.filter(meeting_id__in=meeting_ids, status=Switch.Status.APPROVED)


def visiting_elsewhere(*, meeting: Meeting) -> QuerySet[Switch]:
    """Approved visits that take members of the meeting's cohort to another cohort's
    meeting of the same unit: they are due there, not here."""
    return Switch.objects.filter(
        from_cohort_id=meeting.cohort_id,
        meeting__unit_id=meeting.unit_id,
        status=Switch.Status.APPROVED,
    )


def meeting_people(*, meeting: Meeting) -> list:
    """The participants due at a meeting: its members still taking part, less those
    visiting another cohort that week, plus visitors from other cohorts (two queries)."""
    away = visiting_elsewhere(meeting=meeting).values("enrollment_id")
    members = (
        Placement.objects.filter(
            cohort_id=meeting.cohort_id, enrollment__status__in=Enrollment.TAKING_PART
        )
        .exclude(enrollment_id__in=away)
        .select_related("enrollment__user")
    )
    visitors = (
        visits_to([meeting.pk])
        .filter(enrollment__status__in=Enrollment.TAKING_PART)
        .select_related("enrollment__user")
    )
    return [p.enrollment.user for p in members] + [v.enrollment.user for v in visitors]


def cohort_list(*, user, round_id: int | None = None) -> QuerySet[Cohort]:
    """The cohorts list for facilitators and staff, with sizes and the next meeting."""
    now = timezone.now()
    cohorts = cohorts_visible_to(user)
    if round_id is not None:
        cohorts = cohorts.filter(round_id=round_id)
    next_meeting = Meeting.objects.filter(
        cohort=OuterRef("pk"), is_cancelled=False, ends_at__gt=now
    ).order_by("starts_at")
    return (
        cohorts.select_related("round__course")
        .with_member_count()
        .annotate(next_meeting_at=Subquery(next_meeting.values("starts_at")[:1]))
        .prefetch_related(
            Prefetch("facilitators", queryset=_facilitator_enrollments(), to_attr="leads")
        )
        .order_by("-round__starts_on", "round__pk", "name")
    )


def rounds_with_cohorts_visible_to(user) -> QuerySet[Round]:
    return (
        Round.objects.filter(cohorts__in=cohorts_visible_to(user))
        .select_related("course")
        .distinct()
        .order_by("-starts_on", "name")
    )


def cohort_for_facilitator(*, user, pk: int) -> Cohort:
    try:
        return cohorts_visible_to(user).select_related("round__course").get(pk=pk)
    except Cohort.DoesNotExist:
        raise Http404("No such cohort.") from None


def is_member_of_published(*, user, cohort_id: int) -> bool:
    """Whether the person is a participant in this cohort and may see it on "My cohort"."""
    return Cohort.objects.filter(
        pk=cohort_id, published_at__isnull=False, pk__in=_member_cohort_ids(user)
    ).exists()


@dataclass
class FacilitatorView:
    cohort: Cohort
    members: list[Placement]
    former_members: list[Placement]
    facilitators: list[Enrollment]
    meetings: list[Meeting]
    next_meeting: Meeting | None
    slot: datetime
    changes: list[Change]
    pending_switches: list[Switch]


def cohort_page(*, cohort: Cohort) -> FacilitatorView:
    """Everything on a cohort's facilitator page: people, statuses and meetings with attendance.

    Each placement carries `present_count`, the meetings of this cohort the
    person was recorded present at; each meeting carries `recorded_count`
    and `present_count`.
    """
    placements = list(
        members(include_gone=True)
        .filter(cohort=cohort)
        .annotate(
            present_count=Count(
                "enrollment__attendance",
                filter=Q(
                    enrollment__attendance__meeting__cohort=cohort,
                    enrollment__attendance__status=Attendance.Status.PRESENT,
                ),
            )
        )
    )
    meetings = list(
        cohort.meetings.select_related("unit__course", "substitute__user")
        .annotate(
            recorded_count=Count("attendance"),
            present_count=Count(
                "attendance", filter=Q(attendance__status=Attendance.Status.PRESENT)
            ),
        )
        .order_by("starts_at")
    )
    next_meeting = _next_meeting(meetings)
    return FacilitatorView(
        cohort=cohort,
        members=[p for p in placements if not p.enrollment.is_gone],
        former_members=[p for p in placements if p.enrollment.is_gone],
        facilitators=list(_facilitator_enrollments().filter(facilitated_cohorts=cohort)),
        meetings=meetings,
        next_meeting=next_meeting,
        slot=_slot_for(cohort, next_meeting),
        changes=changes_of(cohort=cohort),
        pending_switches=list(
            Switch.objects.filter(to_cohort=cohort, status=Switch.Status.PENDING)
            .select_related("enrollment__user", "from_cohort", "meeting__unit")
            .order_by("requested_at")
        ),
    )


def _next_meeting(meetings: list[Meeting]) -> Meeting | None:
    """The first meeting not yet over and not cancelled (a meeting under way counts)."""
    now = timezone.now()
    return next((m for m in meetings if not m.is_cancelled and m.ends_at > now), None)


def _slot_for(cohort: Cohort, next_meeting: Meeting | None) -> datetime:
    if next_meeting is not None:
        return next_meeting.starts_at
    return regular_slot(cohort, week_of=max(cohort.round.starts_on, timezone.now().date()))


def meeting_for_facilitator(*, user, cohort_pk: int, pk: int, may_cover: bool = False) -> Meeting:
    """A meeting of a cohort the person runs; with ``may_cover``, also one they cover
    as its substitute (their only way into that cohort)."""
    allowed = Q(cohort__in=cohorts_visible_to(user))
    if may_cover:
        allowed |= Q(substitute__user=user, substitute__status__in=Enrollment.ELIGIBLE)
    try:
        return Meeting.objects.select_related(
            "cohort__round__course", "unit__course", "substitute__user"
        ).get(allowed, pk=pk, cohort_id=cohort_pk)
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def meetings_covered_by(*, user) -> QuerySet[Meeting]:
    """Meetings still to come that the person leads as a substitute."""
    return (
        Meeting.objects.filter(
            substitute__user=user,
            substitute__status__in=Enrollment.ELIGIBLE,
            is_cancelled=False,
            ends_at__gt=timezone.now(),
        )
        .select_related("cohort__round__course", "unit")
        .order_by("starts_at")
    )


@dataclass
class SheetRow:
    """One person on an attendance sheet; ``visitor_from`` names a visitor's own cohort."""

    enrollment: Enrollment
    visitor_from: Cohort | None = None

    @property
    def enrollment_id(self) -> int:
        return self.enrollment.pk


def attendance_sheet(*, meeting: Meeting) -> tuple[list[SheetRow], dict[int, str]]:
    """Who is due at the meeting and what has been recorded for each, by enrollment id.

    Members visiting another cohort's meeting that week are left out (their host
    records them); visitors from other cohorts are added, after the members.
    """
    away = visiting_elsewhere(meeting=meeting).values("enrollment_id")
    rows = [
        SheetRow(placement.enrollment)
        for placement in members()
        .filter(cohort_id=meeting.cohort_id)
        .exclude(enrollment_id__in=away)
    ]
    visits = (
        visits_to([meeting.pk])
        .exclude(enrollment__status__in=Enrollment.GONE)
        .select_related("enrollment__user", "from_cohort")
        .order_by("enrollment__user__display_name", "enrollment__user__email")
    )
    rows += [SheetRow(visit.enrollment, visit.from_cohort) for visit in visits]
    recorded = dict(
        Attendance.objects.filter(meeting=meeting).values_list("enrollment_id", "status")
    )
    return rows, recorded


@dataclass
class Absent:
    """Someone whose availability does not hold a proposed meeting time."""

    enrollment: Enrollment
    role: str
    could_before: bool


def move_check(*, meeting: Meeting, starts_at: datetime) -> list[Absent]:
    """Who due at the meeting could not attend it at ``starts_at`` (the live check).

    Facilitators (or the substitute) and participants, each saying whether the
    meeting's present time suits them. Four queries.
    """
    sheet, _ = attendance_sheet(meeting=meeting)
    people = [(row.enrollment, "participant") for row in sheet]
    if meeting.substitute_id:
        people.insert(0, (meeting.substitute, "substitute"))
    else:
        leads = Enrollment.objects.filter(facilitated_cohorts=meeting.cohort_id).eligible()
        people[:0] = [(lead, "facilitator") for lead in leads.select_related("user", "round")]
    ids = [enrollment.pk for enrollment, _ in people]
    intervals: dict[int, list] = {pk: [] for pk in ids}
    for owner, start, end in AvailabilitySlot.objects.filter(enrollment_id__in=ids).values_list(
        "enrollment_id", "start", "end"
    ):
        intervals[owner].append((start, end))
    minutes = int((meeting.ends_at - meeting.starts_at).total_seconds() // 60)
    absent = []
    for enrollment, role in people:
        enrollment.round = meeting.cohort.round

        def free(moment, enrollment=enrollment):
            return free_at(
                enrollment=enrollment,
                intervals=intervals[enrollment.pk],
                starts_at=moment,
                minutes=minutes,
            )

        if not free(starts_at):
            absent.append(Absent(enrollment, role, free(meeting.starts_at)))
    return absent


def substitute_choices(*, cohort: Cohort) -> QuerySet[Enrollment]:
    """The round's facilitators who could cover one of the cohort's meetings."""
    return (
        Enrollment.objects.filter(round_id=cohort.round_id)
        .facilitators()
        .eligible()
        .exclude(facilitated_cohorts=cohort)
        .select_related("user")
        .order_by("user__display_name", "user__email")
    )


def changes_of(*, cohort: Cohort, limit: int = 50) -> list[Change]:
    """The cohort's history, newest first: what changed, to whom, by whom and why."""
    return list(
        Change.objects.filter(Q(cohort=cohort) | Q(other_cohort=cohort))
        .select_related("cohort", "other_cohort", "meeting__unit", "enrollment__user", "actor")
        .order_by("-created_at", "-pk")[:limit]
    )


def member_for_facilitator(*, cohort: Cohort, enrollment_pk: int) -> Enrollment:
    """A current participant of a cohort the viewer may run, with their availability."""
    try:
        return (
            Enrollment.objects.current()
            .select_related("user", "round")
            .prefetch_related(
                Prefetch("availability", queryset=AvailabilitySlot.objects.order_by("start"))
            )
            .get(pk=enrollment_pk, placement__cohort=cohort)
        )
    except Enrollment.DoesNotExist:
        raise Http404("No such member.") from None


@dataclass
class MoveCandidate:
    cohort: Cohort
    size_after: int
    max_size: int
    fits_availability: bool
    slot: datetime

    @property
    def is_full(self) -> bool:
        return self.size_after > self.max_size


def move_candidates(*, enrollment: Enrollment, current: Cohort) -> list[MoveCandidate]:
    """The other cohorts of the round, each with the size after a move and an availability check.

    Availability is checked the way grouping checks it: the person's UTC week
    intervals must hold the whole meeting starting at the cohort's slot.
    """
    round = current.round
    cohorts = (
        Cohort.objects.filter(round=round)
        .exclude(pk=current.pk)
        .with_member_count()
        .order_by("name")
    )
    intervals = [(slot.start, slot.end) for slot in enrollment.availability.all()]
    week_of = max(round.starts_on, timezone.now().date())
    return [
        MoveCandidate(
            cohort=cohort,
            size_after=cohort.member_count + 1,
            max_size=round.cohort_max_size,
            fits_availability=weekgrid.covers(intervals, cohort.slot_start, round.meeting_minutes),
            slot=regular_slot(cohort, week_of=week_of),
        )
        for cohort in cohorts
    ]


# Participants ----------------------------------------------------------------


@dataclass
class MemberView:
    """One of the viewer's cohorts as "My cohort" shows it."""

    cohort: Cohort
    members: list[Placement]
    facilitators: list[Enrollment]
    meetings: list[Meeting]
    next_meeting: Meeting | None
    slot: datetime
    viewer_facilitates: bool

    @property
    def prepare_unit(self) -> Unit | None:
        return self.next_meeting.unit if self.next_meeting else None


def my_cohorts(*, user) -> list[MemberView]:
    """The published cohorts the person is in or facilitates, with people and meetings.

    A person can be in rounds of several courses at once, so this is a list.
    Draft cohorts are left out: grouping may still change them.
    """
    cohorts = (
        Cohort.objects.filter(published_at__isnull=False)
        .filter(Q(pk__in=_member_cohort_ids(user)) | Q(pk__in=Cohort.objects.led_by(user)))
        .select_related("round__course")
        .prefetch_related(
            Prefetch("placements", queryset=members(), to_attr="member_list"),
            Prefetch("facilitators", queryset=_facilitator_enrollments(), to_attr="leads"),
            Prefetch(
                "meetings",
                queryset=Meeting.objects.select_related("unit__course").order_by("starts_at"),
                to_attr="meeting_list",
            ),
        )
        .order_by("-round__starts_on", "round__pk", "name")
    )
    views = []
    for cohort in cohorts:
        next_meeting = _next_meeting(cohort.meeting_list)
        views.append(
            MemberView(
                cohort=cohort,
                members=cohort.member_list,
                facilitators=cohort.leads,
                meetings=cohort.meeting_list,
                next_meeting=next_meeting,
                slot=_slot_for(cohort, next_meeting),
                viewer_facilitates=any(lead.user_id == user.pk for lead in cohort.leads),
            )
        )
    return views


# Calendar feed ---------------------------------------------------------------


def calendar_feed_by_token(*, token: str) -> CalendarFeed:
    try:
        return CalendarFeed.objects.select_related("user").get(token=token)
    except CalendarFeed.DoesNotExist:
        raise Http404("No such calendar.") from None


def calendar_meetings(*, user) -> QuerySet[Meeting]:
    """Every meeting of the published cohorts the person is in or leads, cancelled ones too.

    Cancelled meetings stay in the feed, marked as such, so that calendars
    which already hold them learn of the cancellation. A one-meeting visit puts
    the host's meeting in the feed instead of the person's own cohort's meeting
    of that unit; a meeting the person covers as a substitute is in it too.
    """
    mine = Enrollment.objects.filter(user=user).participants().current()
    visits = Switch.objects.filter(enrollment__in=mine, status=Switch.Status.APPROVED).exclude(
        meeting=None
    )
    skipped = Meeting.objects.filter(
        Exists(
            visits.filter(
                from_cohort_id=OuterRef("cohort_id"), meeting__unit_id=OuterRef("unit_id")
            )
        )
    )
    return (
        Meeting.objects.filter(cohort__published_at__isnull=False)
        .filter(
            (Q(cohort_id__in=_member_cohort_ids(user)) & ~Q(pk__in=skipped))
            | Q(cohort__in=Cohort.objects.led_by(user))
            | Q(pk__in=visits.values("meeting_id"))
            | Q(substitute__user=user, substitute__status__in=Enrollment.ELIGIBLE)
        )
        .select_related("cohort__round__course", "unit__course", "substitute__user")
        .annotate(viewer_leads=Exists(Cohort.objects.led_by(user).filter(pk=OuterRef("cohort_id"))))
        .order_by("starts_at", "pk")
    )


def calendar_deadlines(*, user) -> QuerySet[RoundUnit]:
    """When the work of each unit is due, in the rounds the person takes part in."""
    return (
        RoundUnit.objects.filter(
            round__enrollments__in=Enrollment.objects.filter(user=user).taking_part()
        )
        .select_related("round__course", "unit__course")
        .order_by("due_at", "pk")
    )


# Switching cohort, by the participant ------------------------------------------------


def own_placement(*, user, pk: int | None = None) -> Placement:
    """The person's placement in a published cohort (the one given, or their only one).

    Only the person themselves switches: nobody acts here on someone else's behalf.
    """
    placements = (
        Placement.objects.filter(
            enrollment__user=user,
            enrollment__role=Enrollment.Role.PARTICIPANT,
            enrollment__status__in=Enrollment.ELIGIBLE,
            cohort__published_at__isnull=False,
        )
        .select_related("cohort__round__course", "enrollment__user", "enrollment__round")
        .order_by("-cohort__round__starts_on")
    )
    placement = placements.filter(pk=pk).first() if pk else placements.first()
    if placement is None:
        raise Http404("You are in no cohort you could switch from.")
    return placement


def busiest_visits(cohort_ids) -> dict[int, int]:
    """For each cohort, the most visitors any one of its meetings still to come expects."""
    busiest: dict[int, int] = {}
    for cohort_id, visitors in (
        Switch.objects.filter(
            meeting__cohort_id__in=cohort_ids,
            meeting__starts_at__gt=timezone.now(),
            status=Switch.Status.APPROVED,
        )
        .exclude(enrollment__status__in=Enrollment.GONE)
        .values("meeting__cohort_id", "meeting_id")
        .annotate(visitors=Count("pk"))
        .values_list("meeting__cohort_id", "visitors")
    ):
        busiest[cohort_id] = max(busiest.get(cohort_id, 0), visitors)
    return busiest


def seats_taken(*, cohort: Cohort, meeting: Meeting | None = None) -> int:
    """How full a cohort is: for good, its members plus the visitors of its busiest meeting
    still to come; for one meeting, those due at it (members not away, and visitors)."""
    members = Placement.objects.filter(cohort=cohort).current().count()
    if meeting is None:
        return members + busiest_visits([cohort.pk]).get(cohort.pk, 0)
    away = visiting_elsewhere(meeting=meeting).exclude(enrollment__status__in=Enrollment.GONE)
    visitors = visits_to([meeting.pk]).exclude(enrollment__status__in=Enrollment.GONE)
    return members - away.count() + visitors.count()


@dataclass
class SwitchOption:
    """Another cohort (for one meeting: its meeting of the same unit) and whether it is
    offered; ``why_not`` says why not, for the page to tell the person."""

    cohort: Cohort
    starts_at: datetime
    taken: int
    max_size: int
    fits: bool
    meeting: Meeting | None = None

    @property
    def has_room(self) -> bool:
        return self.taken + 1 <= self.max_size

    @property
    def is_offered(self) -> bool:
        return self.fits and self.has_room

    @property
    def why_not(self) -> str:
        reasons = []
        if not self.fits:
            reasons.append("it meets at a time your availability does not cover")
        if not self.has_room:
            reasons.append(f"it is full ({self.taken} of {self.max_size})")
        return " and ".join(reasons)


def _intervals(enrollment: Enrollment) -> list:
    return [(slot.start, slot.end) for slot in enrollment.availability.all()]


def switch_options(*, placement: Placement) -> list[SwitchOption]:
    """The round's other published cohorts, for switching for the rest of the round.

    Four queries however many cohorts: cohorts with member counts, visitors, availability.
    """
    return cohort_options(enrollment=placement.enrollment, exclude=placement.cohort)


def cohort_options(*, enrollment: Enrollment, exclude: Cohort | None = None) -> list[SwitchOption]:
    """The published cohorts of the person's round (but ``exclude``), each with its room
    and whether its weekly meeting fits the person's availability."""
    round = enrollment.round
    cohorts = list(
        Cohort.objects.published()
        .filter(round=round)
        .exclude(pk=exclude.pk if exclude else None)
        .with_member_count()
        .order_by("name")
    )
    busiest = busiest_visits([c.pk for c in cohorts])
    intervals = _intervals(enrollment)
    week_of = max(round.starts_on, timezone.now().date())
    return [
        SwitchOption(
            cohort=cohort,
            starts_at=regular_slot(cohort, week_of=week_of),
            taken=cohort.member_count + busiest.get(cohort.pk, 0),
            max_size=round.cohort_max_size,
            fits=weekgrid.covers(intervals, cohort.slot_start, round.meeting_minutes),
        )
        for cohort in cohorts
    ]


def own_enrollment(*, user, slug: str) -> Enrollment:
    """The person's own participant place in a round, for leaving, coming back or deferring."""
    try:
        return (
            Enrollment.objects.participants()
            .select_related("round__course", "user", "placement__cohort")
            .get(user=user, round__slug=slug)
        )
    except Enrollment.DoesNotExist:
        raise Http404("You have no place in this round.") from None


def own_meetings_ahead(*, placement: Placement) -> list[Meeting]:
    """The person's own cohort's meetings still to come, not cancelled."""
    return list(
        placement.cohort.meetings.filter(is_cancelled=False, starts_at__gt=timezone.now())
        .select_related("unit")
        .order_by("starts_at")
    )


def visit_options(*, placement: Placement, meeting: Meeting) -> list[SwitchOption]:
    """Other published cohorts' meetings of the same unit as ``meeting`` (the person's own),
    still to come, for joining one of them instead that week. Five queries."""
    current = placement.cohort
    round = current.round
    hosts = list(
        Meeting.objects.filter(
            cohort__round=round,
            cohort__published_at__isnull=False,
            unit_id=meeting.unit_id,
            is_cancelled=False,
            starts_at__gt=timezone.now(),
        )
        .exclude(cohort=current)
        .select_related("cohort")
        .annotate(
            member_count=Count(
                "cohort__placements",
                filter=~Q(cohort__placements__enrollment__status__in=Enrollment.GONE),
                distinct=True,
            )
        )
        .order_by("starts_at", "cohort__name")
    )
    live = ~Q(enrollment__status__in=Enrollment.GONE)
    visitors = dict(
        Switch.objects.filter(live, meeting__in=hosts, status=Switch.Status.APPROVED)
        .values("meeting_id")
        .annotate(n=Count("pk"))
        .values_list("meeting_id", "n")
    )
    away = dict(
        Switch.objects.filter(
            live,
            from_cohort__in=[host.cohort_id for host in hosts],
            meeting__unit_id=meeting.unit_id,
            status=Switch.Status.APPROVED,
        )
        .values("from_cohort_id")
        .annotate(n=Count("pk"))
        .values_list("from_cohort_id", "n")
    )
    enrollment = placement.enrollment
    intervals = _intervals(enrollment)
    minutes = round.meeting_minutes
    return [
        SwitchOption(
            cohort=host.cohort,
            starts_at=host.starts_at,
            taken=host.member_count - away.get(host.cohort_id, 0) + visitors.get(host.pk, 0),
            max_size=round.cohort_max_size,
            fits=free_at(
                enrollment=enrollment,
                intervals=intervals,
                starts_at=host.starts_at,
                minutes=minutes,
            ),
            meeting=host,
        )
        for host in hosts
    ]


def switches_of(*, enrollment: Enrollment) -> list[Switch]:
    return list(
        Switch.objects.filter(enrollment=enrollment)
        .select_related("to_cohort", "meeting__unit")
        .order_by("-requested_at")[:10]
    )


def switch_for_decider(*, user, pk: int) -> Switch:
    """A request to join a cohort the person runs (facilitators of the cohort joined, lead
    facilitators of its round, staff); anyone else's is a 404."""
    try:
        return Switch.objects.select_related(
            "enrollment__user",
            "enrollment__round",
            "from_cohort",
            "to_cohort__round",
            "meeting__unit",
        ).get(pk=pk, to_cohort__in=cohorts_answerable_by(user))
    except Switch.DoesNotExist:
        raise Http404("No such request.") from None


def pending_switches_for(*, user) -> QuerySet[Switch]:
    """Requests waiting for this person's answer, oldest first."""
    return (
        Switch.objects.filter(
            status=Switch.Status.PENDING, to_cohort__in=cohorts_answerable_by(user)
        )
        # The page names each request's round, whose name includes its course.
        .select_related(
            "enrollment__user", "from_cohort", "to_cohort__round__course", "meeting__unit"
        )
        .order_by("requested_at")
    )


def visits_ahead(*, user) -> QuerySet[Switch]:
    """The person's approved one-meeting visits still to come."""
    return (
        Switch.objects.filter(
            enrollment__user=user,
            enrollment__status__in=Enrollment.ELIGIBLE,
            status=Switch.Status.APPROVED,
            meeting__starts_at__gt=timezone.now(),
        )
        .select_related("to_cohort", "from_cohort", "meeting__unit__course")
        .order_by("meeting__starts_at")
    )
