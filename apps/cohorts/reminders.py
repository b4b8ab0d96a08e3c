"""Reminders about cohort meetings (the one tomorrow, attendance nobody recorded) and notices
of changes to a running round (a meeting moved, cancelled or handed over; a switch; someone
leaving or placed late)."""

from collections import defaultdict
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.urls import reverse

from apps.cohorts.models import Attendance, Change, Cohort, Meeting, Placement, Switch
from apps.cohorts.selectors import meeting_people
from apps.courses.models import Exercise, Resource, ResourceCompletion
from apps.reminders.registry import (
    FACILITATOR,
    MAX_LEAD,
    PARTICIPANT,
    Kind,
    Outcome,
    Planned,
    register,
)
from apps.rounds.models import Enrollment
from apps.submissions.models import Submission


def _meeting_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def lead_facilitators(cohort_ids) -> dict[int, list[Enrollment]]:
    """The facilitators still taking part in each cohort, by cohort id."""
    leads = defaultdict(list)
    links = Cohort.facilitators.through.objects.filter(cohort_id__in=cohort_ids).select_related(
        "enrollment"
    )
    for link in links:
        if link.enrollment.is_taking_part:
            leads[link.cohort_id].append(link.enrollment)
    return leads


# Meeting tomorrow ----------------------------------------------------------------


def plan_meeting_tomorrow(window, hours):
    """Everyone placed in a published cohort, `hours` before each meeting."""
    meetings = Meeting.objects.filter(
        is_cancelled=False,
        cohort__published_at__isnull=False,
        starts_at__gt=window.start,
        starts_at__lte=window.end + MAX_LEAD,
    ).select_related("cohort")
    due = {}
    for meeting in meetings:
        lead = hours(meeting.cohort.round_id)
        if lead is None:
            continue
        remind_at = meeting.starts_at - timedelta(hours=lead)
        if window.start < remind_at <= window.end:
            due[meeting] = remind_at
    members = defaultdict(list)
    placements = Placement.objects.filter(
        cohort_id__in={meeting.cohort_id for meeting in due},
        enrollment__status__in=Enrollment.TAKING_PART,
    ).select_related("enrollment")
    for placement in placements:
        members[placement.cohort_id].append(placement.enrollment)
    visitors, away = _visits(due)
    for meeting, due_at in due.items():
        people = [
            e.user_id
            for e in members[meeting.cohort_id]
            if (meeting.cohort_id, meeting.unit_id, e.pk) not in away
        ] + [e.user_id for e in visitors[meeting.pk]]
        for user_id in people:
            yield Planned(user_id, meeting.cohort.round_id, f"meeting:{meeting.pk}", due_at)


def _visits(meetings) -> tuple[dict[int, list[Enrollment]], set[tuple[int, int, int]]]:
    """Approved one-meeting visits touching these meetings (one query): the visitors of
    each meeting, and (cohort, unit, enrollment) for members away at another cohort's."""
    meetings = list(meetings)
    visits = (
        Switch.objects.filter(
            status=Switch.Status.APPROVED, enrollment__status__in=Enrollment.TAKING_PART
        )
        .filter(
            Q(meeting__in=meetings)
            | Q(
                from_cohort_id__in={m.cohort_id for m in meetings},
                meeting__unit_id__in={m.unit_id for m in meetings},
            )
        )
        .select_related("enrollment", "meeting")
    )
    visitors, away = defaultdict(list), set()
    for visit in visits:
        visitors[visit.meeting_id].append(visit.enrollment)
        away.add((visit.from_cohort_id, visit.meeting.unit_id, visit.enrollment_id))
    return visitors, away


