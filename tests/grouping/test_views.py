"""Grouping pages: who may open them, what they show, and what their forms do."""

import re
from datetime import time

import pytest
from django.urls import reverse
from django.utils import timezone

from apps.cohorts.models import Cohort, Placement
from apps.grouping.models import GroupingRun
from apps.grouping.services import grouping_run_start
from apps.grouping.tasks import run_grouping
from tests.cohorts.test_services import available, scheduled_round
from tests.factories import (
    PASSWORD,
    CohortFactory,
    EnrollmentFactory,
    FacilitatorEnrollmentFactory,
    UserFactory,
)
from tests.grouping.test_services import (  # noqa: F401
    DAY,
    MONDAY_EVENING,
    MONDAY_LATE,
    draft_with,
    drafts,
    fast_grouping,
    members,
    participant,
    run_now,
    small_round,
)

pytestmark = pytest.mark.django_db

# Session, user, navigation (2), round, latest run, the seven queries of round_state (the last
# two find the facilitators' cohorts in other rounds at the same time), the soft tier, the
# priority labels, and the last finished run when the latest has not finished (it explains
# who is left out).
REVIEW_PAGE_QUERIES = 16


def log_in(client, user):
    client.login(email=user.email, password=PASSWORD)
    return client


@pytest.fixture
def world():
    round, people = small_round()
    run = run_now(round)
    return {
        "round": round,
        "people": people,
        "run": run,
        "monday": draft_with(round, "Ada"),
        "wednesday": draft_with(round, "Dan"),
    }


def urls(world) -> dict[str, str]:
    slug = world["round"].slug
    return {
        "index": reverse("grouping:index"),
        "round": reverse("grouping:round", args=[slug]),
        "start": reverse("grouping:start", args=[slug]),
        "run": reverse("grouping:run", args=[slug, world["run"].pk]),
        "move": reverse("grouping:move", args=[slug, world["people"]["Ada"].pk]),
        "cohort": reverse("grouping:cohort", args=[slug, world["monday"].pk]),
        "check": reverse("grouping:check", args=[slug, world["monday"].pk]) + "?kind=time",
        "publish": reverse("grouping:publish", args=[slug]),
    }


# A POST each page would act on, were the person allowed to.
POSTS = {
    "start": {},
    "move": {"to": "none"},
    "cohort": {"action": "save-time", "time-weekday": "3", "time-time": "10:00"},
    "publish": {"confirm": "on"},
    "round": {},
    "index": {},
    "run": {},
    "check": {},
}


WRONG_METHOD = {("start", "get")} | {(name, "post") for name in ["index", "round", "run", "check"]}


def snapshot(world):
    """What a refused request must not change."""
    return (
        GroupingRun.objects.count(),
        sorted(Placement.objects.values_list("enrollment_id", "cohort_id")),
        sorted(Cohort.objects.values_list("pk", "slot_start", "published_at")),
    )


# Permissions -----------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_anonymous_visitors_are_sent_to_log_in(client, world, name, method):
    before = snapshot(world)

    response = getattr(client, method)(urls(world)[name], POSTS[name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))
    assert snapshot(world) == before


@pytest.mark.parametrize("who", ["participant", "facilitator of the round", "someone else"])
@pytest.mark.parametrize("name", list(POSTS))
@pytest.mark.parametrize("method", ["get", "post"])
def test_participants_and_facilitators_get_404_and_change_nothing(client, world, who, name, method):
    user = {
        "participant": world["people"]["Ada"].user,
        "facilitator of the round": world["people"]["mon_lead"].user,
        "someone else": UserFactory(),
    }[who]
    before = snapshot(world)

    response = getattr(log_in(client, user), method)(urls(world)[name], POSTS[name])

    # A page that takes only the other method says so before looking at anything else.
    assert response.status_code == (405 if (name, method) in WRONG_METHOD else 404)
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "name, status",
    [
        ("index", 200),
        ("round", 200),
        ("run", 200),
        ("move", 200),
        ("cohort", 200),
        ("check", 200),
        ("publish", 200),
    ],
)
def test_staff_open_every_page(staff_client, world, name, status):
    assert staff_client.get(urls(world)[name]).status_code == status


