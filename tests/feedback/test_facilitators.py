"""Facilitators read the guide and their cohort's feedback, and keep notes on each meeting."""

import pytest
from django.urls import reverse

from apps.feedback.models import MeetingNote, ResourceRating, SessionRating
from apps.rounds.models import Enrollment
from tests.factories import FacilitatorEnrollmentFactory, RoundFactory, UnitFactory
from tests.feedback.conftest import log_in

pytestmark = pytest.mark.django_db

GUIDE_HTML = "<p>Ask: <em>why</em> does the proxy fail?</p>"


def meeting_url(meeting):
    return reverse("feedback:meeting", args=[meeting.cohort_id, meeting.pk])


def cohort_url(cohort):
    return reverse("feedback:cohort", args=[cohort.pk])


def round_url(round):
    return reverse("feedback:round", args=[round.slug])


def rated(world):
    """Feedback from one member of each cohort, and notes from each facilitator."""
    mine, other = world.mine, world.other
    SessionRating.objects.create(
        enrollment=mine.members[0], unit=world.unit, rating=5, comment="Loved the examples."
    )
    SessionRating.objects.create(enrollment=mine.members[1], unit=world.unit, rating=2)
    SessionRating.objects.create(
        enrollment=other.members[0], unit=world.unit, rating=1, comment="From the other cohort."
    )
    ResourceRating.objects.create(
        enrollment=mine.members[0], resource=world.resources[0], worth_it=True, note="Vivid."
    )
    ResourceRating.objects.create(
        enrollment=mine.members[1], resource=world.resources[0], worth_it=False
    )
    ResourceRating.objects.create(
        enrollment=other.members[0], resource=world.resources[1], worth_it=False, note="Skip it."
    )
    MeetingNote.objects.create(meeting=mine.meeting, author=mine.facilitator, text="Quiet *Ann*.")
    MeetingNote.objects.create(meeting=other.meeting, author=other.facilitator, text="Ran long.")


# The guide on the session page


@pytest.mark.parametrize("who", ["facilitator", "lead", "staff"])
def test_facilitators_and_admins_see_the_guide_on_the_session_page(client, world, staff, who):
    user = {"facilitator": world.mine.facilitator.user, "lead": world.lead.user, "staff": staff}
    html = log_in(client, user[who]).get(world.unit.get_absolute_url()).content.decode()

    assert "Facilitator guide" in html
    assert GUIDE_HTML in html


def test_a_facilitator_of_another_round_of_the_same_course_sees_the_guide(client, world):
    later = RoundFactory(course=world.round.course)
    facilitator = FacilitatorEnrollmentFactory(round=later, status="accepted")

    html = log_in(client, facilitator).get(world.unit.get_absolute_url()).content.decode()

    assert GUIDE_HTML in html


@pytest.mark.parametrize("who", ["participant", "outsider", "former facilitator", "other course"])
def test_nobody_else_sees_the_guide(client, world, outsider, who):
    if who == "participant":
        user = world.participant.user
    elif who == "outsider":
        user = outsider
    elif who == "former facilitator":
        Enrollment.objects.filter(pk=world.other.facilitator.pk).update(status="dropped")
        user = world.other.facilitator.user
    else:
        user = FacilitatorEnrollmentFactory(status="active").user

    html = log_in(client, user).get(world.unit.get_absolute_url()).content.decode()

    assert "Facilitator guide" not in html
    assert "proxy fail" not in html


def test_the_guide_lists_the_facilitators_own_meetings_of_the_session(client, world):
    html = log_in(client, world.mine.facilitator).get(world.unit.get_absolute_url()).content
    html = html.decode()

    assert meeting_url(world.mine.meeting) in html
    assert meeting_url(world.other.meeting) not in html


def test_a_session_without_a_guide_says_so_to_facilitators(client, world):
    unit = UnitFactory(course=world.round.course, number=3)

    html = log_in(client, world.mine.facilitator).get(unit.get_absolute_url()).content.decode()

    assert "This session has no facilitator guide yet." in html


# A meeting's feedback and notes


def test_the_meeting_page_shows_the_cohorts_ratings_resources_and_notes(client, world):
    rated(world)

    response = log_in(client, world.mine.facilitator).get(meeting_url(world.mine.meeting))

    assert response.status_code == 200
    html = response.content.decode()
    assert "3.5 of 5" in html and "from 2 ratings (2 members)" in html
    assert "Loved the examples." in html
    assert world.mine.members[0].user.name in html
    assert "Vivid." in html
    assert "<p>Quiet <em>Ann</em>.</p>" in html
    assert GUIDE_HTML in html
    # Nothing of the other cohort.
    assert "From the other cohort." not in html and "Skip it." not in html
    assert "Ran long." not in html