def check_meeting_tomorrow(reminders, now):
    """Still on and still a member; with the readings not done and each exercise's state."""
    # No query here needs the models' default orderings; leaving them out spares the joins
    # they bring (a placement sorts by its cohort's round and name and its person's email).
    meetings = (
        Meeting.objects.select_related("cohort", "unit__course")
        .order_by()
        .in_bulk([_meeting_id(r) for r in reminders])
    )
    users = {r.user_id for r in reminders}
    members = {
        (p.cohort_id, p.enrollment.user_id): p.enrollment
        for p in Placement.objects.filter(
            cohort_id__in={m.cohort_id for m in meetings.values()}, enrollment__user_id__in=users
        )
        .select_related("enrollment")
        .order_by()
    }
    visitors, away = _visits(meetings.values())
    guests = {(pk, e.user_id): e for pk, people in visitors.items() for e in people}
    units = {m.unit_id for m in meetings.values()}
    readings = defaultdict(list)
    for resource in Resource.objects.filter(unit_id__in=units, is_core=True).order_by("position"):
        readings[resource.unit_id].append(resource)
    done = set(
        ResourceCompletion.objects.filter(
            user_id__in=users, resource__unit_id__in=units
        ).values_list("user_id", "resource_id")
    )
    exercises = defaultdict(list)
    for exercise in Exercise.objects.filter(unit_id__in=units).order_by("position"):
        exercises[exercise.unit_id].append(exercise)
    # Only this batch's people: the whole round's submissions would make every batch
    # read as many rows as the round has participants.
    statuses = {
        (user_id, exercise_id): Submission.Status(status).label
        for user_id, exercise_id, status in Submission.objects.filter(
            exercise__unit_id__in=units, enrollment__user_id__in=users
        )
        .order_by()
        .values_list("enrollment__user_id", "exercise_id", "status")
    }
    # One reverse() per session, not one per person.
    links = {m.unit_id: m.unit.get_absolute_url() for m in meetings.values()}
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(_meeting_id(reminder))
        enrollment = meeting and (
            guests.get((meeting.pk, reminder.user_id))
            or members.get((meeting.cohort_id, reminder.user_id))
        )
        if enrollment and (meeting.cohort_id, meeting.unit_id, enrollment.pk) in away:
            enrollment = None  # joining another cohort's meeting that week instead
        if meeting is None or meeting.is_cancelled or not meeting.cohort.is_published:
            outcomes[reminder.pk] = Outcome("the meeting was cancelled")
        elif enrollment is None or not enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer in this cohort")
        elif meeting.starts_at <= now:
            outcomes[reminder.pk] = Outcome("the meeting has already started")
        elif meeting.starts_at - now > timedelta(hours=36):
            # The meeting moved later since planning: remind a day before its new time.
            outcomes[reminder.pk] = Outcome(reschedule_to=meeting.starts_at - timedelta(hours=24))
        else:
            outcomes[reminder.pk] = Outcome(
                context={
                    "meeting": meeting,
                    "cohort": meeting.cohort,
                    "unit": meeting.unit,
                    "readings_left": [
                        r for r in readings[meeting.unit_id] if (reminder.user_id, r.pk) not in done
                    ],
                    "exercises": [
                        (e, statuses.get((reminder.user_id, e.pk), "Not started"))
                        for e in exercises[meeting.unit_id]
                    ],
                },
                url=links[meeting.unit_id],
            )
    return outcomes


# Attendance not recorded -----------------------------------------------------------


def plan_attendance_missing(window, hours):
    """The cohort's facilitators (or the meeting's substitute), `hours` after it ended."""
    meetings = Meeting.objects.filter(
        is_cancelled=False,
        cohort__published_at__isnull=False,
        ends_at__gt=window.start - timedelta(hours=48),
        ends_at__lte=window.end,
    ).select_related("cohort", "substitute")
    leads = lead_facilitators({m.cohort_id for m in meetings})
    for meeting in meetings:
        lead = hours(meeting.cohort.round_id)
        if lead is None:
            continue
        due = meeting.ends_at + timedelta(hours=lead)
        if not window.start < due <= window.end:
            continue
        # A meeting handed to a substitute is theirs to record.
        substitute = meeting.substitute
        if substitute is not None and substitute.is_taking_part:
            recorders = [substitute]
        else:
            recorders = leads[meeting.cohort_id]
        for facilitator in recorders:
            yield Planned(
                facilitator.user_id, meeting.cohort.round_id, f"attendance:{meeting.pk}", due
            )