@pytest.mark.parametrize("name", ["index", "round", "run", "move", "cohort", "check", "publish"])
def test_a_lead_facilitator_of_the_round_opens_every_page(client, world, name):
    lead = world["people"]["mon_lead"]
    lead.is_lead = True
    lead.save(update_fields=["is_lead"])

    assert log_in(client, lead.user).get(urls(world)[name]).status_code == 200


def test_a_lead_facilitator_sees_only_the_rounds_they_lead_in_the_list(client, world):
    elsewhere = FacilitatorEnrollmentFactory(is_lead=True)

    page = log_in(client, elsewhere.user).get(urls(world)["index"]).content.decode()

    assert elsewhere.round.name in page
    assert world["round"].name not in page


@pytest.mark.parametrize("name", [name for name in POSTS if name != "index"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_lead_facilitator_of_another_round_gets_404_and_changes_nothing(
    client, world, name, method
):
    elsewhere = FacilitatorEnrollmentFactory(is_lead=True)
    before = snapshot(world)

    response = getattr(log_in(client, elsewhere.user), method)(urls(world)[name], POSTS[name])

    assert response.status_code == (405 if (name, method) in WRONG_METHOD else 404)
    assert snapshot(world) == before


def test_the_start_page_takes_only_posts(staff_client, world):
    assert staff_client.get(urls(world)["start"]).status_code == 405
    assert staff_client.post(urls(world)["round"]).status_code == 405


def test_a_round_that_does_not_exist_is_404_for_staff(staff_client):
    assert staff_client.get(reverse("grouping:round", args=["nope"])).status_code == 404
    assert staff_client.post(reverse("grouping:start", args=["nope"])).status_code == 404


def test_a_cohort_or_person_of_another_round_is_404(staff_client, world):
    other_round, other_people = small_round()
    run_now(other_round)
    slug = world["round"].slug
    theirs = draft_with(other_round, "Ada")

    assert staff_client.get(reverse("grouping:cohort", args=[slug, theirs.pk])).status_code == 404
    assert staff_client.get(reverse("grouping:check", args=[slug, theirs.pk])).status_code == 404
    url = reverse("grouping:move", args=[slug, other_people["Ada"].pk])
    assert staff_client.get(url).status_code == 404
    assert staff_client.post(url, {"to": "none"}).status_code == 404
    assert Placement.objects.filter(enrollment=other_people["Ada"]).exists()


# The grouping page -----------------------------------------------------------------------


def test_before_any_run_the_page_offers_to_form_cohorts(staff_client):
    round, _ = small_round()

    html = staff_client.get(reverse("grouping:round", args=[round.slug])).content.decode()

    assert "Grouping has not been run for this round yet." in html
    assert ">Form cohorts</button>" in html
    assert "Re-run for the unplaced only" not in html


def test_starting_a_run_queues_the_task_and_comes_back_to_the_page(
    staff_client, staff, django_capture_on_commit_callbacks, monkeypatch
):
    round, _ = small_round()
    sent = []
    monkeypatch.setattr(run_grouping, "delay", lambda run_id: sent.append(run_id))

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("grouping:start", args=[round.slug]), follow=True)

    run = GroupingRun.objects.get()
    assert sent == [run.pk]
    assert (run.requested_by, run.only_unplaced) == (staff, False)
    html = response.content.decode()
    assert "Grouping has started." in html
    assert 'role="progressbar"' in html
    assert 'aria-valuenow="0"' in html
    assert 'hx-trigger="every 1s"' in html
    assert ">Refresh</a>" in html
    assert ">Form cohorts</button>" not in html


def test_re_running_for_the_unplaced_is_a_separate_button(staff_client, world, monkeypatch):
    monkeypatch.setattr(run_grouping, "delay", lambda run_id: None)
    html = staff_client.get(urls(world)["round"]).content.decode()
    assert "Re-run for the unplaced only</button>" in html

    staff_client.post(urls(world)["start"], {"only_unplaced": "1"})

    assert GroupingRun.objects.order_by("-pk").first().only_unplaced


def test_a_run_that_cannot_start_says_why(staff_client):
    round = scheduled_round(units=1)

    response = staff_client.post(reverse("grouping:start", args=[round.slug]), follow=True)

    assert "There is nobody to group" in response.content.decode()
    assert not GroupingRun.objects.exists()


def test_the_progress_fragment_polls_while_running_and_reloads_the_page_when_done(staff_client):
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.RUNNING, progress=42, message="Searching: window 3: 6 placed"
    )
    url = reverse("grouping:run", args=[round.slug, run.pk])

    response = staff_client.get(url, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert 'aria-valuenow="42"' in html
    assert "Searching: window 3: 6 placed" in html
    assert 'hx-trigger="every 1s"' in html
    assert "HX-Refresh" not in response.headers

    run_grouping(run.pk)  # no longer queued: changes nothing
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.DONE, message="Placed 6."
    )
    response = staff_client.get(url, headers={"HX-Request": "true"})
    assert response.headers["HX-Refresh"] == "true"
    assert "every 1s" not in response.content.decode()


