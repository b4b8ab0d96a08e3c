"""A person's calendar feed (RFC 5545): their cohort meetings and their work deadlines.

Calendar apps poll the feed and match events by UID, so each UID is derived
from the row it describes and never changes: a meeting that moves keeps its
UID and the calendar moves it too, told by its SEQUENCE going up. All times are written in UTC; the
calendar app shows them in the person's own zone.
"""

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from icalendar import Calendar, Event

from apps.cohorts.models import Meeting
from apps.markup.links import web_link
from apps.rounds.models import RoundUnit

PRODID = "-//Cohort courses//Meetings and deadlines//EN"
# How often calendar apps are asked to fetch the feed again.
REFRESH = timedelta(hours=6)

# Turns a site path into an absolute URL (request.build_absolute_uri in a view).
Absolute = Callable[[str], str]


def meeting_event(
    meeting: Meeting, *, absolute: Absolute, page_url: str, domain: str, stamp: datetime
) -> Event:
    cohort = meeting.cohort
    unit = meeting.unit
    title = f"{cohort.round.course.title}: {unit.display_title}"
    lines = [
        f"Cohort meeting of {cohort.name} to discuss {unit.display_title}.",
        f"Prepare: {absolute(unit.get_absolute_url())}",
    ]
    video_call = web_link(cohort.video_call_url)
    if video_call:
        lines.append(f"Video call: {video_call}")
    if meeting.is_cancelled:
        lines.insert(0, "This meeting is cancelled.")
    elif meeting.substitute_id:
        lines.append(f"Led this time by {meeting.substitute.user.name}.")
    return Event.new(
        uid=f"meeting-{meeting.pk}@{domain}",
        # Calendar apps keep the copy with the highest SEQUENCE for a UID, so a moved or
        # cancelled meeting replaces the event they hold.
        sequence=meeting.sequence,
        stamp=stamp,
        start=meeting.starts_at,
        end=meeting.ends_at,
        summary=f"Cancelled: {title}" if meeting.is_cancelled else title,
        description="\n".join(lines),
        url=page_url,
        location=video_call or None,
        status="CANCELLED" if meeting.is_cancelled else "CONFIRMED",
    )


def deadline_event(entry: RoundUnit, *, absolute: Absolute, domain: str, stamp: datetime) -> Event:
    """A deadline as an instant: no DTEND, since RFC 5545 wants DTEND after DTSTART.

    It is marked transparent so it does not show the person as busy.
    """
    unit = entry.unit
    return Event.new(
        uid=f"deadline-{entry.round_id}-{entry.unit_id}@{domain}",
        stamp=stamp,
        start=entry.due_at,
        summary=f"Due: {entry.round.course.title}, {unit.display_title}",
        description=(
            f"The exercises of {unit.display_title} are due.\n"
            f"Session page: {absolute(unit.get_absolute_url())}"
        ),
        url=absolute(unit.get_absolute_url()),
        transparency="TRANSPARENT",
    )


def build_calendar(
    *,
    meetings: Iterable[tuple[Meeting, str]],
    deadlines: Iterable[RoundUnit],
    absolute: Absolute,
    domain: str,
    feed_uid: str,
    stamp: datetime,
) -> bytes:
    """The whole feed as iCalendar bytes.

    `meetings` pairs each meeting with the page it should link to (the
    participant's or the facilitator's view of the cohort).
    """
    calendar = Calendar.new(
        prodid=PRODID,
        calscale="GREGORIAN",
        name="Cohort courses",
        description="Your cohort meetings and the due dates of your course work.",
        uid=feed_uid,
    )
    calendar.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    # The same hint in the older property that Outlook and others read.
    calendar.add("x-published-ttl", "PT6H")
    for meeting, page_url in meetings:
        calendar.add_component(
            meeting_event(meeting, absolute=absolute, page_url=page_url, domain=domain, stamp=stamp)
        )
    for entry in deadlines:
        calendar.add_component(deadline_event(entry, absolute=absolute, domain=domain, stamp=stamp))
    return calendar.to_ical()