def check_attendance_missing(reminders, now):
    """Skipped once anyone recorded attendance for the meeting, or if it was cancelled."""
    meetings = Meeting.objects.select_related("cohort", "unit").in_bulk(
        [_meeting_id(r) for r in reminders]
    )
    recorded = set(
        Attendance.objects.filter(meeting_id__in=meetings).values_list("meeting_id", flat=True)
    )
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(_meeting_id(reminder))
        if meeting is None or meeting.is_cancelled:
            outcomes[reminder.pk] = Outcome("the meeting was cancelled")
        elif meeting.pk in recorded:
            outcomes[reminder.pk] = Outcome("attendance has been recorded")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"meeting": meeting},
                url=reverse("cohorts:attendance", args=[meeting.cohort_id, meeting.pk]),
            )
    return outcomes


# A meeting changed ------------------------------------------------------------------


MEETING_CHANGES = (Change.Kind.MOVE, Change.Kind.CANCEL, Change.Kind.COVER)


def check_meeting_changed(reminders, now):
    """Sent while the change is the meeting's latest and the person is still due at it."""
    meetings = Meeting.objects.select_related("cohort__round", "unit", "substitute__user").in_bulk(
        [_meeting_id(r) for r in reminders]
    )
    latest = {}
    # Only changes to the meeting itself: a visit is recorded against the meeting too, and
    # its reason is the visitor's own business, not news for the members.
    for change in Change.objects.filter(meeting_id__in=meetings, kind__in=MEETING_CHANGES).order_by(
        "created_at", "pk"
    ):
        latest[change.meeting_id] = change
    # One read per meeting changed, not per person: a batch holds few meetings.
    due = {pk: {u.pk for u in meeting_people(meeting=m)} for pk, m in meetings.items()}
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(_meeting_id(reminder))
        if meeting is None:
            outcomes[reminder.pk] = Outcome("the meeting no longer exists")
        elif int(reminder.occasion.split(":")[2]) != meeting.sequence:
            outcomes[reminder.pk] = Outcome("a later change to the meeting is announced instead")
        elif reminder.user_id not in due[meeting.pk]:
            outcomes[reminder.pk] = Outcome("no longer due at this meeting")
        elif meeting.ends_at <= now:
            outcomes[reminder.pk] = Outcome("the meeting is over")
        else:
            outcomes[reminder.pk] = Outcome(
                context={
                    "meeting": meeting,
                    "cohort": meeting.cohort,
                    "change": latest.get(meeting.pk),
                },
                url=reverse("cohorts:mine"),
            )
    return outcomes


# A change in a facilitator's cohort -------------------------------------------------


def check_cohort_change(reminders, now):
    """Always sent while the change is on record: it tells what happened, which stays true."""
    changes = Change.objects.select_related(
        "cohort",
        "other_cohort",
        "meeting__unit",
        "meeting__substitute",
        "enrollment__user",
        "actor",
    ).in_bulk([int(r.occasion.split(":")[1]) for r in reminders])
    outcomes = {}
    for reminder in reminders:
        change = changes.get(int(reminder.occasion.split(":")[1]))
        if change is None:
            outcomes[reminder.pk] = Outcome("the change is no longer on record")
            continue
        meeting = change.meeting
        covering = (
            meeting is not None
            and meeting.substitute is not None
            and meeting.substitute.user_id == reminder.user_id
        )
        if covering:
            url = reverse("cohorts:attendance", args=[meeting.cohort_id, meeting.pk])
        elif change.cohort_id:
            url = reverse("cohorts:detail", args=[change.cohort_id])
        else:
            url = reverse("cohorts:list")
        outcomes[reminder.pk] = Outcome(context={"change": change, "covering": covering}, url=url)
    return outcomes


# Switch requests --------------------------------------------------------------------


def _switch_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def _switches(reminders) -> dict[int, Switch]:
    return Switch.objects.select_related(
        "enrollment__user", "from_cohort", "to_cohort__round", "meeting__unit"
    ).in_bulk([_switch_id(r) for r in reminders])


def check_switch_pending(reminders, now):
    """Sent while the request still waits for an answer."""
    outcomes = {}
    switches = _switches(reminders)
    for reminder in reminders:
        switch = switches.get(_switch_id(reminder))
        if switch is None or not switch.is_pending:
            outcomes[reminder.pk] = Outcome("the request has been answered or withdrawn")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"switch": switch}, url=reverse("cohorts:switch_decide", args=[switch.pk])
            )
    return outcomes


