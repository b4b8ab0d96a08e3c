"""Writes to cohorts: forming them, placing people, scheduling and recording meetings."""

import logging
from collections.abc import Mapping
from datetime import time, timedelta

from django.db import transaction
from django.utils import timezone

from apps.accounts.models import User
from apps.accounts.timezones import is_valid_timezone
from apps.cohorts.models import (
    Attendance,
    CalendarFeed,
    Change,
    Cohort,
    Meeting,
    Placement,
    Switch,
    new_calendar_token,
)
from apps.cohorts.selectors import (
    attendance_sheet,
    availability_covers,
    facilitator_users,
    free_at,
    meeting_people,
    seats_taken,
)
from apps.reminders.models import Reminder
from apps.reminders.registry import Planned
from apps.reminders.services import reminders_schedule_many
from apps.rounds import weekgrid
from apps.rounds.models import Enrollment, Round
from apps.rounds.services import (
    RoundError,
    enrollment_defer,
    enrollment_leave,
    enrollment_return,
)

logger = logging.getLogger(__name__)


class CohortError(Exception):
    """A cohort operation that cannot be done, with a message for people."""


def cohort_create(
    *,
    round: Round,
    name: str,
    slot_start: int,
    facilitators: list[Enrollment],
    time_zone: str | None = None,
) -> Cohort:
    """Create a draft cohort meeting at a UTC week minute.

    The slot is anchored in the lead facilitator's zone (or the one given), so
    later meetings keep their local time there across DST changes.
    """
    if any(not f.is_facilitator or f.round_id != round.pk for f in facilitators):
        raise CohortError("Only facilitators of this round can facilitate its cohorts.")
    zone = time_zone or (facilitators[0].user.time_zone if facilitators else "UTC")
    weekday, local_time = weekgrid.slot_in_zone(slot_start, zone=zone, week_of=round.starts_on)
    cohort = Cohort.objects.create(
        round=round,
        name=name,
        slot_start=slot_start % weekgrid.MINUTES_PER_WEEK,
        time_zone=zone,
        weekday=weekday,
        local_time=local_time,
    )
    cohort.facilitators.set(facilitators)
    return cohort


def placement_set(*, enrollment: Enrollment, cohort: Cohort | None) -> None:
    """Put a participant in a cohort of their round, or take them out of any (None)."""
    if cohort is None:
        Placement.objects.filter(enrollment=enrollment).delete()
        return
    if enrollment.is_facilitator:
        raise CohortError("Facilitators lead cohorts; they are not placed in them.")
    if cohort.round_id != enrollment.round_id:
        raise CohortError("That cohort belongs to another round.")
    Placement.objects.update_or_create(enrollment=enrollment, defaults={"cohort": cohort})


@transaction.atomic
def meetings_schedule(*, cohort: Cohort) -> list[Meeting]:
    """Create or move the cohort's meeting for each unit in the round's schedule.

    Each meeting falls in its unit's week at the cohort's local weekday and
    time, converted to UTC with that week's offset. Meetings already held are
    left where they were, and so is one whose new time would already be past.
    """
    now = timezone.now()
    length = timedelta(minutes=cohort.round.meeting_minutes)
    # A meeting moved on its own stays where its facilitator put it.
    moved_alone = set(
        Change.objects.filter(meeting__cohort=cohort, kind=Change.Kind.MOVE).values_list(
            "meeting_id", flat=True
        )
    )
    meetings = []
    for entry in cohort.round.schedule.select_related("unit"):
        starts_at = weekgrid.occurrence(
            zone=cohort.time_zone,
            weekday=cohort.weekday,
            local_time=cohort.local_time,
            week_of=entry.week_starts_on,
        )
        meeting, created = Meeting.objects.get_or_create(
            cohort=cohort,
            unit=entry.unit,
            defaults={"starts_at": starts_at, "ends_at": starts_at + length},
        )
        moved = (meeting.starts_at, meeting.ends_at) != (starts_at, starts_at + length)
        # Only a meeting still to come moves, and never into the past: people
        # cannot attend a meeting that has already happened.
        if (
            not created
            and moved
            and meeting.pk not in moved_alone
            and meeting.starts_at > now
            and starts_at > now
        ):
            meeting.starts_at, meeting.ends_at = starts_at, starts_at + length
            meeting.sequence += 1
            meeting.save(update_fields=["starts_at", "ends_at", "sequence"])
            _forget_planned_reminders(meeting)
        meetings.append(meeting)
    return meetings


