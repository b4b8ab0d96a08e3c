"""The rules for answers: loose for drafts (size only), strict for submitting."""

import pytest

from apps.courses.models import Prompt
from apps.submissions.answers import (
    MAX_ITEM_CHARACTERS,
    MAX_ITEMS,
    MAX_MILESTONE_TITLE,
    clean_draft,
    problems_before_submitting,
)
from apps.submissions.models import MAX_ANSWER_CHARACTERS


def prompt(slug="p", answer=Prompt.Answer.TEXT, **fields):
    """An unsaved prompt: the rules only read its fields."""
    return Prompt(slug=slug, text=f"Question {slug}", answer=answer, **fields)


def text_prompt(**fields):
    return prompt(answer=Prompt.Answer.TEXT, **fields)


def list_prompt(**fields):
    return prompt(answer=Prompt.Answer.LIST, **fields)


def strict_list_prompt(**fields):
    """A list whose bounds the course made a rule."""
    return list_prompt(strict_item_bounds=True, **fields)


def milestone_prompt(**fields):
    return prompt(answer=Prompt.Answer.MILESTONES, **fields)


def messages(prompts, answers):
    cleaned, _ = clean_draft(prompts, answers)
    return [problem.message for problem in problems_before_submitting(prompts, cleaned)]


# Drafts -------------------------------------------------------------------------------


def test_a_draft_keeps_each_prompt_in_its_own_shape_and_drops_unknown_keys():
    prompts = [text_prompt(slug="t"), list_prompt(slug="l"), milestone_prompt(slug="m")]

    cleaned, problems = clean_draft(
        prompts,
        {
            "t": "Some *text*",
            "l": ["one", 2, "three"],
            "m": [{"title": "First", "date": "2027-01-01", "extra": "x"}, "not a row"],
            "unknown": "dropped",
        },
    )

    assert problems == []
    assert cleaned == {
        "t": "Some *text*",
        "l": ["one", "", "three"],
        "m": [{"title": "First", "date": "2027-01-01"}],
    }


def test_a_draft_with_wrong_shapes_becomes_empty_answers_rather_than_an_error():
    prompts = [text_prompt(slug="t"), list_prompt(slug="l"), milestone_prompt(slug="m")]

    cleaned, problems = clean_draft(prompts, {"t": ["a list"], "l": "a string", "m": {"a": 1}})

    assert problems == []
    assert cleaned == {"t": "", "l": [], "m": []}


def test_an_empty_draft_is_fine_even_when_everything_is_required():
    cleaned, problems = clean_draft([text_prompt(), list_prompt(slug="l", min_items=3)], {})
    assert problems == []
    assert cleaned == {"p": "", "l": []}


def test_a_text_answer_at_the_limit_is_kept():
    _, problems = clean_draft([text_prompt()], {"p": "x" * MAX_ANSWER_CHARACTERS})
    assert problems == []


def test_a_text_answer_over_the_limit_is_reported_with_its_length():
    _, problems = clean_draft([text_prompt()], {"p": "x" * (MAX_ANSWER_CHARACTERS + 1)})

    assert [p.prompt for p in problems] == ["p"]
    assert f"{MAX_ANSWER_CHARACTERS + 1:,} characters" in problems[0].message
    assert f"limit is {MAX_ANSWER_CHARACTERS:,}" in problems[0].message


def test_too_many_items_is_reported():
    _, problems = clean_draft([list_prompt()], {"p": ["x"] * (MAX_ITEMS + 1)})
    assert [p.message for p in problems] == [f"At most {MAX_ITEMS} items, please."]


def test_an_item_over_the_limit_is_reported():
    _, problems = clean_draft([list_prompt()], {"p": ["ok", "x" * (MAX_ITEM_CHARACTERS + 1)]})
    assert problems[0].message == f"Each item can be at most {MAX_ITEM_CHARACTERS:,} characters."


def test_a_milestone_title_over_the_item_limit_is_reported():
    _, problems = clean_draft(
        [milestone_prompt()], {"p": [{"title": "x" * (MAX_ITEM_CHARACTERS + 1), "date": ""}]}
    )
    assert len(problems) == 1


# Submitting ---------------------------------------------------------------------------


def test_a_required_text_needs_more_than_whitespace():
    assert messages([text_prompt()], {"p": "   \n "}) == ["This question needs an answer."]


