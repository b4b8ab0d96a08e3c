"""Reads for the cohort pages and the calendar feed, each page at a fixed number of queries.

Who may see what is decided here, by the querysets the views fetch through:
a facilitator's cohorts are those they lead (staff see every cohort), and a
participant's are the published cohorts they are placed in. Anything outside
those querysets is a 404, whether it exists or not.
"""

import calendar
from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from apps.cohorts.models import Attendance, CalendarFeed, Cohort, Meeting, Placement
from apps.courses.models import Unit
from apps.rounds import weekgrid
from apps.rounds.models import AvailabilitySlot, Enrollment, Round, RoundUnit


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


def slot_label(cohort: Cohort) -> str:
    """The cohort's slot as its anchor zone keeps it, e.g. "Tuesdays 19:00 (Europe/London)"."""
    return f"{calendar.day_name[cohort.weekday]}s {cohort.local_time:%H:%M} ({cohort.time_zone})"


# Facilitators and staff ------------------------------------------------------


def cohorts_visible_to(user) -> QuerySet[Cohort]:
    """Cohorts a person may run: those they facilitate, or all of them for staff."""
    if user.is_staff:
        return Cohort.objects.all()
    return Cohort.objects.led_by(user)


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
        cohort.meetings.select_related("unit__course")
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
    )


def _next_meeting(meetings: list[Meeting]) -> Meeting | None:
    """The first meeting not yet over and not cancelled (a meeting under way counts)."""
    now = timezone.now()
    return next((m for m in meetings if not m.is_cancelled and m.ends_at > now), None)


def _slot_for(cohort: Cohort, next_meeting: Meeting | None) -> datetime:
    if next_meeting is not None:
        return next_meeting.starts_at
    return regular_slot(cohort, week_of=max(cohort.round.starts_on, timezone.now().date()))


def meeting_for_facilitator(*, user, cohort_pk: int, pk: int) -> Meeting:
    try:
        return Meeting.objects.select_related("cohort__round__course", "unit__course").get(
            pk=pk, cohort_id=cohort_pk, cohort__in=cohorts_visible_to(user)
        )
    except Meeting.DoesNotExist:
        raise Http404("No such meeting.") from None


def attendance_sheet(*, meeting: Meeting) -> tuple[list[Placement], dict[int, str]]:
    """The meeting's current members and what has been recorded for each, by enrollment id."""
    placements = list(members().filter(cohort_id=meeting.cohort_id))
    recorded = dict(
        Attendance.objects.filter(meeting=meeting).values_list("enrollment_id", "status")
    )
    return placements, recorded


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
    which already hold them learn of the cancellation.
    """
    return (
        Meeting.objects.filter(cohort__published_at__isnull=False)
        .filter(
            Q(cohort_id__in=_member_cohort_ids(user)) | Q(cohort__in=Cohort.objects.led_by(user))
        )
        .select_related("cohort__round__course", "unit__course")
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