@transaction.atomic
def cohort_publish(*, cohort: Cohort) -> None:
    """Make a draft cohort visible to its members and put its meetings in their calendars."""
    if cohort.published_at is None:
        cohort.published_at = timezone.now()
        cohort.save(update_fields=["published_at"])
    meetings_schedule(cohort=cohort)
    Enrollment.objects.filter(placement__cohort=cohort, status=Enrollment.Status.ACCEPTED).update(
        status=Enrollment.Status.ACTIVE, status_changed_at=timezone.now()
    )
    Enrollment.objects.filter(facilitated_cohorts=cohort, status=Enrollment.Status.ACCEPTED).update(
        status=Enrollment.Status.ACTIVE, status_changed_at=timezone.now()
    )


def cohort_slot_start(*, round: Round, time_zone: str, weekday: int, local_time: time) -> int:
    """The UTC week minute of a local slot during the round's first week, as grouping uses."""
    minute = local_time.hour * 60 + local_time.minute
    return weekgrid.local_to_week_minute(time_zone, round.starts_on, weekday, minute)


@transaction.atomic
def cohort_reschedule(
    *, cohort: Cohort, weekday: int, local_time: time, time_zone: str | None = None
) -> Cohort:
    """Move a cohort's weekly slot to another local weekday and time (and zone).

    Meetings still to come move to the new slot; those already held stay as
    they were, so their attendance keeps its date.
    """
    if not 0 <= weekday <= 6:
        raise CohortError("Pick a weekday from Monday to Sunday.")
    zone = time_zone or cohort.time_zone
    if not is_valid_timezone(zone):
        raise CohortError(f"“{zone}” is not a time zone we know.")
    cohort.time_zone = zone
    cohort.weekday = weekday
    cohort.local_time = local_time.replace(second=0, microsecond=0)
    cohort.slot_start = cohort_slot_start(
        round=cohort.round, time_zone=zone, weekday=weekday, local_time=cohort.local_time
    )
    cohort.save(update_fields=["time_zone", "weekday", "local_time", "slot_start"])
    if cohort.is_published:
        meetings_schedule(cohort=cohort)
    return cohort


class UnavailableSlotError(CohortError):
    """The participant's availability does not cover the cohort's meeting slot."""