def test_a_failed_run_shows_its_message(staff_client):
    round, _ = small_round()
    run = grouping_run_start(round=round, by=None)
    GroupingRun.objects.filter(pk=run.pk).update(
        status=GroupingRun.Status.FAILED, message="Grouping stopped with an error: boom"
    )

    html = staff_client.get(reverse("grouping:round", args=[round.slug])).content.decode()

    assert "Failed" in html
    assert "Grouping stopped with an error: boom" in html
    assert ">Form cohorts</button>" in html


def test_drafts_show_times_in_the_viewers_zone_and_in_the_cohorts_own(client, world):
    viewer = UserFactory(is_staff=True, time_zone="America/New_York")
    monday = world["monday"]
    hours, minutes = divmod(monday.slot_start - 5 * 60, 60)  # EST in early March 2027

    html = log_in(client, viewer).get(urls(world)["round"]).content.decode()

    assert f"Mondays {hours:02d}:{minutes:02d}</strong> (America/New_York)" in html
    assert f"Mondays {monday.local_time:%H:%M} (Europe/London)" in html
    assert "Mona Lead" in html


def test_the_page_lists_members_with_their_fit_and_everyone_left_out_with_a_reason(
    staff_client, world
):
    people = world["people"]
    Placement.objects.filter(enrollment=people["Ada"]).update(cohort=world["wednesday"])

    html = staff_client.get(urls(world)["round"]).content.decode()

    wednesday = html[html.index(f'id="cohort-{world["wednesday"].pk}"') :]
    row = re.search(r"<tr[^>]*>\s*<th scope=\"row\">Ada</th>.*?</tr>", wednesday, re.S)[0]
    assert "Cannot attend" in row
    assert "cannot-attend" in row
    assert "Not in a cohort (2)" in html
    assert "Nora None" in html and "No availability given" in html
    assert "Fred Friday" in html and "No shared slot with a facilitator" in html
    assert f'{reverse("grouping:move", args=[world["round"].slug, people["no_times"].pk])}"' in html


def test_while_a_new_run_is_under_way_the_last_finished_one_explains(staff_client, world):
    grouping_run_start(round=world["round"], by=None)

    html = staff_client.get(urls(world)["round"]).content.decode()

    assert "No availability given" in html
    assert "Queued" in html


def test_before_any_run_people_are_listed_as_not_grouped_yet(staff_client):
    round, _ = small_round()

    html = staff_client.get(reverse("grouping:round", args=[round.slug])).content.decode()

    assert "Not in a cohort (8)" in html
    assert "Grouping has not been run since they were accepted" in html


# Moving a person -------------------------------------------------------------------------


