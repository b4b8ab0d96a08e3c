"""From availability to attendance: a participant gives their times, an admin forms and
publishes the cohorts, the participant finds their meeting and calendar, the facilitator
records who came.

The round started last week, so its first meeting has already been held and the
facilitator can record attendance for it (before a meeting starts only "excused" is
allowed). Freezing the clock instead would have to reach into the live server's thread;
a round in the past needs no such trick. The grouping task runs eagerly, inside the
request that starts it, as a worker would run it a moment later.
"""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from icalendar import Calendar
from playwright.sync_api import expect

from apps.cohorts.models import Attendance, Cohort
from apps.rounds import weekgrid
from apps.rounds.services import availability_set
from tests.browser.conftest import expect_signed_in, open_menu
from tests.cohorts.test_services import scheduled_round
from tests.factories import PASSWORD, EnrollmentFactory, FacilitatorEnrollmentFactory, UserFactory
from tests.grouping.test_services import fast_grouping  # noqa: F401
from tests.grouping.test_tasks import eager_celery  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WEDNESDAY = 2


def log_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Email").fill(user.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    expect_signed_in(page)


def log_out(page):
    open_menu(page, "Account")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def cells(day: int, first: str, last: str) -> set[tuple[int, int]]:
    """Grid cells of one weekday from ``first`` up to ``last`` (local "HH:MM", exclusive)."""
    start, end = (int(t[:2]) * 60 + int(t[3:]) for t in (first, last))
    return {(day, minute) for minute in range(start, end, 30)}


@pytest.fixture
def round_under_way():
    """A three-session round that began last week; two participants and a facilitator in
    Paris have given their times, one participant in London has not yet."""
    this_monday = weekgrid.monday_of(timezone.localdate())
    round = scheduled_round(units=3, starts_on=this_monday - timedelta(weeks=1))
    pat = EnrollmentFactory(
        round=round, user__display_name="Pat Participant", user__time_zone="Europe/London"
    )
    for name in ["Quinn Quist", "Rae Rivers"]:
        other = EnrollmentFactory(round=round, user__display_name=name)
        availability_set(
            enrollment=other, cells=cells(WEDNESDAY, "17:00", "20:00"), time_zone="Europe/London"
        )
    lead = FacilitatorEnrollmentFactory(
        round=round,
        max_cohorts=1,
        user__display_name="Fran Facilitator",
        user__time_zone="Europe/Paris",
    )
    # 19:00-21:00 in Paris is 18:00-20:00 in London, all year: both change clocks together.
    availability_set(
        enrollment=lead, cells=cells(WEDNESDAY, "19:00", "21:00"), time_zone="Europe/Paris"
    )
    return round, pat, lead


def test_availability_grouping_publishing_calendar_and_attendance(
    live_server,
    browser_page,
    round_under_way,
    eager_celery,  # noqa: F811
):
    round, pat, lead = round_under_way
    admin = UserFactory(email="admin@example.com", is_staff=True, is_superuser=True)
    page = browser_page

    # Pat can meet on Wednesdays from 18:00 to 19:30 London time: one 90-minute slot.
    log_in(page, live_server, pat.user)
    page.goto(f"{live_server.url}/rounds/{round.slug}/availability/")
    for slot in ["18:00–18:30", "18:30–19:00", "19:00–19:30"]:
        page.get_by_role("checkbox", name=f"Wednesday {slot}", exact=True).click()
    page.get_by_role("button", name="Save availability").click()
    expect(page.get_by_text("Your availability is saved.")).to_be_visible()
    log_out(page)

    # The admin forms the cohorts and reviews the draft.
    log_in(page, live_server, admin)
    page.goto(f"{live_server.url}/grouping/")
    page.get_by_role("link", name=f"Cohorts for {round.name}").click()
    expect(page.get_by_role("status").filter(has_text="not been run")).to_be_visible()
    page.get_by_role("button", name="Form cohorts").click()
    expect(page.get_by_text("Placed 3 of 3 participants in 1 cohort.")).to_be_visible()
    draft = page.get_by_role("article", name=re.compile("Cohort 1"))
    expect(draft).to_contain_text(
        "Wednesdays 18:00 (Europe/London) · Wednesdays 19:00 (Europe/Paris)"
    )
    expect(draft).to_contain_text("Fran Facilitator")
    expect(draft.get_by_role("row", name=re.compile("Pat Participant"))).to_contain_text(
        "Available"
    )
    expect(page.get_by_role("heading", name="Not in a cohort (0)")).to_be_visible()

    # Trying another day shows at once who could no longer come; nothing is saved.
    page.get_by_role("link", name="Change the time or facilitator of Cohort 1").click()
    page.get_by_label("Day").select_option("Thursday")
    check = page.get_by_role("status").filter(has_text="could not attend")
    expect(check).to_contain_text("4 people could not attend")
    expect(check).to_contain_text("Pat Participant (participant)")
    expect(check).to_contain_text("Fran Facilitator (facilitator)")
    page.get_by_role("link", name=f"Cohorts for {round.name}").click()
    expect(draft).to_contain_text("Wednesdays 18:00 (Europe/London)")

    page.get_by_role("link", name="Publish the draft cohorts").click()
    page.get_by_role("button", name="Publish 1 cohort").click()
    expect(page.get_by_text("Published 1 cohort.")).to_be_visible()
    expect(page.get_by_role("heading", name="Published cohorts (1)")).to_be_visible()
    log_out(page)

    cohort = Cohort.objects.get(round=round)
    first = cohort.meetings.order_by("starts_at").first()
    assert first.starts_at < timezone.now()

    # Pat sees the cohort at the time their availability allowed, in their own zone.
    log_in(page, live_server, pat.user)
    page.get_by_role("link", name="My cohort").click()
    expect(page.get_by_role("heading", name="Cohort 1")).to_be_visible()
    expect(page.get_by_text("Your cohort meets Wednesdays 18:00 (Europe/London)")).to_be_visible()
    expect(page.get_by_text("Fran Facilitator")).to_be_visible()

    feed_url = page.get_by_label("Calendar link").input_value()
    feed = page.request.get(feed_url)
    assert feed.ok
    assert feed.headers["content-type"].startswith("text/calendar")
    events = {str(event["uid"]): event for event in Calendar.from_ical(feed.body()).walk("VEVENT")}
    [uid] = [uid for uid in events if uid.startswith(f"meeting-{first.pk}@")]
    assert events[uid].decoded("dtstart") == first.starts_at
    assert len([uid for uid in events if uid.startswith("meeting-")]) == 3
    log_out(page)

    # Fran records that Pat came to the first meeting, held last week.
    log_in(page, live_server, lead.user)
    open_menu(page, "Facilitate")
    page.get_by_role("link", name="Cohorts I facilitate").click()
    page.get_by_role("link", name="Cohort 1").click()
    page.get_by_role("link", name=f"Attendance for {first.unit.display_title}").click()
    page.get_by_role("group", name="Pat Participant").get_by_label("Present").check()
    page.get_by_role("button", name="Save attendance").click()
    expect(page.get_by_text(f"Attendance for {first.unit.display_title} is saved.")).to_be_visible()

    recorded = Attendance.objects.get(meeting=first, enrollment=pat)
    assert recorded.status == Attendance.Status.PRESENT
    assert recorded.recorded_by == lead.user
