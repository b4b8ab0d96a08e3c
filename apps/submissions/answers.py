"""Checking answers: loosely when saving a draft, strictly when submitting.

A draft is saved whatever state it is in, so nothing typed is ever lost to a
validation rule; only its size is bounded. The rules a finished answer must
meet (required prompts, item bounds the course made strict, milestone dates)
apply at submission. Item bounds that are not strict are suggestions: the
form shows them, and they never stop anyone submitting.
"""

from dataclasses import dataclass
from datetime import date

from apps.courses.models import Prompt
from apps.submissions.models import MAX_ANSWER_CHARACTERS, Milestone

MAX_ITEMS = 200
MAX_ITEM_CHARACTERS = 2_000
# Milestones are copied into rows on submission, so their titles must fit the column.
MAX_MILESTONE_TITLE = Milestone._meta.get_field("title").max_length


@dataclass(frozen=True)
class AnswerProblem:
    prompt: str  # the prompt's slug, or "" for the whole submission
    message: str


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def clean_draft(prompts: list[Prompt], raw: dict) -> tuple[dict, list[AnswerProblem]]:
    """Keep the known prompts' answers in their expected shapes; report what is too long.

    Returns the cleaned answers and the size problems. The caller refuses to
    save when there are problems, and the page keeps the text so the person
    can shorten it.
    """
    answers, problems = {}, []
    for prompt in prompts:
        value = raw.get(prompt.slug)
        if prompt.answer == Prompt.Answer.TEXT:
            text = _text(value)
            if len(text) > MAX_ANSWER_CHARACTERS:
                problems.append(
                    AnswerProblem(
                        prompt.slug,
                        f"This answer is {len(text):,} characters long; the limit is "
                        f"{MAX_ANSWER_CHARACTERS:,}. Shorten it, or link to a document instead.",
                    )
                )
            answers[prompt.slug] = text
            continue
        items = value if isinstance(value, list) else []
        if len(items) > MAX_ITEMS:
            problems.append(AnswerProblem(prompt.slug, f"At most {MAX_ITEMS} items, please."))
        if prompt.answer == Prompt.Answer.LIST:
            cleaned = [_text(item) for item in items]
            too_long = [item for item in cleaned if len(item) > MAX_ITEM_CHARACTERS]
        else:
            cleaned = [
                {"title": _text(item.get("title")), "date": _text(item.get("date"))}
                for item in items
                if isinstance(item, dict)
            ]
            too_long = [item for item in cleaned if len(item["title"]) > MAX_ITEM_CHARACTERS]
        if too_long:
            problems.append(
                AnswerProblem(
                    prompt.slug, f"Each item can be at most {MAX_ITEM_CHARACTERS:,} characters."
                )
            )
        answers[prompt.slug] = cleaned
    return answers, problems


def _filled_items(prompt: Prompt, value) -> list:
    if prompt.answer == Prompt.Answer.LIST:
        return [item for item in value or [] if item.strip()]
    return [item for item in value or [] if item["title"].strip() or item["date"].strip()]


def problems_before_submitting(prompts: list[Prompt], answers: dict) -> list[AnswerProblem]:
    """Everything that stops these answers from being submitted, in prompt order."""
    problems = []
    for prompt in prompts:
        value = answers.get(prompt.slug)
        if prompt.answer == Prompt.Answer.TEXT:
            if prompt.is_required and not _text(value).strip():
                problems.append(AnswerProblem(prompt.slug, "This question needs an answer."))
            continue
        items = _filled_items(prompt, value)
        if not items and not prompt.is_required:
            continue
        strict = prompt.strict_item_bounds
        low = max((prompt.min_items or 0) if strict else 0, 1 if prompt.is_required else 0)
        high = prompt.max_items if strict else None
        noun = "milestone" if prompt.answer == Prompt.Answer.MILESTONES else "item"
        if len(items) < low:
            wanted = f"one {noun}" if low == 1 else f"{low} {noun}s"
            there = f"; there {'is' if len(items) == 1 else 'are'} {len(items)}" if items else ""
            problems.append(AnswerProblem(prompt.slug, f"Add at least {wanted}{there}."))
        elif high and len(items) > high:
            wanted = f"one {noun}" if high == 1 else f"{high} {noun}s"
            problems.append(
                AnswerProblem(prompt.slug, f"Keep to at most {wanted}; there are {len(items)}.")
            )
        if prompt.answer == Prompt.Answer.MILESTONES:
            problems += _milestone_problems(prompt, items)
    return problems


def _milestone_problems(prompt: Prompt, items: list[dict]) -> list[AnswerProblem]:
    problems = []
    for number, item in enumerate(items, start=1):
        title = item["title"].strip()
        if not title:
            problems.append(AnswerProblem(prompt.slug, f"Milestone {number} needs a title."))
        elif len(title) > MAX_MILESTONE_TITLE:
            problems.append(
                AnswerProblem(
                    prompt.slug,
                    f"Milestone {number}'s title is {len(title):,} characters long; keep it to "
                    f"{MAX_MILESTONE_TITLE} and put the details in another answer.",
                )
            )
        if parse_date(item["date"]) is None:
            problems.append(
                AnswerProblem(prompt.slug, f"Milestone {number} needs a target date (YYYY-MM-DD).")
            )
    return problems


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
