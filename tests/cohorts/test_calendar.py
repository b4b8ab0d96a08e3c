"""The personal calendar feed, read back with the icalendar library as a calendar app would."""

from datetime import UTC, datetime, time, timedelta

import pytest
import time_machine
from django.urls import reverse
from icalendar import Calendar

from apps.cohorts.models import CalendarFeed
from apps.cohorts.services import (
    calendar_feed_ensure,
    cohort_reschedule,
    enrollment_drop,
    meetings_schedule,
)
from apps.rounds.models import RoundUnit
from tests.cohorts.test_services import (
    BEFORE_ROUND,
    member_enrollments,
    published_cohort,
    scheduled_round,
    utc,
)
from tests.factories import PASSWORD, CohortFactory, PlacementFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cohort():
    with time_machine.travel(BEFORE_ROUND, tick=False):
        return published_cohort(members=3, name="Evening owls")


def feed_url(user) -> str:
    return calendar_feed_ensure(user=user).get_absolute_url()


def fetch(client, user) -> Calendar:
    response = client.get(feed_url(user))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def is_utc(moment: datetime) -> bool:
    return moment.utcoffset() == timedelta(0)


def meetings_in(calendar: Calendar):
    return [e for e in calendar.events if str(e["UID"]).startswith("meeting-")]


def deadlines_in(calendar: Calendar):
    return [e for e in calendar.events if str(e["UID"]).startswith("deadline-")]


def test_the_feed_needs_no_login_and_holds_every_meeting_in_utc(client, cohort):
    member = member_enrollments(cohort)[0].user

    calendar = fetch(client, member)

    starts = [e.start for e in meetings_in(calendar)]
    assert starts == [
        utc(2027, 3, 2, 19),
        utc(2027, 3, 9, 19),
        utc(2027, 3, 16, 19),
        utc(2027, 3, 23, 19),
        utc(2027, 3, 30, 18),  # London is on summer time from 28 March
        utc(2027, 4, 6, 18),
    ]
    assert all(is_utc(e.start) and is_utc(e.end) for e in meetings_in(calendar))
    assert all(e.end - e.start == timedelta(minutes=90) for e in meetings_in(calendar))


def test_the_feed_is_valid_icalendar_with_the_properties_rfc_5545_requires(client, cohort):
    response = client.get(feed_url(member_enrollments(cohort)[0].user))
    text = response.content.decode()
    calendar = Calendar.from_ical(response.content)

    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    for event in calendar.events:
        assert event["UID"] and event["DTSTAMP"] and event["DTSTART"] and event["SUMMARY"]
        assert is_utc(event.decoded("DTSTART"))
    # Times are written as UTC ("Z"), never as floating local times.
    assert "DTSTART:20270302T190000Z" in text and "DTEND:20270302T203000Z" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))


def test_a_meeting_event_names_the_session_and_carries_the_video_link(client, cohort):
    member = member_enrollments(cohort)[0].user
    meeting = cohort.meetings.select_related("unit__course").order_by("starts_at").first()

    event = meetings_in(fetch(client, member))[0]

    assert str(event["SUMMARY"]) == f"{cohort.round.course.title}: Session 1: Topic 1"
    description = str(event["DESCRIPTION"])
    assert "Session 1: Topic 1" in description
    assert "https://meet.example.com/abc-defg-hij" in description
    assert f"http://testserver{meeting.unit.get_absolute_url()}" in description
    assert str(event["LOCATION"]) == "https://meet.example.com/abc-defg-hij"
    assert str(event["URL"]) == "http://testserver/cohorts/mine/"
    assert str(event["UID"]) == f"meeting-{meeting.pk}@testserver"
    assert str(event["STATUS"]) == "CONFIRMED"


