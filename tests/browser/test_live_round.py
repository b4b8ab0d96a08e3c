"""Changes to a running round, end to end in Chromium: a one-week switch and the host's
attendance sheet, a moved meeting in the participant's calendar feed, and a late applicant
accepted into a proposed cohort."""

import re
from datetime import timedelta

import pytest
import time_machine
from icalendar import Calendar
from playwright.sync_api import expect

from apps.cohorts.models import Attendance, Meeting, Placement
from apps.cohorts.services import calendar_feed_ensure
from apps.rounds.models import Enrollment
from tests.browser.conftest import signed_in
from tests.cohorts.test_services import available, member_enrollments, published_cohort
from tests.cohorts.test_switching import two_cohorts
from tests.factories import EnrollmentFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_participant_switches_for_one_week_and_the_host_records_their_attendance(
    live_server, browser
):
    home, away = two_cohorts()
    me = member_enrollments(home)[0]
    me.user.display_name = "Vera Visitor"
    me.user.save()
    host_meeting = away.meetings.order_by("starts_at").first()
    own_meeting = home.meetings.order_by("starts_at").first()

    page = signed_in(browser, live_server, me.user)
    page.goto(f"{live_server.url}/cohorts/mine/")
    page.get_by_role("link", name="Switch cohort, for one meeting or for good").click()
    page.get_by_role(
        "link", name=re.compile(r"Join another cohort instead of the meeting on Tue 2 Mar")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Join another cohort for one meeting")
    page.get_by_label("Thursday larks").check()
    page.get_by_label("Reason (optional)").fill("Working late on Tuesday")
    page.get_by_role("button", name="Join for this meeting").click()
    expect(
        page.get_by_text("You join Thursday larks for its meeting on Thursday 4 March")
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Meetings with another cohort")).to_be_visible()
    assert Placement.objects.get(enrollment=me).cohort == home

    host = away.facilitators.get().user
    with time_machine.travel(host_meeting.ends_at + timedelta(minutes=5), tick=True):
        page = signed_in(browser, live_server, host)
        page.goto(f"{live_server.url}{away.get_absolute_url()}")
        expect(page.get_by_text("Joined another cohort for one meeting")).to_be_visible()
        page.get_by_role("link", name=re.compile(r"^Attendance for ")).first.click()
        visitor = page.get_by_role(
            "group", name=re.compile(r"Vera Visitor\s+Visiting from Tuesday owls")
        )
        visitor.get_by_label("Present").check()
        page.get_by_role("button", name="Save attendance").click()
        expect(page.get_by_text("is saved")).to_be_visible()

    record = Attendance.objects.get(enrollment=me)
    assert (record.meeting, record.status) == (host_meeting, "present")
    assert not Attendance.objects.filter(meeting=own_meeting, enrollment=me).exists()


def test_a_facilitator_moves_a_meeting_and_the_feed_keeps_the_uid_with_a_higher_sequence(
    live_server, browser
):
    cohort = published_cohort(members=2, name="Evening owls")
    lead = cohort.facilitators.get().user
    lead.time_zone = "Europe/London"
    lead.save()
    member = member_enrollments(cohort)[0].user
    meeting = cohort.meetings.order_by("starts_at")[1]  # Tuesday 9 March, 19:00 London
    feed = live_server.url + calendar_feed_ensure(user=member).get_absolute_url()

    page = signed_in(browser, live_server, lead)
    before = Calendar.from_ical(page.request.get(feed).body())
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    page.get_by_role("link", name=f"Move, cancel or hand over {meeting.unit.display_title}").click()
    page.get_by_label("New start (Europe/London)").fill("2027-03-11T18:30")
    # The live check answers as soon as the time is chosen.
    expect(page.get_by_role("status")).to_contain_text("On Thursday 11 March 2027, 18:30")
    page.get_by_label("Reason (optional)").first.fill("Away on Tuesday")
    page.get_by_label("Move it anyway").check()
    page.get_by_role("button", name="Move the meeting").click()
    expect(page.get_by_text("is moved; its members are told")).to_be_visible()
    expect(page.get_by_text("Away on Tuesday")).to_be_visible()

    after = Calendar.from_ical(page.request.get(feed).body())

    def event(calendar):
        return next(
            e for e in calendar.events if str(e["UID"]).startswith(f"meeting-{meeting.pk}@")
        )

    assert str(event(after)["UID"]) == str(event(before)["UID"])
    assert int(event(after)["SEQUENCE"]) > int(event(before).get("SEQUENCE", 0))
    moved = Meeting.objects.get(pk=meeting.pk)
    assert event(after).decoded("DTSTART") == moved.starts_at
    assert moved.starts_at.isoformat() == "2027-03-11T18:30:00+00:00"


def test_an_admin_accepts_a_late_applicant_into_a_proposed_cohort(live_server, browser):
    cohort = published_cohort(members=2, name="Evening owls")
    round = cohort.round
    late = EnrollmentFactory(
        round=round, status=Enrollment.Status.APPLIED, user__display_name="Lara Late"
    )
    available(late, (1 * 1440 + 18 * 60, 1 * 1440 + 22 * 60))
    admin = UserFactory(is_staff=True, is_superuser=True)

    page = signed_in(browser, live_server, admin)
    page.goto(f"{live_server.url}/grouping/rounds/{round.slug}/")
    page.get_by_role("link", name=re.compile("Late applicants")).click()
    expect(page.get_by_role("heading", name=re.compile("Lara Late"))).to_be_visible()
    page.get_by_role("button", name="Accept Lara Late into Evening owls").click()
    expect(page.get_by_text("Lara Late is accepted and placed in Evening owls")).to_be_visible()
    expect(page.get_by_text("Nobody is waiting outside the published cohorts.")).to_be_visible()

    late.refresh_from_db()
    assert late.status == Enrollment.Status.ACTIVE
    assert Placement.objects.get(enrollment=late).cohort == cohort
    page.goto(f"{live_server.url}{cohort.get_absolute_url()}")
    expect(page.get_by_text("Placed after publication")).to_be_visible()