def test_moving_a_person_between_drafts_and_out_of_them(staff_client, world):
    people, wednesday = world["people"], world["wednesday"]
    available(people["Ada"], MONDAY_EVENING, (2 * DAY + 18 * 60, 2 * DAY + 21 * 60))
    url = urls(world)["move"]

    page = staff_client.get(url).content.decode()
    assert "Fits Ada’s availability." in page
    assert "4 of 4 participants after the move." in page

    response = staff_client.post(url, {"to": str(wednesday.pk)})
    assert response.status_code == 302
    assert response.url.endswith(f"#cohort-{wednesday.pk}")
    assert "Ada" in members(wednesday)

    staff_client.post(url, {"to": "none"})
    assert not Placement.objects.filter(enrollment=people["Ada"]).exists()


def test_a_move_outside_someones_availability_needs_the_box_ticked(staff_client, world):
    wednesday = world["wednesday"]
    url = urls(world)["move"]

    response = staff_client.post(url, {"to": str(wednesday.pk)})

    assert response.status_code == 200
    html = response.content.decode()
    assert "does not cover" in html and "needs-confirmation" in html
    assert "Ada" not in members(wednesday)

    staff_client.post(url, {"to": str(wednesday.pk), "move_anyway": "on"})
    assert "Ada" in members(wednesday)


def test_a_move_to_an_unknown_cohort_is_a_form_error(staff_client, world):
    response = staff_client.post(urls(world)["move"], {"to": "999999"})

    assert response.status_code == 200
    assert "not a draft cohort of this round" in response.content.decode()


def test_people_in_published_cohorts_and_facilitators_cannot_be_moved_here(staff_client, world):
    slug = world["round"].slug
    published = CohortFactory(round=world["round"], name="Live")
    Placement.objects.filter(enrollment=world["people"]["Ada"]).update(cohort=published)

    assert staff_client.get(urls(world)["move"]).status_code == 404
    lead_url = reverse("grouping:move", args=[slug, world["people"]["mon_lead"].pk])
    assert staff_client.get(lead_url).status_code == 404


# Changing a draft's time or facilitator --------------------------------------------------


def test_the_time_form_starts_at_the_current_time_in_the_viewers_zone(client, world):
    viewer = UserFactory(is_staff=True, time_zone="America/New_York")
    monday = world["monday"]
    hours, minutes = divmod(monday.slot_start - 5 * 60, 60)

    html = log_in(client, viewer).get(urls(world)["cohort"]).content.decode()

    assert re.search(r'<option value="0" selected>Monday</option>', html)
    assert f'value="{hours:02d}:{minutes:02d}"' in html
    assert "My time zone (America/New_York)" in html
    assert "The cohort’s time zone (Europe/London)" in html


def test_checking_a_new_time_lists_who_could_not_attend_and_changes_nothing(staff_client, world):
    monday = world["monday"]
    before = monday.slot_start

    response = staff_client.post(
        urls(world)["cohort"],
        {
            "action": "check-time",
            "time-weekday": "1",
            "time-time": "19:00",
            "time-zone": "Europe/London",
        },
    )

    html = response.content.decode()
    assert "On Tuesdays at 19:00 (Europe/London)" in html
    absentees = re.search(r'<ul class="check-absentees">(.*?)</ul>', html, re.S)[1]
    assert {"Ada", "Ben", "Cat", "Mona Lead"} == set(re.findall(r"<li>([^(<]+?) \(", absentees))
    monday.refresh_from_db()
    assert monday.slot_start == before