def test_a_video_link_that_is_not_a_web_address_stays_out_of_the_feed(client, cohort):
    cohort.video_call_url = "javascript:alert(1)"
    cohort.save(update_fields=["video_call_url"])
    member = member_enrollments(cohort)[0].user

    event = meetings_in(fetch(client, member))[0]

    assert "javascript" not in str(event["DESCRIPTION"])
    assert "LOCATION" not in event


def test_a_moved_meeting_keeps_its_uid_so_calendars_move_it(client, cohort):
    member = member_enrollments(cohort)[0].user
    before = {str(e["UID"]): e.start for e in meetings_in(fetch(client, member))}

    with time_machine.travel(BEFORE_ROUND, tick=False):
        cohort_reschedule(cohort=cohort, weekday=3, local_time=time(19))
    after = {str(e["UID"]): e.start for e in meetings_in(fetch(client, member))}

    assert after.keys() == before.keys()
    assert all(after[uid] == before[uid] + timedelta(days=2) for uid in before)


def test_a_cancelled_meeting_stays_in_the_feed_marked_cancelled(client, cohort):
    member = member_enrollments(cohort)[0].user
    meeting = cohort.meetings.order_by("starts_at")[1]
    meeting.is_cancelled = True
    meeting.save()

    events = {str(e["UID"]): e for e in meetings_in(fetch(client, member))}

    cancelled = events[f"meeting-{meeting.pk}@testserver"]
    assert str(cancelled["STATUS"]) == "CANCELLED"
    assert str(cancelled["SUMMARY"]).startswith("Cancelled: ")
    assert sum(str(e["STATUS"]) == "CANCELLED" for e in events.values()) == 1


def test_the_feed_holds_the_due_dates_of_the_rounds_sessions(client, cohort):
    member = member_enrollments(cohort)[0].user
    entries = list(RoundUnit.objects.filter(round=cohort.round).order_by("due_at"))

    deadlines = deadlines_in(fetch(client, member))

    assert [e.start for e in deadlines] == [entry.due_at for entry in entries]
    assert deadlines[0].start == utc(2027, 3, 8)  # the Monday after the first week
    first = deadlines[0]
    assert str(first["UID"]) == f"deadline-{cohort.round_id}-{entries[0].unit_id}@testserver"
    assert "Session 1: Topic 1" in str(first["SUMMARY"])
    assert str(first["TRANSP"]) == "TRANSPARENT"
    # A deadline is an instant: no DTEND, which RFC 5545 would want strictly later.
    assert "DTEND" not in first


def test_a_changed_due_date_shows_in_the_feed(client, cohort):
    member = member_enrollments(cohort)[0].user
    entry = RoundUnit.objects.filter(round=cohort.round).order_by("due_at").first()
    entry.due_at = datetime(2027, 3, 7, 22, tzinfo=UTC)
    entry.save()

    assert deadlines_in(fetch(client, member))[0].start == utc(2027, 3, 7, 22)


def test_the_feed_holds_only_the_persons_own_cohort(client, cohort):
    member = member_enrollments(cohort)[0].user
    with time_machine.travel(BEFORE_ROUND, tick=False):
        other = published_cohort(round=cohort.round, members=2, name="Early birds")

    uids = {str(e["UID"]) for e in meetings_in(fetch(client, member))}

    assert uids == {f"meeting-{m.pk}@testserver" for m in cohort.meetings.all()}
    assert not uids & {f"meeting-{m.pk}@testserver" for m in other.meetings.all()}


def test_meetings_of_a_draft_cohort_stay_out_of_the_feed(client):
    with time_machine.travel(BEFORE_ROUND, tick=False):
        draft = CohortFactory(round=scheduled_round(), published_at=None)
        meetings_schedule(cohort=draft)
    member = PlacementFactory(cohort=draft).enrollment.user

    calendar = fetch(client, member)

    assert meetings_in(calendar) == []
    assert len(deadlines_in(calendar)) == 6  # accepted into the round, so its deadlines apply


