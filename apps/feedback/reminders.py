"""The request for feedback after each meeting: sent once, by email and as a notification.

It goes to each participant a little while after their cohort's meeting ends
(two hours, unless the round says otherwise), and asks them to rate the session
and its resources on the session page. It is not sent to someone who has
rated the session already, was recorded absent, or has left the round. When
nobody has recorded attendance yet, it waits up to a day for the facilitator
to do so, so that people who missed the meeting are not asked about it.
"""

from datetime import timedelta

from django.utils import timezone

from apps.cohorts.models import Attendance, Meeting, Placement
from apps.feedback.models import SessionRating
from apps.reminders.registry import MAX_LEAD, PARTICIPANT, Kind, Outcome, Planned, register
from apps.rounds.models import Enrollment

# How long after a meeting the request waits for attendance to be recorded.
WAIT_FOR_ATTENDANCE = timedelta(hours=24)
MISSED = {Attendance.Status.ABSENT, Attendance.Status.EXCUSED}


def _meeting_id(reminder) -> int:
    return int(reminder.occasion.split(":")[1])


def plan_session_feedback(window, hours):
    """Everyone taking part in a published cohort, `hours` after each of its meetings ends.

    Only meetings that have ended are planned for, not those coming up: a
    meeting may still move or be cancelled, and a request about it should
    only exist once it has happened.
    """
    meetings = Meeting.objects.filter(
        is_cancelled=False,
        cohort__published_at__isnull=False,
        ends_at__gt=window.start - MAX_LEAD,
        ends_at__lte=min(window.end, timezone.now()),
    ).select_related("cohort")
    due = {}
    for meeting in meetings:
        after = hours(meeting.cohort.round_id)
        if after is None:
            continue
        ask_at = meeting.ends_at + timedelta(hours=after)
        if window.start < ask_at <= window.end:
            due[meeting] = ask_at
    members = {}
    for placement in Placement.objects.filter(
        cohort_id__in={meeting.cohort_id for meeting in due},
        enrollment__status__in=Enrollment.TAKING_PART,
    ).select_related("enrollment"):
        members.setdefault(placement.cohort_id, []).append(placement.enrollment)
    for meeting, ask_at in due.items():
        for enrollment in members.get(meeting.cohort_id, []):
            yield Planned(
                enrollment.user_id, meeting.cohort.round_id, f"feedback:{meeting.pk}", ask_at
            )


def check_session_feedback(reminders, now):
    """Skip those who rated, missed the meeting or left; wait a while for attendance."""
    meetings = Meeting.objects.select_related("cohort", "unit__course").in_bulk(
        {_meeting_id(r) for r in reminders}
    )
    places = {
        (place.user_id, place.round_id): place
        for place in Enrollment.objects.filter(
            user_id__in={r.user_id for r in reminders},
            round_id__in={m.cohort.round_id for m in meetings.values()},
        ).participants()
    }
    rated = set(
        SessionRating.objects.filter(
            enrollment__in=list(places.values()),
            unit_id__in={m.unit_id for m in meetings.values()},
        ).values_list("enrollment_id", "unit_id")
    )
    recorded = {
        (meeting_id, enrollment_id): status
        for meeting_id, enrollment_id, status in Attendance.objects.filter(
            meeting_id__in=meetings
        ).values_list("meeting_id", "enrollment_id", "status")
    }
    meetings_recorded = {meeting_id for meeting_id, _ in recorded}
    outcomes = {}
    for reminder in reminders:
        meeting = meetings.get(_meeting_id(reminder))
        place = meeting and places.get((reminder.user_id, meeting.cohort.round_id))
        if meeting is None or meeting.is_cancelled:
            outcomes[reminder.pk] = Outcome("the meeting was cancelled")
        elif place is None or not place.is_taking_part:
            outcomes[reminder.pk] = Outcome("no longer taking part in the round")
        elif (place.pk, meeting.unit_id) in rated:
            outcomes[reminder.pk] = Outcome("the session is rated already")
        elif recorded.get((meeting.pk, place.pk)) in MISSED:
            outcomes[reminder.pk] = Outcome("not at the meeting")
        elif meeting.pk not in meetings_recorded and now < meeting.ends_at + WAIT_FOR_ATTENDANCE:
            outcomes[reminder.pk] = Outcome(reschedule_to=meeting.ends_at + WAIT_FOR_ATTENDANCE)
        else:
            outcomes[reminder.pk] = Outcome(
                context={"meeting": meeting, "cohort": meeting.cohort, "unit": meeting.unit},
                url=f"{meeting.unit.get_absolute_url()}#feedback",
            )
    return outcomes


register(
    Kind(
        slug="session_feedback",
        label="Feedback on a session you met for",
        audience=PARTICIPANT,
        default_hours=2,
        plan=plan_session_feedback,
        check=check_session_feedback,
        hint="Once after each meeting: a minute to rate the session and its resources.",
    )
)