def test_an_optional_text_may_stay_empty():
    assert messages([text_prompt(is_required=False)], {"p": ""}) == []


def test_a_required_list_without_bounds_needs_one_item():
    assert messages([list_prompt()], {"p": ["", "  "]}) == ["Add at least one item."]


def test_a_list_below_its_strict_minimum_says_how_many_are_needed_and_there():
    prompts = [strict_list_prompt(min_items=3, max_items=5)]
    assert messages(prompts, {"p": []}) == ["Add at least 3 items."]
    assert messages(prompts, {"p": ["a"]}) == ["Add at least 3 items; there is 1."]
    assert messages(prompts, {"p": ["a", "b"]}) == ["Add at least 3 items; there are 2."]


@pytest.mark.parametrize("count", [3, 4, 5])
def test_a_list_within_its_strict_bounds_passes(count):
    assert messages([strict_list_prompt(min_items=3, max_items=5)], {"p": ["x"] * count}) == []


def test_a_list_above_its_strict_maximum_says_so():
    assert messages([strict_list_prompt(min_items=3, max_items=5)], {"p": ["x"] * 6}) == [
        "Keep to at most 5 items; there are 6."
    ]


def test_blank_items_do_not_count_towards_the_bounds():
    assert messages([strict_list_prompt(min_items=2)], {"p": ["a", " ", "", "b"]}) == []
    assert messages([strict_list_prompt(max_items=1)], {"p": ["a", " ", ""]}) == []


def test_an_optional_list_left_empty_passes_but_once_started_keeps_its_strict_bounds():
    prompts = [strict_list_prompt(is_required=False, min_items=10)]
    assert messages(prompts, {"p": []}) == []
    assert messages(prompts, {"p": ["one"]}) == ["Add at least 10 items; there is 1."]


@pytest.mark.parametrize("required", [True, False])
def test_bounds_that_are_only_suggested_never_block_submitting(required):
    prompts = [list_prompt(is_required=required, min_items=10, max_items=12)]
    assert messages(prompts, {"p": ["one", "two", "three"]}) == []
    assert messages(prompts, {"p": ["x"] * 20}) == []


def test_a_required_list_with_suggested_bounds_still_needs_one_item():
    prompts = [list_prompt(min_items=10)]
    assert messages(prompts, {"p": []}) == ["Add at least one item."]


def test_an_exact_count_list_reads_naturally():
    prompts = [strict_list_prompt(min_items=1, max_items=1)]
    assert messages(prompts, {"p": ["a", "b"]}) == ["Keep to at most one item; there are 2."]


def test_milestones_need_a_title_and_a_real_date():
    prompts = [milestone_prompt(min_items=2, strict_item_bounds=True)]

    problems = messages(
        prompts,
        {
            "p": [
                {"title": "Draft", "date": "2027-02-30"},
                {"title": "", "date": "2027-03-01"},
                {"title": "Publish", "date": ""},
            ]
        },
    )

    assert problems == [
        "Milestone 1 needs a target date (YYYY-MM-DD).",
        "Milestone 2 needs a title.",
        "Milestone 3 needs a target date (YYYY-MM-DD).",
    ]


def test_milestones_count_towards_their_bounds_with_their_own_noun():
    assert messages(
        [milestone_prompt(min_items=2, strict_item_bounds=True)],
        {"p": [{"title": "Only one", "date": "2027-03-01"}]},
    ) == ["Add at least 2 milestones; there is 1."]


def test_empty_milestone_rows_are_ignored():
    prompts = [milestone_prompt(min_items=1)]
    rows = [{"title": " ", "date": ""}, {"title": "Ship", "date": "2027-03-01"}]
    assert messages(prompts, {"p": rows}) == []


def test_a_milestone_title_too_long_for_its_row_is_refused_before_submitting():
    """Titles are copied into Milestone rows, whose column is shorter than a list item."""
    title = "x" * (MAX_MILESTONE_TITLE + 1)
    problems = messages([milestone_prompt()], {"p": [{"title": title, "date": "2027-03-01"}]})
    assert len(problems) == 1
    assert f"keep it to {MAX_MILESTONE_TITLE}" in problems[0]


def test_problems_come_in_prompt_order():
    prompts = [strict_list_prompt(slug="a", min_items=2), text_prompt(slug="b")]
    cleaned, _ = clean_draft(prompts, {})
    assert [p.prompt for p in problems_before_submitting(prompts, cleaned)] == ["a", "b"]