def test_a_facilitators_feed_links_to_the_cohort_page_they_run(client, cohort):
    lead = cohort.facilitators.get().user

    events = meetings_in(fetch(client, lead))

    assert len(events) == 6
    assert {str(e["URL"]) for e in events} == {f"http://testserver/cohorts/{cohort.pk}/"}


def test_a_person_in_two_courses_gets_both_cohorts(client, cohort):
    member = member_enrollments(cohort)[0].user
    with time_machine.travel(BEFORE_ROUND, tick=False):
        other = published_cohort(members=0, name="Other course")
    PlacementFactory(cohort=other, enrollment__user=member)

    events = meetings_in(fetch(client, member))

    assert len(events) == 12
    assert len({str(e["SUMMARY"]).split(":")[0] for e in events}) == 2


def test_after_dropping_out_the_feed_is_empty(client, cohort):
    dropped = member_enrollments(cohort)[0]
    enrollment_drop(enrollment=dropped, by=None)

    calendar = fetch(client, dropped.user)

    assert list(calendar.events) == []


def test_an_unknown_token_is_404(client, cohort):
    url = reverse("cohorts:calendar_feed", args=["not-a-real-token"])

    assert client.get(url).status_code == 404


def test_the_feed_of_a_deactivated_account_is_404(client, cohort):
    member = member_enrollments(cohort)[0].user
    url = feed_url(member)
    member.is_active = False
    member.save()

    assert client.get(url).status_code == 404


def test_the_feed_is_not_kept_by_shared_caches(client, cohort):
    response = client.get(feed_url(member_enrollments(cohort)[0].user))

    assert "private" in response["Cache-Control"]


@pytest.mark.parametrize("meetings_per_cohort", [2, 12])
def test_the_feed_costs_the_same_number_of_queries_however_many_meetings(
    client, django_assert_max_num_queries, meetings_per_cohort
):
    with time_machine.travel(BEFORE_ROUND, tick=False):
        cohort = published_cohort(round=scheduled_round(units=meetings_per_cohort), members=3)
    url = feed_url(member_enrollments(cohort)[0].user)

    # The feed and its owner, the meetings, the deadlines.
    with django_assert_max_num_queries(3):
        response = client.get(url)
    assert response.content.count(b"BEGIN:VEVENT") == 2 * meetings_per_cohort


# The link on "My cohort" and resetting it ----------------------------------------------


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


def test_my_cohort_shows_the_absolute_feed_link(client, cohort):
    member = member_enrollments(cohort)[0].user

    html = log_in(client, member).get(reverse("cohorts:mine")).content.decode()

    feed = CalendarFeed.objects.get(user=member)
    assert f'value="http://testserver/cohorts/calendar/{feed.token}.ics"' in html
    assert "Copy link" in html and "Reset link" in html


def test_resetting_the_link_retires_the_old_one(client, cohort):
    member = member_enrollments(cohort)[0].user
    old_url = feed_url(member)
    log_in(client, member)

    response = client.post(reverse("cohorts:calendar_reset"))

    assert response.status_code == 302
    assert response.url == reverse("cohorts:mine") + "#calendar"
    new_url = CalendarFeed.objects.get(user=member).get_absolute_url()
    assert new_url != old_url
    client.logout()
    assert client.get(old_url).status_code == 404
    assert client.get(new_url).status_code == 200
    assert (
        f"http://testserver{new_url}"
        in log_in(client, member).get(reverse("cohorts:mine")).content.decode()
    )


def test_resetting_the_link_needs_a_post(client, cohort):
    member = member_enrollments(cohort)[0].user
    token = feed_url(member)

    assert log_in(client, member).get(reverse("cohorts:calendar_reset")).status_code == 405
    assert CalendarFeed.objects.get(user=member).get_absolute_url() == token


def test_resetting_the_link_needs_a_login(client):
    response = client.post(reverse("cohorts:calendar_reset"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert not CalendarFeed.objects.exists()
