"""A preview of an answer longer than an answer may be says so instead of rendering it."""

import pytest

from apps.submissions.models import MAX_ANSWER_CHARACTERS
from tests.submissions import as_post, enrolled_in_plan, url

pytestmark = pytest.mark.django_db

TOO_LONG = "**bold** " * (MAX_ANSWER_CHARACTERS // 9) + "x" * 10


def test_the_preview_endpoint_names_the_limit_instead_of_rendering_a_too_long_answer(
    participant_client, participant
):
    enrollment, exercise = enrolled_in_plan(participant)

    response = participant_client.post(
        url("preview", enrollment, exercise), {"preview": "why", "a.why": TOO_LONG}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"characters long and the limit is {MAX_ANSWER_CHARACTERS:,}" in html
    assert "<strong>" not in html


def test_the_preview_without_javascript_names_the_limit_and_keeps_the_text(
    participant_client, participant
):
    enrollment, exercise = enrolled_in_plan(participant)

    response = participant_client.post(
        url("answer", enrollment, exercise), as_post({"why": TOO_LONG}, 1) | {"preview": "why"}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert f"characters long and the limit is {MAX_ANSWER_CHARACTERS:,}" in html
    assert "<strong>bold</strong>" not in html
    assert TOO_LONG[:200] in html  # still in the text box


def test_an_answer_at_the_limit_is_still_previewed(participant_client, participant):
    enrollment, exercise = enrolled_in_plan(participant)
    sentence = (
        "Plain words about the plan and why it matters, written at the length of a real "
        "answer, with one **key** point in it.\n\n"
    )
    text = (sentence * (MAX_ANSWER_CHARACTERS // len(sentence) + 1))[:MAX_ANSWER_CHARACTERS]

    response = participant_client.post(
        url("preview", enrollment, exercise), {"preview": "why", "a.why": text}
    )

    assert "<strong>key</strong>" in response.content.decode()