def test_the_live_check_answers_with_a_fragment(staff_client, world):
    url = reverse("grouping:check", args=[world["round"].slug, world["monday"].pk])
    everyone_free = f"{world['monday'].local_time:%H:%M}"

    fragment = staff_client.get(
        url,
        {
            "kind": "time",
            "time-weekday": "0",
            "time-time": everyone_free,
            "time-zone": "Europe/London",
        },
        headers={"HX-Request": "true"},
    ).content.decode()
    assert "Everyone can attend." in fragment
    assert "<html" not in fragment

    fragment = staff_client.get(
        url,
        {"kind": "time", "time-weekday": "4", "time-time": "07:00", "time-zone": "Europe/London"},
    ).content.decode()
    assert "4 people could not attend" in fragment

    wes = world["people"]["wed_lead"]
    fragment = staff_client.get(
        url, {"kind": "lead", "lead-facilitator": str(wes.pk)}
    ).content.decode()
    assert "With Wes Lead" in fragment
    assert "Wes Lead already leads 1 cohort in this round" in fragment

    fragment = staff_client.get(url, {"kind": "time", "time-time": "not a time"}).content.decode()
    assert "Choose a day and a time" in fragment
    assert staff_client.get(url, {"kind": "other"}).status_code == 404


def test_saving_a_new_time_needs_confirmation_then_moves_the_draft(staff_client, world):
    monday = world["monday"]
    data = {
        "action": "save-time",
        "time-weekday": "1",
        "time-time": "19:00",
        "time-zone": "Europe/London",
    }

    response = staff_client.post(urls(world)["cohort"], data)
    assert response.status_code == 200
    assert "Tick the box to confirm the change anyway" in response.content.decode()
    monday.refresh_from_db()
    assert monday.weekday == 0

    response = staff_client.post(urls(world)["cohort"], {**data, "time-confirm": "on"})
    assert response.status_code == 302
    monday.refresh_from_db()
    assert (monday.weekday, monday.local_time, monday.slot_start) == (1, time(19), DAY + 19 * 60)
    page = staff_client.get(urls(world)["round"]).content.decode()
    assert page.count("Cannot attend") >= 3


def test_swapping_the_facilitator_from_the_page(staff_client, world):
    paris = FacilitatorEnrollmentFactory(
        round=world["round"], user__display_name="Pia Paris", user__time_zone="Europe/Paris"
    )
    available(paris, MONDAY_LATE)

    response = staff_client.post(
        urls(world)["cohort"], {"action": "save-lead", "lead-facilitator": str(paris.pk)}
    )

    assert response.status_code == 302
    world["monday"].refresh_from_db()
    assert list(world["monday"].facilitators.all()) == [paris]
    assert world["monday"].time_zone == "Europe/Paris"


def test_a_facilitator_swap_that_breaks_a_rule_is_refused_with_the_reason(staff_client, world):
    wes = world["people"]["wed_lead"]

    response = staff_client.post(
        urls(world)["cohort"], {"action": "save-lead", "lead-facilitator": str(wes.pk)}
    )

    assert response.status_code == 200
    assert "the most they said they can run (1)" in response.content.decode()
    assert list(world["monday"].facilitators.all()) == [world["people"]["mon_lead"]]


def test_only_facilitators_of_the_round_are_offered(staff_client, world):
    other = FacilitatorEnrollmentFactory(user__display_name="Oscar Other")
    participant_pk = world["people"]["Ben"].pk

    html = staff_client.get(urls(world)["cohort"]).content.decode()
    assert "Oscar Other" not in html
    for choice in [other.pk, participant_pk]:
        response = staff_client.post(
            urls(world)["cohort"], {"action": "save-lead", "lead-facilitator": str(choice)}
        )
        assert "Choose one of this round" in response.content.decode()


# Publishing ------------------------------------------------------------------------------


def test_publishing_from_the_page(staff_client, world, client):
    url = urls(world)["publish"]
    page = staff_client.get(url).content.decode()
    assert "2 cohorts to publish" in page
    assert "2 accepted participants are in no cohort" in page

    response = staff_client.post(url, follow=True)

    html = response.content.decode()
    assert "Published 2 cohorts." in html
    assert "Published cohorts (2)" in html
    assert "Not in a cohort (2)" in html
    assert Cohort.objects.filter(published_at__isnull=True).count() == 0
    mine = log_in(client, world["people"]["Dan"].user).get(reverse("cohorts:mine")).content.decode()
    assert world["wednesday"].name in mine