@transaction.atomic
def cohort_move_participant(
    *, enrollment: Enrollment, to: Cohort, by: User | None, allow_unavailable: bool = False
) -> Placement:
    """Move a participant into another cohort of their round.

    Refused when it would take the cohort past the round's maximum size. When
    the person's availability does not cover the new slot, the move needs
    `allow_unavailable` (the person may have told the facilitator otherwise).
    """
    if enrollment.is_facilitator:
        raise CohortError("Facilitators lead cohorts; they are not moved between them.")
    if enrollment.is_gone:
        raise CohortError(f"{enrollment.user.name} has left the round; they cannot be moved.")
    if to.round_id != enrollment.round_id:
        raise CohortError("That cohort belongs to another round.")
    # Lock the target so two moves into its last seat cannot both succeed.
    to = Cohort.objects.select_for_update().select_related("round").get(pk=to.pk)
    current = Placement.objects.filter(enrollment=enrollment).first()
    if current is not None and current.cohort_id == to.pk:
        raise CohortError(f"{enrollment.user.name} is already in {to.name}.")
    size_after = to.placements.current().count() + 1
    if size_after > to.round.cohort_max_size:
        raise CohortError(
            f"{to.name} already has {size_after - 1} participants; moving "
            f"{enrollment.user.name} would take it past the maximum of "
            f"{to.round.cohort_max_size}."
        )
    if not allow_unavailable and not availability_covers(enrollment=enrollment, cohort=to):
        raise UnavailableSlotError(
            f"{enrollment.user.name}'s availability does not cover {to.name}'s meeting time. "
            "Confirm with “move anyway” if they can attend all the same."
        )
    placement, _ = Placement.objects.update_or_create(
        enrollment=enrollment, defaults={"cohort": to}
    )
    # Visits planned from the old cohort no longer make sense from the new one.
    _visits_ahead_withdraw(enrollment)
    # Excused-in-advance notes for the old cohort's meetings no longer apply;
    # what was recorded for meetings already held stays as history.
    Attendance.objects.filter(enrollment=enrollment, meeting__starts_at__gt=timezone.now()).exclude(
        meeting__cohort=to
    ).delete()
    if to.is_published and enrollment.status == Enrollment.Status.ACCEPTED:
        enrollment.status = Enrollment.Status.ACTIVE
        enrollment.status_changed_at = timezone.now()
        enrollment.save(update_fields=["status", "status_changed_at"])
    # Placements keep no history of their own; the log says who moved whom.
    logger.info(
        "Enrollment %s moved from cohort %s to %s by user %s",
        enrollment.pk,
        current.cohort_id if current else None,
        to.pk,
        by.pk if by else None,
    )
    return placement


def _visits_ahead_withdraw(enrollment: Enrollment) -> None:
    """Call off the person's one-meeting visits still to come."""
    Switch.objects.filter(
        enrollment=enrollment,
        status=Switch.Status.APPROVED,
        meeting__starts_at__gt=timezone.now(),
    ).update(status=Switch.Status.WITHDRAWN)


@transaction.atomic
def enrollment_drop(*, enrollment: Enrollment, by: User | None) -> Enrollment:
    """Record that a participant has dropped out of their round.

    The placement is kept, so the cohort page can still say who was in it and
    the attendance already recorded keeps its context; every membership list
    leaves dropped people out. Attendance noted for meetings still to come
    is removed.
    """
    if enrollment.is_facilitator:
        raise CohortError("Only participants can be marked as dropped out here.")
    if enrollment.status == Enrollment.Status.DROPPED:
        return enrollment
    enrollment.status = Enrollment.Status.DROPPED
    enrollment.status_changed_at = timezone.now()
    enrollment.save(update_fields=["status", "status_changed_at"])
    Attendance.objects.filter(enrollment=enrollment, meeting__starts_at__gt=timezone.now()).delete()
    logger.info("Enrollment %s dropped by user %s", enrollment.pk, by.pk if by else None)
    return enrollment


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, statuses: Mapping[int, str], by: User | None
) -> list[Attendance]:
    """Record present, absent or excused for the people due at the meeting, in one go.

    They are the cohort's members and any visitors from other cohorts that week.

    `statuses` maps enrollment ids to an Attendance.Status value; members left
    out keep what was recorded for them before. Before a meeting starts only
    "excused" can be recorded, since nobody can yet have come or stayed away.
    """
    if meeting.is_cancelled:
        raise CohortError("This meeting was cancelled, so there is no attendance to record.")
    valid = set(Attendance.Status.values)
    if any(status not in valid for status in statuses.values()):
        raise CohortError("Attendance is present, absent or excused.")
    due = {row.enrollment_id for row in attendance_sheet(meeting=meeting)[0]}
    strangers = set(statuses) - due
    if strangers:
        raise CohortError(
            "Someone in this list is no longer due at this meeting; reload the page and try again."
        )
    if meeting.starts_at > timezone.now() and any(
        status != Attendance.Status.EXCUSED for status in statuses.values()
    ):
        raise CohortError(
            "This meeting has not started yet; until it does you can only mark people excused."
        )
    rows = [
        Attendance(meeting=meeting, enrollment_id=enrollment_id, status=status, recorded_by=by)
        for enrollment_id, status in sorted(statuses.items())
    ]
    return Attendance.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["meeting", "enrollment"],
        update_fields=["status", "recorded_by", "recorded_at"],
    )


