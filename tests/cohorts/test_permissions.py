"""Who may open and act on each cohort page.

Cohort A is the one under test. Its own facilitator and staff may see and
act on it. A participant or facilitator of cohort B (same round) gets a 404,
as for a page that does not exist, and so does a member of A itself for the
facilitator-only pages. Anonymous visitors are sent to log in.
"""

import pytest
import time_machine
from django.urls import reverse

from apps.cohorts.models import Attendance, Placement
from apps.rounds.models import Enrollment
from tests.cohorts.test_services import BEFORE_ROUND, member_enrollments, published_cohort, utc
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db

AFTER_FIRST_MEETING = utc(2027, 3, 3, 12)


@pytest.fixture
def world(staff):
    with time_machine.travel(BEFORE_ROUND, tick=False):
        a = published_cohort(members=2, name="Cohort A")
        b = published_cohort(round=a.round, members=2, name="Cohort B")
    return {
        "a": a,
        "b": b,
        "target": member_enrollments(a)[0],
        "meeting": a.meetings.order_by("starts_at").first(),
        "people": {
            "own facilitator": a.facilitators.get().user,
            "staff": staff,
            "facilitator of another cohort": b.facilitators.get().user,
            "participant of another cohort": member_enrollments(b)[0].user,
            "member of the cohort": member_enrollments(a)[1].user,
        },
    }


def urls(world) -> dict[str, str]:
    a, target, meeting = world["a"], world["target"], world["meeting"]
    return {
        "detail": reverse("cohorts:detail", args=[a.pk]),
        "attendance": reverse("cohorts:attendance", args=[a.pk, meeting.pk]),
        "move": reverse("cohorts:move", args=[a.pk, target.pk]),
        "drop": reverse("cohorts:drop", args=[a.pk, target.pk]),
    }


FACILITATOR_PAGES = ["detail", "attendance", "move", "drop"]

# What each person gets on each facilitator page of cohort A.
EXPECTED = {
    "own facilitator": 200,
    "staff": 200,
    "facilitator of another cohort": 404,
    "participant of another cohort": 404,
}


def as_person(client, world, who):
    with time_machine.travel(AFTER_FIRST_MEETING, tick=False):
        client.login(email=world["people"][who].email, password=PASSWORD)
    return client


@pytest.mark.parametrize("name", FACILITATOR_PAGES)
@pytest.mark.parametrize("who", EXPECTED)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_facilitator_pages_answer_only_their_facilitator_and_staff(client, world, who, name):
    response = as_person(client, world, who).get(urls(world)[name])

    assert response.status_code == EXPECTED[who]


@pytest.mark.parametrize("name", FACILITATOR_PAGES)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_anonymous_visitors_are_sent_to_log_in(client, world, name):
    response = client.get(urls(world)[name])

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", ["attendance", "move", "drop"])
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_member_cannot_open_their_own_cohorts_facilitator_pages(client, world, name):
    response = as_person(client, world, "member of the cohort").get(urls(world)[name])

    assert response.status_code == 404


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_member_opening_their_cohorts_page_is_sent_to_my_cohort(client, world):
    response = as_person(client, world, "member of the cohort").get(urls(world)["detail"])

    assert response.status_code == 302 and response.url == reverse("cohorts:mine")


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_member_of_a_draft_cohort_gets_404_not_a_redirect(client, world):
    world["a"].published_at = None
    world["a"].save()

    response = as_person(client, world, "member of the cohort").get(urls(world)["detail"])

    assert response.status_code == 404


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_cohort_that_does_not_exist_is_404_even_for_staff(client, world):
    response = as_person(client, world, "staff").get(reverse("cohorts:detail", args=[999999]))

    assert response.status_code == 404


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_facilitator_whose_enrollment_was_dropped_loses_access(client, world):
    lead = world["a"].facilitators.get()
    lead.status = Enrollment.Status.DROPPED
    lead.save()

    response = as_person(client, world, "own facilitator").get(urls(world)["detail"])

    assert response.status_code == 404