def test_publishing_asks_for_a_tick_when_someone_cannot_attend(staff_client, world):
    Placement.objects.filter(enrollment=world["people"]["Ada"]).update(cohort=world["wednesday"])
    url = urls(world)["publish"]

    page = staff_client.get(url).content.decode()
    assert "Please check" in page
    assert "Ada (participant of Cohort 2) is not available" in page

    response = staff_client.post(url)
    assert response.status_code == 200
    assert "tick the box to publish them all the same" in response.content.decode()
    assert not Cohort.objects.filter(published_at__isnull=False).exists()

    assert staff_client.post(url, {"confirm": "on"}).status_code == 302
    assert Cohort.objects.filter(published_at__isnull=False).count() == 2


def test_publishing_is_blocked_while_a_draft_has_no_facilitator(staff_client, world):
    world["monday"].facilitators.clear()
    url = urls(world)["publish"]

    page = staff_client.get(url).content.decode()
    assert "Fix these first" in page
    assert "disabled" in page

    response = staff_client.post(url, {"confirm": "on"})
    assert "Nothing was published." in response.content.decode()
    assert not Cohort.objects.filter(published_at__isnull=False).exists()


# Query budget ----------------------------------------------------------------------------


def round_with_drafts(count: int, run_status=GroupingRun.Status.DONE):
    """A round with ``count`` draft cohorts of four, every member with availability."""
    round = scheduled_round(units=1)
    for i in range(count):
        lead = FacilitatorEnrollmentFactory(round=round, max_cohorts=1)
        start = (i * 120) % (7 * DAY)
        available(lead, (start, start + 180))
        cohort = CohortFactory(
            round=round, published_at=None, slot_start=start, facilitators=[lead]
        )
        for _ in range(4):
            member = EnrollmentFactory(round=round)
            available(member, (start, start + 90))
            Placement.objects.create(enrollment=member, cohort=cohort)
    for _ in range(3):
        participant(round, MONDAY_EVENING)
    grouping_run_start(round=round, by=UserFactory(is_staff=True))
    GroupingRun.objects.update(status=GroupingRun.Status.DONE, finished_at=timezone.now())
    if run_status != GroupingRun.Status.DONE:
        grouping_run_start(round=round, by=None)  # a newer run, still under way
        GroupingRun.objects.filter(status=GroupingRun.Status.QUEUED).update(status=run_status)
    return round


@pytest.mark.parametrize("run_status", [GroupingRun.Status.DONE, GroupingRun.Status.RUNNING])
@pytest.mark.parametrize("count", [3, 30])
def test_the_review_page_costs_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, count, run_status
):
    round = round_with_drafts(count, run_status)
    url = reverse("grouping:round", args=[round.slug])

    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        response = staff_client.get(url)

    assert response.status_code == 200
    assert len(response.context["page"].drafts) == count
    assert response.content.decode().count("Move ") >= 4 * count


# Session, user, round and round_state's seven; plus navigation (2) on whole pages, and the
# publish page asks whether the round has a schedule.
PAGE_QUERIES = {"move": 12, "cohort": 12, "check": 10, "publish": 13}


@pytest.mark.parametrize("count", [3, 30])
def test_the_other_pages_cost_a_fixed_number_of_queries(
    staff_client, django_assert_max_num_queries, count
):
    round = round_with_drafts(count)
    cohort = Cohort.objects.filter(round=round).first()
    member = cohort.placements.first().enrollment
    slug = round.slug
    check = "?kind=time&time-weekday=1&time-time=10:00&time-zone=Europe/London"
    pages = {
        "move": reverse("grouping:move", args=[slug, member.pk]),
        "cohort": reverse("grouping:cohort", args=[slug, cohort.pk]),
        "check": reverse("grouping:check", args=[slug, cohort.pk]) + check,
        "publish": reverse("grouping:publish", args=[slug]),
    }

    for name, url in pages.items():
        with django_assert_max_num_queries(PAGE_QUERIES[name]):
            assert staff_client.get(url).status_code == 200