# History and notices -----------------------------------------------------------------


def change_record(
    *,
    kind: str,
    round: Round,
    by: User | None,
    cohort: Cohort | None = None,
    other_cohort: Cohort | None = None,
    meeting: Meeting | None = None,
    enrollment: Enrollment | None = None,
    reason: str = "",
    starts_before=None,
    starts_after=None,
) -> Change:
    """Keep a change in the round's history and tell the facilitators of the cohorts it touches.

    The person who made the change is not told of it.
    """
    change = Change.objects.create(
        kind=kind,
        round=round,
        cohort=cohort,
        other_cohort=other_cohort,
        meeting=meeting,
        enrollment=enrollment,
        actor=by,
        reason=reason.strip(),
        starts_before=starts_before,
        starts_after=starts_after,
    )
    cohorts = [c for c in (cohort, other_cohort) if c is not None]
    told = facilitator_users(cohorts=cohorts)
    if meeting is not None and meeting.substitute_id:
        told.append(meeting.substitute.user)
    _tell(
        "cohort_change",
        [u for u in told if by is None or u.pk != by.pk],
        occasion=f"change:{change.pk}",
        round=round,
    )
    return change


def _tell(kind: str, users, *, occasion: str, round: Round) -> None:
    """Queue news of a change to each person, once (inside the change's transaction, so
    a change rolled back tells nobody: the rows and in-app notices go with it)."""
    now = timezone.now()
    reminders_schedule_many(
        kind=kind,
        events=[Planned(pk, round.pk, occasion, now) for pk in {u.pk for u in users}],
    )


def _forget_planned_reminders(meeting: Meeting) -> None:
    """Drop the meeting's reminders not yet sent, so planning makes them anew for its new time.

    Planning makes one row per person and occasion; the rows it made for the old time
    would otherwise go out then.
    """
    Reminder.objects.filter(
        occasion__in=[f"meeting:{meeting.pk}", f"attendance:{meeting.pk}"],
        status=Reminder.Status.PENDING,
    ).delete()


def _tell_members(meeting: Meeting) -> None:
    """Tell everyone due at the meeting what has changed, once per change (its sequence)."""
    _tell(
        "meeting_changed",
        meeting_people(meeting=meeting),
        occasion=f"meeting:{meeting.pk}:{meeting.sequence}",
        round=meeting.cohort.round,
    )