def plan_switch_overdue(window, hours):
    """The round's lead facilitators and the staff, once a request has waited `hours`."""
    waiting = Switch.objects.filter(
        status=Switch.Status.PENDING, requested_at__lte=window.end
    ).select_related("to_cohort")
    staff = list(
        get_user_model().objects.filter(is_staff=True, is_active=True).values_list("pk", flat=True)
    )
    leads = defaultdict(set)
    for round_id, user_id in Enrollment.objects.leads().values_list("round_id", "user_id"):
        leads[round_id].add(user_id)
    for switch in waiting:
        round_id = switch.to_cohort.round_id
        lead = hours(round_id)
        if lead is None:
            continue
        due = switch.requested_at + timedelta(hours=lead)
        if not window.start < due <= window.end:
            continue
        for user_id in leads[round_id] | set(staff):
            yield Planned(user_id, round_id, f"switch:{switch.pk}", due)


def check_switch_answered(reminders, now):
    """Tells the participant how their request was answered."""
    outcomes = {}
    switches = _switches(reminders)
    for reminder in reminders:
        switch = switches.get(_switch_id(reminder))
        if switch is None or switch.status not in (Switch.Status.APPROVED, Switch.Status.DECLINED):
            outcomes[reminder.pk] = Outcome("the request was withdrawn")
        else:
            outcomes[reminder.pk] = Outcome(
                context={"switch": switch}, url=reverse("cohorts:switch")
            )
    return outcomes


# Placed after publication ---------------------------------------------------------


def check_cohort_placed(reminders, now):
    """Sent while the person is still in the cohort they were placed in."""
    changes = Change.objects.select_related("cohort__round__course", "enrollment").in_bulk(
        [int(r.occasion.split(":")[1]) for r in reminders]
    )
    placed = dict(
        Placement.objects.filter(
            enrollment_id__in={c.enrollment_id for c in changes.values()}
        ).values_list("enrollment_id", "cohort_id")
    )
    outcomes = {}
    for reminder in reminders:
        change = changes.get(int(reminder.occasion.split(":")[1]))
        if change is None or placed.get(change.enrollment_id) != change.cohort_id:
            outcomes[reminder.pk] = Outcome("no longer in that cohort")
        elif not change.enrollment.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part")
        else:
            cohort = change.cohort
            outcomes[reminder.pk] = Outcome(
                context={
                    "cohort": cohort,
                    "next_meeting": cohort.meetings.filter(is_cancelled=False, starts_at__gt=now)
                    .order_by("starts_at")
                    .first(),
                },
                url=reverse("cohorts:mine"),
            )
    return outcomes


register(
    Kind(
        slug="meeting_tomorrow",
        label="Meeting tomorrow",
        audience=PARTICIPANT,
        default_hours=24,
        plan=plan_meeting_tomorrow,
        check=check_meeting_tomorrow,
    )
)
register(
    Kind(
        slug="attendance_missing",
        label="Attendance not recorded",
        audience=FACILITATOR,
        default_hours=12,
        plan=plan_attendance_missing,
        check=check_attendance_missing,
    )
)
register(
    Kind(
        slug="meeting_changed",
        label="A meeting moved, was cancelled or has a substitute",
        audience=PARTICIPANT,
        check=check_meeting_changed,
        hint="Sent as soon as a facilitator changes one of your meetings.",
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="cohort_change",
        label="Changes in my cohorts",
        audience=FACILITATOR,
        check=check_cohort_change,
        hint="Switches, meetings moved or covered, people leaving or placed late.",
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="switch_request",
        label="A participant asks to join my cohort",
        audience=FACILITATOR,
        check=check_switch_pending,
        hint="Sent when a switch needs your approval.",
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="switch_overdue",
        label="Switch requests left unanswered",
        audience=FACILITATOR,
        default_hours=48,
        plan=plan_switch_overdue,
        check=check_switch_pending,
        hint="For lead facilitators and admins: a request nobody answered in time.",
    )
)
register(
    Kind(
        slug="switch_answered",
        label="My request to switch cohort is answered",
        audience=PARTICIPANT,
        check=check_switch_answered,
        in_app_at_once=True,
    )
)
register(
    Kind(
        slug="cohort_placed",
        label="I am given a place in a cohort",
        audience=PARTICIPANT,
        check=check_cohort_placed,
        in_app_at_once=True,
    )
)
