"""A round's own application questions: answered when applying, changed until the deadline."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from apps.rounds.models import ApplicationAnswer, ApplicationQuestion, Enrollment
from apps.rounds.services import RoundError, application_edit, enrollment_apply
from tests.factories import EnrollmentFactory, RoundFactory

pytestmark = pytest.mark.django_db


def with_questions(round):
    background = ApplicationQuestion.objects.create(
        round=round, position=1, text="Your background?", kind="short"
    )
    plan = ApplicationQuestion.objects.create(
        round=round, position=2, text="What would you do after?", kind="long", is_required=False
    )
    track = ApplicationQuestion.objects.create(
        round=round,
        position=3,
        text="Which track?",
        kind="choice",
        options="Technical\nGovernance\n",
    )
    return background, plan, track


def posted(background, plan, track, **changes):
    data = {
        "motivation": "To help.",
        "experience": "1",
        f"question_{background.pk}": "Physics PhD",
        f"question_{plan.pk}": "",
        f"question_{track.pk}": "Governance",
    }
    data.update(changes)
    return data


def test_an_applicant_answers_the_rounds_own_questions(participant_client, participant):
    round = RoundFactory()
    background, plan, track = with_questions(round)

    page = participant_client.get(reverse("rounds:apply", args=[round.slug])).content.decode()
    response = participant_client.post(
        reverse("rounds:apply", args=[round.slug]), posted(background, plan, track)
    )

    assert "Which track?" in page and "What would you do after? (optional)" in page
    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=participant)
    assert dict(enrollment.answers.values_list("question__text", "text")) == {
        "Your background?": "Physics PhD",
        "What would you do after?": "",
        "Which track?": "Governance",
    }


def test_a_missing_required_answer_is_named_and_nothing_typed_is_lost(participant_client):
    round = RoundFactory()
    background, plan, track = with_questions(round)

    response = participant_client.post(
        reverse("rounds:apply", args=[round.slug]),
        posted(background, plan, track, **{f"question_{background.pk}": ""}),
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert "Answer “Your background?”." in html
    assert f'href="#id_question_{background.pk}"' in html
    assert "To help." in html
    assert 'value="Governance"' in html and "checked" in html
    assert not Enrollment.objects.exists()


def test_a_choice_that_is_not_an_option_is_refused(participant_client):
    round = RoundFactory()
    background, plan, track = with_questions(round)

    response = participant_client.post(
        reverse("rounds:apply", args=[round.slug]),
        posted(background, plan, track, **{f"question_{track.pk}": "Cooking"}),
    )

    assert response.status_code == 200
    assert "Choose one of the options for “Which track?”." in response.content.decode()
    assert not Enrollment.objects.exists()


def test_the_service_names_the_question_it_refuses(participant):
    round = RoundFactory()
    background, plan, track = with_questions(round)
    too_long = "x" * (ApplicationQuestion.SHORT_MAX + 1)

    with pytest.raises(RoundError, match="Your answer to “Your background\\?” is 201"):
        enrollment_apply(
            round=round,
            user=participant,
            motivation="m",
            experience=0,
            answers={background.pk: too_long, track.pk: "Technical"},
        )
    with pytest.raises(RoundError, match="Choose one of the options for “Which track\\?”"):
        enrollment_apply(
            round=round,
            user=participant,
            motivation="m",
            experience=0,
            answers={background.pk: "a", track.pk: "Cooking"},
        )
    assert not Enrollment.objects.exists()


def test_an_application_can_be_changed_until_the_deadline_and_not_after(
    participant_client, participant
):
    round = RoundFactory()
    background, plan, track = with_questions(round)
    url = reverse("rounds:apply", args=[round.slug])
    participant_client.post(url, posted(background, plan, track))

    page = participant_client.get(url).content.decode()
    participant_client.post(
        url, posted(background, plan, track, **{f"question_{track.pk}": "Technical"})
    )
    assert "Physics PhD" in page and "Save changes" in page
    assert ApplicationAnswer.objects.get(question=track).text == "Technical"

    with time_machine.travel(round.applications_close_at + timedelta(minutes=1)):
        response = participant_client.post(
            url,
            posted(background, plan, track, **{f"question_{track.pk}": "Governance"}),
            follow=True,
        )
    assert "your application is final" in response.content.decode()
    assert ApplicationAnswer.objects.get(question=track).text == "Technical"


def test_a_decided_application_cannot_be_changed(participant):
    enrollment = EnrollmentFactory(user=participant, status=Enrollment.Status.WAITLISTED)

    with pytest.raises(RoundError, match="can no longer be changed"):
        application_edit(
            enrollment=enrollment, motivation="New", experience=0, answers={}, now=timezone.now()
        )