def _changeable(meeting: Meeting) -> Meeting:
    """The meeting, locked, if it can still change: not started, not cancelled."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.starts_at <= timezone.now():
        raise CohortError("This meeting has already started, so it can no longer be changed.")
    if meeting.is_cancelled:
        raise CohortError("This meeting is cancelled.")
    return meeting


@transaction.atomic
def meeting_move(*, meeting: Meeting, starts_at, by: User | None, reason: str = "") -> Meeting:
    """Move one meeting to another time, keeping its length; the others stay at the slot.

    Calendar apps see the same event with a higher SEQUENCE, and the meeting's
    reminders are planned again for its new time.
    """
    cohort = meeting.cohort
    meeting = _changeable(meeting)
    if starts_at <= timezone.now():
        raise CohortError("Pick a time that is still to come.")
    if starts_at == meeting.starts_at:
        raise CohortError("The meeting is already at that time.")
    before = meeting.starts_at
    length = meeting.ends_at - meeting.starts_at
    meeting.starts_at, meeting.ends_at = starts_at, starts_at + length
    meeting.sequence += 1
    meeting.save(update_fields=["starts_at", "ends_at", "sequence"])
    _forget_planned_reminders(meeting)
    meeting.cohort = cohort
    change_record(
        kind=Change.Kind.MOVE,
        round=cohort.round,
        cohort=cohort,
        meeting=meeting,
        by=by,
        reason=reason,
        starts_before=before,
        starts_after=starts_at,
    )
    _tell_members(meeting)
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None, reason: str = "") -> Meeting:
    """Cancel one meeting (a holiday, say). It stays in calendars, marked cancelled."""
    cohort = meeting.cohort
    meeting = _changeable(meeting)
    meeting.is_cancelled = True
    meeting.sequence += 1
    meeting.save(update_fields=["is_cancelled", "sequence"])
    meeting.cohort = cohort
    change_record(
        kind=Change.Kind.CANCEL,
        round=cohort.round,
        cohort=cohort,
        meeting=meeting,
        by=by,
        reason=reason,
        starts_before=meeting.starts_at,
    )
    _tell_members(meeting)
    return meeting


@transaction.atomic
def meeting_cover(
    *, meeting: Meeting, substitute: Enrollment | None, by: User | None, reason: str = ""
) -> Meeting:
    """Hand one meeting to a substitute facilitator of the round, or take it back (None).

    The substitute sees the cohort for that meeting only: its attendance sheet and
    the event in their calendar.
    """
    cohort = meeting.cohort
    meeting = _changeable(meeting)
    if substitute is not None:
        if (
            not substitute.is_facilitator
            or substitute.round_id != cohort.round_id
            or substitute.is_gone
        ):
            raise CohortError("A substitute must be a facilitator of this round.")
        if cohort.facilitators.filter(pk=substitute.pk).exists():
            raise CohortError(f"{substitute.user.name} already facilitates {cohort.name}.")
    if meeting.substitute_id == (substitute.pk if substitute else None):
        raise CohortError("Nothing to change: that is already who leads this meeting.")
    meeting.substitute = substitute
    meeting.sequence += 1
    meeting.save(update_fields=["substitute", "sequence"])
    meeting.cohort = cohort
    change_record(
        kind=Change.Kind.COVER,
        round=cohort.round,
        cohort=cohort,
        meeting=meeting,
        # The substitute it went to; none when it went back to the cohort's facilitators.
        # Each entry says which, whatever happens to the meeting later.
        enrollment=substitute,
        by=by,
        reason=reason,
        starts_before=meeting.starts_at,
    )
    _tell_members(meeting)
    return meeting


# Switching cohort, by the participant -------------------------------------------------


def _switch_check(switch: Switch) -> None:
    """Refuse a switch that breaks a rule, with the reason; run with the cohort row locked.

    A switch stays inside the round, goes into a published cohort the person's
    availability fits, never takes it past the round's maximum (visitors count), and
    leaves the person with a cohort (they keep theirs until a switch for good is done).
    """
    enrollment, to = switch.enrollment, switch.to_cohort
    if enrollment.is_facilitator or enrollment.status not in Enrollment.ELIGIBLE:
        raise CohortError("Only participants taking part in the round can switch cohort.")
    placement = Placement.objects.filter(enrollment=enrollment).first()
    if placement is None or placement.cohort_id != switch.from_cohort_id:
        raise CohortError("You are no longer in the cohort this request was made from.")
    if to.round_id != enrollment.round_id:
        raise CohortError("You can only switch to a cohort of your own round.")
    if not to.is_published:
        raise CohortError("That cohort is not open yet.")
    round = to.round
    meeting = switch.meeting
    if meeting is None:
        fits = availability_covers(enrollment=enrollment, cohort=to)
    else:
        if meeting.cohort_id != to.pk or meeting.is_cancelled:
            raise CohortError("That meeting is not one you can join.")
        if meeting.starts_at <= timezone.now():
            raise CohortError("That meeting has already started.")
        fits = free_at(
            enrollment=enrollment,
            intervals=list(enrollment.availability.values_list("start", "end")),
            starts_at=meeting.starts_at,
            minutes=round.meeting_minutes,
        )
    if not fits:
        raise CohortError(f"{to.name} meets at a time your availability does not cover.")
    taken = seats_taken(cohort=to, meeting=meeting)
    if taken + 1 > round.cohort_max_size:
        raise CohortError(
            f"{to.name} is full: {taken} of {round.cohort_max_size} places are taken. "
            "Choose another cohort."
        )


def _lock(cohort: Cohort) -> Cohort:
    """The cohort's row, locked until the transaction ends: everyone taking a place in it
    queues here, so two people cannot both take its last one."""
    return Cohort.objects.select_for_update().select_related("round").get(pk=cohort.pk)


def _switch_apply(switch: Switch, *, by: User | None) -> Switch:
    switch.status = Switch.Status.APPROVED
    switch.decided_by = by
    switch.decided_at = timezone.now()
    switch.save(update_fields=["status", "decided_by", "decided_at"])
    enrollment = switch.enrollment
    if switch.meeting is None:
        cohort_move_participant(
            enrollment=enrollment, to=switch.to_cohort, by=by, allow_unavailable=True
        )
        kind = Change.Kind.SWITCH
    else:
        kind = Change.Kind.VISIT
        Reminder.objects.filter(
            user=enrollment.user,
            kind="meeting_tomorrow",
            status=Reminder.Status.PENDING,
            occasion__in=[
                f"meeting:{pk}"
                for pk in Meeting.objects.filter(
                    cohort_id=switch.from_cohort_id, unit_id=switch.meeting.unit_id
                ).values_list("pk", flat=True)
            ],
        ).delete()
    change_record(
        kind=kind,
        round=switch.to_cohort.round,
        cohort=switch.to_cohort,
        other_cohort=switch.from_cohort,
        meeting=switch.meeting,
        enrollment=enrollment,
        by=by,
        reason=switch.reason,
        starts_after=switch.meeting.starts_at if switch.meeting else None,
    )
    return switch


@transaction.atomic
def switch_request(
    *,
    enrollment: Enrollment,
    to: Cohort,
    meeting: Meeting | None = None,
    reason: str = "",
    by: User,
) -> Switch:
    """A participant asks to join another cohort of their round, for good or (with
    ``meeting``, that cohort's meeting) for one week.

    Where the round lets switches within the rules happen at once, it is done now;
    otherwise it waits for the joined cohort's facilitators or the round's lead
    facilitators, who are told. Either way the rules are checked with the cohort locked.
    """
    if by.pk != enrollment.user_id:
        raise CohortError("Only the participant can ask to switch their own cohort.")
    placement = Placement.objects.filter(enrollment=enrollment).first()
    if placement is None:
        raise CohortError("You are not in a cohort yet.")
    if placement.cohort_id == to.pk:
        raise CohortError(f"You are already in {to.name}.")
    if Switch.objects.filter(enrollment=enrollment, status=Switch.Status.PENDING).exists():
        raise CohortError("You already have a request waiting; withdraw it to make another.")
    if (
        meeting is not None
        and Switch.objects.filter(
            enrollment=enrollment, meeting=meeting, status=Switch.Status.APPROVED
        ).exists()
    ):
        raise CohortError("You are already joining that meeting.")
    to = _lock(to)
    switch = Switch(
        enrollment=enrollment,
        from_cohort_id=placement.cohort_id,
        to_cohort=to,
        meeting=meeting,
        reason=reason.strip(),
    )
    _switch_check(switch)
    switch.save()
    if not to.round.switches_need_approval:
        return _switch_apply(switch, by=by)
    _tell(
        "switch_request",
        facilitator_users(cohorts=[to]),
        occasion=f"switch:{switch.pk}",
        round=to.round,
    )
    return switch


@transaction.atomic
def switch_decide(*, switch: Switch, approve: bool, by: User | None) -> Switch:
    """Approve or decline a waiting request; the participant is told either way.

    Approval checks the rules again, with the cohort locked: the cohort may have
    filled up, or its meeting started, since the request was made.
    """
    _lock(switch.to_cohort)
    switch = Switch.objects.select_for_update().get(pk=switch.pk)
    if switch.status != Switch.Status.PENDING:
        raise CohortError("This request has already been answered or withdrawn.")
    if approve:
        _switch_check(switch)
        _switch_apply(switch, by=by)
    else:
        switch.status = Switch.Status.DECLINED
        switch.decided_by = by
        switch.decided_at = timezone.now()
        switch.save(update_fields=["status", "decided_by", "decided_at"])
    _tell(
        "switch_answered",
        [switch.enrollment.user],
        occasion=f"switch:{switch.pk}",
        round=switch.to_cohort.round,
    )
    return switch


@transaction.atomic
def switch_withdraw(*, switch: Switch, by: User) -> Switch:
    """The participant takes back a request still waiting, or a visit still to come."""
    # Lock the request's row only: PostgreSQL refuses to lock the outer-joined meeting,
    # which a request for good does not have.
    switch = (
        Switch.objects.select_for_update(of=("self",)).select_related("meeting").get(pk=switch.pk)
    )
    if by.pk != switch.enrollment.user_id:
        raise CohortError("Only the participant can withdraw their request.")
    visit_ahead = (
        switch.status == Switch.Status.APPROVED
        and switch.meeting is not None
        and switch.meeting.starts_at > timezone.now()
    )
    if switch.status != Switch.Status.PENDING and not visit_ahead:
        raise CohortError("There is nothing to withdraw.")
    switch.status = Switch.Status.WITHDRAWN
    switch.save(update_fields=["status"])
    return switch


# Late applicants ---------------------------------------------------------------------


@transaction.atomic
def participant_place_late(
    *, enrollment: Enrollment, cohort: Cohort, by: User, allow_unavailable: bool = False
) -> Placement:
    """Place an accepted participant in a cohort after cohorts are published.

    Accepting is admissions' to record (grouping's late page accepts, then places).
    The cohort must be published, of their round, with room (visitors count); its
    meeting must fit their availability unless ``allow_unavailable``. Its facilitators
    are told and the change is kept in its history.
    """
    if enrollment.is_facilitator or enrollment.round_id != cohort.round_id:
        raise CohortError("Only an applicant of this round can be placed in its cohorts.")
    if enrollment.status not in Enrollment.ELIGIBLE:
        raise CohortError(
            f"{enrollment.user.name}'s place is “{enrollment.get_status_display()}”; "
            "only someone accepted into the round can be placed."
        )
    if Placement.objects.filter(enrollment=enrollment, cohort__published_at__isnull=False).exists():
        raise CohortError(f"{enrollment.user.name} is already in a published cohort.")
    cohort = _lock(cohort)
    if not cohort.is_published:
        raise CohortError(f"{cohort.name} is not published; place them on the grouping page.")
    taken = seats_taken(cohort=cohort)
    if taken + 1 > cohort.round.cohort_max_size:
        raise CohortError(f"{cohort.name} is full now ({taken} of {cohort.round.cohort_max_size}).")
    if not allow_unavailable and not availability_covers(enrollment=enrollment, cohort=cohort):
        raise UnavailableSlotError(
            f"{enrollment.user.name}'s availability does not cover {cohort.name}'s meeting time."
        )
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.status_changed_at = timezone.now()
    enrollment.save(update_fields=["status", "status_changed_at"])
    placement, _ = Placement.objects.update_or_create(
        enrollment=enrollment, defaults={"cohort": cohort}
    )
    change = change_record(
        kind=Change.Kind.LATE,
        round=cohort.round,
        cohort=cohort,
        enrollment=enrollment,
        by=by,
    )
    _tell("cohort_placed", [enrollment.user], occasion=f"placed:{change.pk}", round=cohort.round)
    return placement


# Leaving, coming back, deferring ---------------------------------------------------------


def _step_out(enrollment: Enrollment) -> None:
    """What stops when someone leaves the round: requests and visits to come, and notes
    for meetings not yet held. Reminders stop by themselves (every kind skips people no
    longer taking part), and the reviews tick gives their open peer reviews to others."""
    now = timezone.now()
    Switch.objects.filter(enrollment=enrollment, status=Switch.Status.PENDING).update(
        status=Switch.Status.WITHDRAWN
    )
    _visits_ahead_withdraw(enrollment)
    Attendance.objects.filter(enrollment=enrollment, meeting__starts_at__gt=now).delete()


def _cohort_of(enrollment: Enrollment) -> Cohort | None:
    placement = Placement.objects.filter(enrollment=enrollment).select_related("cohort").first()
    return placement.cohort if placement else None


@transaction.atomic
def participant_leave(*, enrollment: Enrollment, by: User, reason: str = "") -> Enrollment:
    """A participant says they are leaving the round, with an optional reason.

    Their placement is kept (the cohort page lists them as gone), so they can come
    back to it while there is room; their facilitators are told.
    """
    try:
        enrollment_leave(enrollment=enrollment)
    except RoundError as error:
        raise CohortError(str(error)) from None
    _step_out(enrollment)
    change_record(
        kind=Change.Kind.LEAVE,
        round=enrollment.round,
        cohort=_cohort_of(enrollment),
        enrollment=enrollment,
        by=by,
        reason=reason,
    )
    return enrollment


@transaction.atomic
def participant_return(*, enrollment: Enrollment, to: Cohort | None, by: User) -> Enrollment:
    """Someone who left comes back within the round, into ``to`` if it has room for them.

    ``to`` is their old cohort or another published cohort of the round; None when they
    had no cohort yet (they wait for grouping, as before they left).
    """
    if to is not None:
        if to.round_id != enrollment.round_id or not to.is_published:
            raise CohortError("Choose a cohort of this round.")
        to = _lock(to)
        taken = seats_taken(cohort=to)
        if taken + 1 > to.round.cohort_max_size:
            raise CohortError(f"{to.name} is full now ({taken} of {to.round.cohort_max_size}).")
    try:
        enrollment_return(enrollment=enrollment, placed=to is not None)
    except RoundError as error:
        raise CohortError(str(error)) from None
    if to is not None:
        Placement.objects.update_or_create(enrollment=enrollment, defaults={"cohort": to})
    change_record(
        kind=Change.Kind.RETURN,
        round=enrollment.round,
        cohort=to,
        enrollment=enrollment,
        by=by,
    )
    return enrollment


@transaction.atomic
def participant_defer(*, enrollment: Enrollment, by: User, reason: str = "") -> Enrollment:
    """A participant moves to the course's next round, keeping their application; returns
    their enrollment in that round."""
    cohort = _cohort_of(enrollment)
    try:
        later = enrollment_defer(enrollment=enrollment)
    except RoundError as error:
        raise CohortError(str(error)) from None
    _step_out(enrollment)
    change_record(
        kind=Change.Kind.DEFER,
        round=enrollment.round,
        cohort=cohort,
        enrollment=enrollment,
        by=by,
        reason=reason,
    )
    return later


def calendar_feed_ensure(*, user: User) -> CalendarFeed:
    """The person's calendar feed, created with a fresh secret the first time it is needed."""
    feed, _ = CalendarFeed.objects.get_or_create(user=user)
    return feed


def calendar_feed_reset(*, user: User) -> CalendarFeed:
    """Give the person's feed a new secret address; the old one stops working at once."""
    feed, created = CalendarFeed.objects.get_or_create(user=user)
    if not created:
        feed.token = new_calendar_token()
        feed.save(update_fields=["token", "created_at"])
    return feed