def test_a_facilitator_writes_changes_and_removes_their_notes(client, world):
    log_in(client, world.mine.facilitator)
    url = meeting_url(world.mine.meeting)

    response = client.post(url, {"text": "Bob asked about *timelines*."})
    assert response.status_code == 302 and response.url == url
    client.post(url, {"text": "Bob asked about timelines; follow up."})
    note = MeetingNote.objects.get()
    assert (note.author, note.text) == (
        world.mine.facilitator,
        "Bob asked about timelines; follow up.",
    )

    client.post(url, {"text": "   "})
    assert not MeetingNote.objects.exists()


def test_notes_that_are_too_long_are_refused_and_kept(client, world):
    log_in(client, world.mine.facilitator)
    text = "y" * 20_001

    response = client.post(meeting_url(world.mine.meeting), {"text": text})

    assert response.status_code == 400
    assert "Keep the notes to 20,000 characters" in response.content.decode()
    assert text in response.content.decode()
    assert not MeetingNote.objects.exists()


@pytest.mark.parametrize("who", ["lead", "staff"])
def test_leads_and_admins_read_any_cohorts_meeting_but_write_no_notes(client, world, staff, who):
    rated(world)
    log_in(client, world.lead if who == "lead" else staff)

    response = client.get(meeting_url(world.other.meeting))
    assert response.status_code == 200
    assert "Ran long." in response.content.decode()
    assert 'name="text"' not in response.content.decode()

    response = client.post(meeting_url(world.other.meeting), {"text": "Mine now"})
    assert response.status_code == 400
    assert list(MeetingNote.objects.values_list("text", flat=True).order_by("pk")) == [
        "Quiet *Ann*.",
        "Ran long.",
    ]


@pytest.mark.parametrize("who", ["participant", "other facilitator", "outsider"])
def test_nobody_else_reaches_a_meetings_feedback(client, world, outsider, who):
    user = {
        "participant": world.participant.user,
        "other facilitator": world.other.facilitator.user,
        "outsider": outsider,
    }[who]
    log_in(client, user)

    assert client.get(meeting_url(world.mine.meeting)).status_code == 404
    assert client.post(meeting_url(world.mine.meeting), {"text": "x"}).status_code == 404
    assert client.get(cohort_url(world.mine.cohort)).status_code == 404
    assert not MeetingNote.objects.exists()


def test_a_meeting_is_found_only_under_its_own_cohort(client, world):
    log_in(client, world.mine.facilitator)
    url = reverse("feedback:meeting", args=[world.mine.cohort.pk, world.other.meeting.pk])
    assert client.get(url).status_code == 404


# A cohort's meetings


def test_the_cohort_page_lists_meetings_held_with_ratings_and_the_next_ones_with_guides(
    client, world
):
    rated(world)

    response = log_in(client, world.mine.facilitator).get(cohort_url(world.mine.cohort))

    assert response.status_code == 200
    html = response.content.decode()
    held, coming = html.split('id="past-heading"')[1], html.split('id="past-heading"')[0]
    assert "Session 1: Rewards" in held and "3.5 of 5" in held and "2 ratings" in held
    assert "Session 2: Oversight" in coming
    assert "This session has no facilitator guide." in coming
    assert meeting_url(world.mine.next_meeting) in coming


# The round, for lead facilitators


def test_leads_see_the_rounds_ratings_per_session_and_resource(client, world):
    rated(world)

    response = log_in(client, world.lead).get(round_url(world.round))

    assert response.status_code == 200
    html = response.content.decode()
    assert "2.7 of 5" in html and "from 3 ratings" in html
    assert "Loved the examples." in html and "From the other cohort." in html
    assert "Vivid." in html and "Skip it." in html
    assert cohort_url(world.mine.cohort) in html and cohort_url(world.other.cohort) in html


@pytest.mark.parametrize("who", ["facilitator", "participant"])
def test_the_round_page_is_only_for_leads_and_admins(client, world, who):
    log_in(client, world.mine.facilitator if who == "facilitator" else world.participant)
    assert client.get(round_url(world.round)).status_code == 404


def test_admins_see_every_round(client, world, staff):
    assert log_in(client, staff).get(round_url(world.round)).status_code == 200