OUTSIDERS = [
    "facilitator of another cohort",
    "participant of another cohort",
    "member of the cohort",
]


@pytest.mark.parametrize("who", OUTSIDERS)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_outsiders_cannot_record_attendance(client, world, who):
    target = world["target"]

    response = as_person(client, world, who).post(
        urls(world)["attendance"], {f"status_{target.pk}": "absent", "everyone_present": "1"}
    )

    assert response.status_code == 404
    assert not Attendance.objects.exists()


@pytest.mark.parametrize("who", OUTSIDERS)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_outsiders_cannot_move_a_participant(client, world, who):
    target = world["target"]

    response = as_person(client, world, who).post(
        urls(world)["move"], {"to": world["b"].pk, "move_anyway": "on"}
    )

    assert response.status_code == 404
    assert Placement.objects.get(enrollment=target).cohort == world["a"]


@pytest.mark.parametrize("who", OUTSIDERS)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_outsiders_cannot_mark_a_drop_out(client, world, who):
    target = world["target"]

    response = as_person(client, world, who).post(urls(world)["drop"])

    assert response.status_code == 404
    target.refresh_from_db()
    assert target.status != Enrollment.Status.DROPPED


@pytest.mark.parametrize("who", ["own facilitator", "staff"])
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_facilitator_and_staff_can_act(client, world, who):
    target = world["target"]
    as_person(client, world, who)

    recorded = client.post(urls(world)["attendance"], {"everyone_present": "1"})
    dropped = client.post(urls(world)["drop"])

    assert recorded.status_code == 302 and dropped.status_code == 302
    assert Attendance.objects.filter(meeting=world["meeting"]).count() == 2
    target.refresh_from_db()
    assert target.status == Enrollment.Status.DROPPED


@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_a_participant_of_another_cohort_cannot_be_acted_on_through_this_cohort(client, world):
    stranger = member_enrollments(world["b"])[0]
    a = world["a"]
    as_person(client, world, "own facilitator")

    for name in ("move", "drop"):
        url = reverse(f"cohorts:{name}", args=[a.pk, stranger.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, {"to": a.pk, "move_anyway": "on"}).status_code == 404
    assert Placement.objects.get(enrollment=stranger).cohort == world["b"]


# Pages everyone signed in may open, each showing only their own -----------------------


@pytest.mark.parametrize("name", ["cohorts:mine", "cohorts:list"])
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_anonymous_visitors_are_sent_to_log_in_from_the_lists(client, world, name):
    response = client.get(reverse(name))

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [
        ("member of the cohort", True, False),
        ("participant of another cohort", False, True),
        ("own facilitator", True, False),
        ("facilitator of another cohort", False, True),
        ("staff", False, False),  # staff take part in no cohort here
    ],
)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_my_cohort_shows_only_the_viewers_own_cohort(client, world, who, sees_a, sees_b):
    html = as_person(client, world, who).get(reverse("cohorts:mine")).content.decode()

    assert ("Cohort A" in html) is sees_a
    assert ("Cohort B" in html) is sees_b


@pytest.mark.parametrize(
    "who, sees_a, sees_b",
    [
        ("member of the cohort", False, False),
        ("participant of another cohort", False, False),
        ("own facilitator", True, False),
        ("facilitator of another cohort", False, True),
        ("staff", True, True),
    ],
)
@time_machine.travel(AFTER_FIRST_MEETING, tick=False)
def test_the_cohort_list_shows_only_cohorts_the_viewer_runs(client, world, who, sees_a, sees_b):
    response = as_person(client, world, who).get(reverse("cohorts:list"))
    html = response.content.decode()

    assert response.status_code == 200
    assert ("Cohort A" in html) is sees_a
    assert ("Cohort B" in html) is sees_b
