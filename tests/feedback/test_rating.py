"""Participants rate a session and its resources from the session page, and can change it."""

import re

import pytest
from django.urls import reverse

from apps.feedback.models import ResourceRating, SessionRating
from apps.feedback.services import FeedbackError, session_rating_save
from apps.rounds.models import Enrollment
from tests.factories import ResourceFactory
from tests.feedback.conftest import GUIDE, log_in

pytestmark = pytest.mark.django_db


def rate_url(world, unit=None):
    return reverse("feedback:rate_session", args=[world.round.slug, (unit or world.unit).pk])


def resource_url(world, resource):
    return reverse("feedback:rate_resource", args=[world.round.slug, resource.pk])


def page(client, unit) -> str:
    response = client.get(unit.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


# On the session page


def test_after_the_meeting_a_participant_is_asked_to_rate_the_session_and_each_resource(
    client, world
):
    html = page(log_in(client, world.participant), world.unit)

    assert "How was this session?" in html and 'class="feedback-ask"' in html
    assert 'id="session-rating"' in html
    assert f'action="{rate_url(world)}"' in html
    for resource in world.resources:
        assert f"Was “{resource.title}” worth your time?" in html
        assert f'action="{resource_url(world, resource)}"' in html


def test_before_the_meeting_the_page_says_when_the_session_can_be_rated(client, world):
    html = page(log_in(client, world.participant), world.units[1])

    assert 'name="rating"' not in html
    assert "once your cohort has met to discuss it, on" in html
    assert "Tuesday 16 March" in html
    # The resources can be rated whenever they have been read.
    assert "Was “Debate” worth your time?" in html


def test_the_form_shows_the_rating_already_given(client, world):
    SessionRating.objects.create(
        enrollment=world.participant, unit=world.unit, rating=4, comment="Good pace."
    )
    ResourceRating.objects.create(
        enrollment=world.participant, resource=world.resources[1], worth_it=False, note="Too long"
    )

    html = page(log_in(client, world.participant), world.unit)

    assert re.search(r'id="session-rating-4" value="4" checked', html)
    assert ">Good pace.</textarea>" in html
    assert 'class="feedback-ask"' not in html  # no longer asked
    pk = world.resources[1].pk
    assert re.search(rf'id="resource-rating-{pk}-no" value="False" checked', html)
    assert ">Too long</textarea>" in html


@pytest.mark.parametrize("who", ["facilitator", "lead", "outsider", "staff"])
def test_nobody_but_participants_taking_part_gets_the_rating_forms(
    client, world, outsider, staff, who
):
    user = {
        "facilitator": world.mine.facilitator.user,
        "lead": world.lead.user,
        "outsider": outsider,
        "staff": staff,
    }[who]

    html = page(log_in(client, user), world.unit)

    assert "Your feedback" not in html
    assert "worth your time?" not in html


def test_a_participant_who_left_the_round_is_not_asked(client, world):
    Enrollment.objects.filter(pk=world.participant.pk).update(status=Enrollment.Status.LEFT)

    html = page(log_in(client, world.participant), world.unit)

    assert "Your feedback" not in html


# Saving without JavaScript


def test_rating_a_session_saves_it_and_returns_to_the_session(client, world):
    log_in(client, world.participant)

    response = client.post(rate_url(world), {"rating": "4", "comment": "  Lively.  "})

    assert response.status_code == 302
    assert response.url == f"{world.unit.get_absolute_url()}#session-rating"
    rating = SessionRating.objects.get()
    assert (rating.enrollment, rating.unit, rating.rating, rating.comment) == (
        world.participant,
        world.unit,
        4,
        "Lively.",
    )
    follow = client.get(response.url)
    assert "Saved your rating of Session 1." in follow.content.decode()


def test_rating_again_changes_the_one_rating(client, world):
    log_in(client, world.participant)
    client.post(rate_url(world), {"rating": "2", "comment": "Rushed."})

    client.post(rate_url(world), {"rating": "5", "comment": ""})

    rating = SessionRating.objects.get()
    assert (rating.rating, rating.comment) == (5, "")


def test_a_rating_without_a_score_is_refused_and_keeps_the_comment(client, world):
    log_in(client, world.participant)

    response = client.post(rate_url(world), {"comment": "Half a thought"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "Choose a rating from 1 (poor) to 5 (excellent)." in html
    assert ">Half a thought</textarea>" in html
    assert not SessionRating.objects.exists()


@pytest.mark.parametrize("score", ["0", "6", "five", "4.5"])
def test_a_score_outside_one_to_five_is_refused(client, world, score):
    log_in(client, world.participant)

    response = client.post(rate_url(world), {"rating": score})

    assert response.status_code == 400
    assert not SessionRating.objects.exists()


def test_a_comment_that_is_too_long_is_refused_and_kept(client, world):
    log_in(client, world.participant)
    comment = "x" * 5_001

    response = client.post(rate_url(world), {"rating": "3", "comment": comment})

    assert response.status_code == 400
    assert "Keep the comment to 5,000 characters" in response.content.decode()
    assert comment in response.content.decode()
    assert not SessionRating.objects.exists()


def test_a_session_whose_meeting_has_not_happened_cannot_be_rated(client, world):
    log_in(client, world.participant)

    response = client.post(rate_url(world, world.units[1]), {"rating": "5"})

    assert response.status_code == 400
    html = response.content.decode()
    assert "once your cohort has met to discuss it, on" in html and "Tuesday 16 March" in html
    in_place = client.post(
        rate_url(world, world.units[1]), {"rating": "5"}, headers={"HX-Request": "true"}
    )
    assert "once your cohort has met to discuss it on Tuesday 16 March." in (
        in_place.content.decode()
    )
    assert not SessionRating.objects.exists()


def test_without_a_meeting_a_session_opens_for_rating_once_its_work_was_due(world):
    place = world.participant
    place.meeting_starts_at = None
    place.session_due_at = world.round.schedule.get(unit=world.unit).due_at

    with pytest.raises(FeedbackError, match="on Sunday 14 March"):
        session_rating_save(enrollment=place, unit=world.unit, rating=3, comment="")

    place.session_due_at = place.session_due_at.replace(day=1)
    session_rating_save(enrollment=place, unit=world.unit, rating=3, comment="")
    assert SessionRating.objects.get().rating == 3


def test_saying_whether_a_resource_was_worth_the_time(client, world):
    log_in(client, world.participant)
    resource = world.resources[0]

    response = client.post(
        resource_url(world, resource),
        {f"resource-{resource.pk}-worth_it": "False", f"resource-{resource.pk}-note": "Dated."},
    )

    assert response.status_code == 302
    assert response.url.endswith(f"#resource-rating-{resource.pk}")
    rating = ResourceRating.objects.get()
    assert (rating.enrollment, rating.resource, rating.worth_it, rating.note) == (
        world.participant,
        resource,
        False,
        "Dated.",
    )

    client.post(resource_url(world, resource), {f"resource-{resource.pk}-worth_it": "True"})
    rating.refresh_from_db()
    assert (rating.worth_it, rating.note) == (True, "")


def test_a_resource_answer_must_be_yes_or_no(client, world):
    log_in(client, world.participant)
    resource = world.resources[0]

    response = client.post(
        resource_url(world, resource), {f"resource-{resource.pk}-worth_it": "maybe"}
    )

    assert response.status_code == 400
    assert "Answer yes or no." in response.content.decode()
    assert not ResourceRating.objects.exists()


# In place, with htmx


def test_saving_in_place_returns_the_form_and_announces_what_was_saved(client, world):
    log_in(client, world.participant)

    response = client.post(rate_url(world), {"rating": "5"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith("<form") and 'id="session-rating"' in html
    assert 'id="session-rating-save"' in html  # the same id, so focus stays on the button
    assert re.search(r'id="session-rating-5" value="5" checked', html)
    assert re.search(
        r'<p id="feedback-status" hx-swap-oob="innerHTML">Saved your rating of Session 1\.</p>',
        html,
    )


def test_a_mistake_in_place_comes_back_in_the_form_with_nothing_announced(client, world):
    log_in(client, world.participant)
    resource = world.resources[1]

    response = client.post(
        resource_url(world, resource),
        {f"resource-{resource.pk}-note": "Which?"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200  # htmx swaps only successful answers
    html = response.content.decode()
    assert 'role="alert"' in html and "Answer yes or no." in html
    assert ">Which?</textarea>" in html
    assert '<p id="feedback-status" hx-swap-oob="innerHTML"></p>' in html


# Who may rate what


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_facilitator_cannot_rate(client, world, method):
    log_in(client, world.mine.facilitator)

    response = getattr(client, method)(rate_url(world), {"rating": "5"})

    assert response.status_code == 404


def test_someone_from_another_round_cannot_rate_this_rounds_sessions(client, world, outsider):
    log_in(client, outsider)

    assert client.post(rate_url(world), {"rating": "5"}).status_code == 404
    resource = world.resources[0]
    assert (
        client.post(
            resource_url(world, resource), {f"resource-{resource.pk}-worth_it": "True"}
        ).status_code
        == 404
    )
    assert not SessionRating.objects.exists() and not ResourceRating.objects.exists()


def test_a_resource_of_another_course_is_404(client, world):
    log_in(client, world.participant)
    elsewhere = ResourceFactory()

    response = client.post(
        resource_url(world, elsewhere), {f"resource-{elsewhere.pk}-worth_it": "True"}
    )

    assert response.status_code == 404


def test_a_participant_who_left_cannot_rate(client, world):
    Enrollment.objects.filter(pk=world.participant.pk).update(status=Enrollment.Status.DROPPED)
    log_in(client, world.participant)

    assert client.post(rate_url(world), {"rating": "5"}).status_code == 404


def test_signed_out_visitors_are_sent_to_log_in(client, world):
    response = client.get(rate_url(world))
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_the_rating_form_has_a_page_of_its_own(client, world):
    response = log_in(client, world.participant).get(rate_url(world))

    assert response.status_code == 200
    assert "Rate Session 1: Rewards" in response.content.decode()
    assert GUIDE not in response.content.decode()
