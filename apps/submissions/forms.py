"""The answer form: reading it from a POST and laying it out for the page.

The form has one field per prompt, and a list prompt has one field per item,
so it does not fit Django's fixed-field forms; only the version is a plain
Django field. Posted values are read as they are, without validation: a draft
is saved whatever it holds, and the submission rules live in answers.py.

Field names: ``a.<slug>`` for a text prompt and for each item of a list,
``a.<slug>.title`` and ``a.<slug>.date`` for each milestone row. Prompt slugs
never contain dots, so the names cannot collide.
"""

from dataclasses import dataclass, field

from django import forms
from django.http import QueryDict
from django.utils.safestring import SafeString

from apps.courses.models import Prompt
from apps.submissions.answers import AnswerProblem, parse_date

# Without JavaScript nobody can add inputs, so there are always this many spare.
SPARE_ROWS = 3


def field_name(prompt: Prompt, part: str = "") -> str:
    return f"a.{prompt.slug}.{part}" if part else f"a.{prompt.slug}"


class VersionForm(forms.Form):
    """The version the page was loaded with; on a conflict, the one the person chose to replace."""

    version = forms.IntegerField(min_value=1)
    keep_mine = forms.IntegerField(min_value=1, required=False)

    @property
    def base_version(self) -> int:
        return self.cleaned_data["keep_mine"] or self.cleaned_data["version"]


def answers_from_post(prompts: list[Prompt], data: QueryDict) -> dict:
    """The answers in the shape Submission.answers keeps, with empty items dropped."""
    answers = {}
    for prompt in prompts:
        if prompt.answer == Prompt.Answer.TEXT:
            answers[prompt.slug] = data.get(field_name(prompt), "")
        elif prompt.answer == Prompt.Answer.LIST:
            answers[prompt.slug] = [
                item for item in data.getlist(field_name(prompt)) if item.strip()
            ]
        else:
            titles = data.getlist(field_name(prompt, "title"))
            dates = data.getlist(field_name(prompt, "date"))
            rows = zip(titles, dates + [""] * (len(titles) - len(dates)), strict=False)
            answers[prompt.slug] = [
                {"title": title, "date": when}
                for title, when in rows
                if title.strip() or when.strip()
            ]
    return answers


def _as_text(value) -> str:
    return value if isinstance(value, str) else ""


def _as_list(value) -> list:
    return value if isinstance(value, list) else []


@dataclass(frozen=True)
class MilestoneRow:
    title: str
    date: str

    @property
    def date_is_valid(self) -> bool:
        """A date input would silently empty a value it cannot read, so those stay text."""
        return not self.date or parse_date(self.date) is not None

    @property
    def display_date(self) -> str:
        parsed = parse_date(self.date) if self.date else None
        return f"{parsed:%a} {parsed.day} {parsed:%b %Y}" if parsed else self.date


def _milestones(value) -> list[MilestoneRow]:
    return [
        MilestoneRow(title=_as_text(item.get("title")), date=_as_text(item.get("date")))
        for item in _as_list(value)
        if isinstance(item, dict)
    ]


@dataclass
class AnswerView:
    """One prompt's answer as plain values for showing it read-only."""

    prompt: Prompt
    text: str = ""
    items: list[str] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.prompt.answer

    @property
    def is_empty(self) -> bool:
        return not (self.text.strip() or self.items or self.milestones)


def answer_view(prompt: Prompt, value) -> AnswerView:
    if prompt.answer == Prompt.Answer.TEXT:
        return AnswerView(prompt, text=_as_text(value))
    if prompt.answer == Prompt.Answer.LIST:
        return AnswerView(prompt, items=[i for i in _as_list(value) if isinstance(i, str)])
    return AnswerView(prompt, milestones=_milestones(value))


def answer_views(prompts: list[Prompt], answers: dict) -> list[AnswerView]:
    return [answer_view(prompt, answers.get(prompt.slug)) for prompt in prompts]


@dataclass
class PromptField:
    """Everything the template needs to draw one prompt of the form."""

    number: int
    prompt: Prompt
    answer: AnswerView
    problems: list[str]
    preview: SafeString | None = None

    @property
    def slug(self) -> str:
        return self.prompt.slug

    @property
    def name(self) -> str:
        return field_name(self.prompt)

    @property
    def title_name(self) -> str:
        return field_name(self.prompt, "title")

    @property
    def date_name(self) -> str:
        return field_name(self.prompt, "date")

    @property
    def bounds(self) -> str:
        return self.prompt.bounds_guidance

    @property
    def items(self) -> list[str]:
        return [*self.answer.items, *[""] * SPARE_ROWS]

    @property
    def milestone_rows(self) -> list[MilestoneRow]:
        return [*self.answer.milestones, *[MilestoneRow("", "")] * SPARE_ROWS]

    @property
    def described_by(self) -> str:
        ids = []
        if self.prompt.help_text:
            ids.append(f"help-{self.slug}")
        if self.problems:
            ids.append(f"problems-{self.slug}")
        return " ".join(ids)


def prompt_fields(
    prompts: list[Prompt],
    answers: dict,
    problems: list[AnswerProblem] = (),
    previews: dict[str, SafeString] | None = None,
) -> list[PromptField]:
    previews = previews or {}
    return [
        PromptField(
            number=number,
            prompt=prompt,
            answer=answer_view(prompt, answers.get(prompt.slug)),
            problems=[p.message for p in problems if p.prompt == prompt.slug],
            preview=previews.get(prompt.slug),
        )
        for number, prompt in enumerate(prompts, start=1)
    ]


@dataclass
class ConflictRow:
    prompt: Prompt
    theirs: AnswerView
    mine: AnswerView


def conflict_rows(prompts: list[Prompt], theirs: dict, mine: dict) -> list[ConflictRow]:
    """The prompts whose saved answer differs from the one in the form."""
    return [
        ConflictRow(
            prompt=prompt,
            theirs=answer_view(prompt, theirs.get(prompt.slug)),
            mine=answer_view(prompt, mine.get(prompt.slug)),
        )
        for prompt in prompts
        if _differs(prompt, theirs, mine)
    ]


def _differs(prompt: Prompt, theirs: dict, mine: dict) -> bool:
    a, b = answer_view(prompt, theirs.get(prompt.slug)), answer_view(prompt, mine.get(prompt.slug))
    return (a.text, a.items, a.milestones) != (b.text, b.items, b.milestones)
