"""The queue's filter form and the rubric grading form."""

import re
from urllib.parse import urlencode

from django import forms

from apps.courses.forms import RubricFieldsMixin
from apps.courses.models import Criterion, Exercise
from apps.grading.selectors import WAITING, QueueCounts
from apps.submissions.models import Feedback, Submission

ANY_STATUS = "all"
STATUS_CHOICES = [
    (WAITING, "Waiting for grading"),
    (Submission.Status.RETURNED, "Returned for revision"),
    (Submission.Status.ACCEPTED, "Accepted"),
    (ANY_STATUS, "Any status"),
]
MAX_COMMENT_CHARACTERS = 20_000

_ID = re.compile(r"^[1-9][0-9]{0,17}$")
_STATUS_VALUES = {value for value, _ in STATUS_CHOICES}


def _as_id(value) -> int | None:
    return int(value) if isinstance(value, str) and _ID.match(value) else None


def queue_filters(params) -> dict:
    """The queue's filters in `params`, as selectors.queue takes them; defaults for the rest.

    Values that are not well formed count as left out. An id of something
    outside the cohort's course is kept and simply matches nothing.
    """
    status = params.get("status") or WAITING
    if status not in _STATUS_VALUES:
        status = WAITING
    return {
        "status": None if status == ANY_STATUS else status,
        "unit_id": _as_id(params.get("unit")),
        "exercise_id": _as_id(params.get("exercise")),
    }


def queue_querystring(params) -> str:
    """The queue's filters and page from `params`, safe to carry through links and redirects.

    Only the queue's own keys with well-formed values survive, so nothing a
    link carries can end up anywhere but in the queue's own address.
    """
    kept = {}
    for key in ("unit", "exercise", "page"):
        if _as_id(params.get(key)) is not None:
            kept[key] = params.get(key)
    if params.get("status") in _STATUS_VALUES:
        kept["status"] = params.get("status")
    return urlencode(kept)


class QueueFilterForm(forms.Form):
    """Filters for a cohort's queue; each option counts the cohort's work behind it.

    Counts are for the whole cohort, so the options stay true while htmx
    swaps only the list underneath.

    Choices are built from the exercises already loaded for the page, so
    validating costs no queries. A value that is not among them is reported
    on its field and ignored.
    """

    unit = forms.ChoiceField(
        label="Session",
        required=False,
        error_messages={"invalid_choice": "That session is not in this course; showing all."},
    )
    exercise = forms.ChoiceField(
        label="Exercise",
        required=False,
        error_messages={"invalid_choice": "That exercise is not in this course; showing all."},
    )
    status = forms.ChoiceField(
        label="Status",
        required=False,
        error_messages={"invalid_choice": "There is no such status; showing waiting work."},
    )

    def __init__(self, data, *, exercises: list[Exercise], counts: QueueCounts):
        super().__init__(data)
        units = {exercise.unit_id: exercise.unit for exercise in exercises}
        self.fields["unit"].choices = [("", f"All sessions ({counts.waiting()} waiting)")] + [
            (str(unit.pk), f"{unit.display_title} ({counts.waiting(unit_id=unit.pk)} waiting)")
            for unit in units.values()
        ]
        grouped: dict[int, list] = {}
        for exercise in exercises:
            grouped.setdefault(exercise.unit_id, []).append(
                (
                    str(exercise.pk),
                    f"{exercise.title} ({counts.waiting(exercise_id=exercise.pk)} waiting)",
                )
            )
        self.fields["exercise"].choices = [("", f"All exercises ({counts.waiting()} waiting)")] + [
            (units[unit_id].display_title, options) for unit_id, options in grouped.items()
        ]
        self.fields["status"].choices = [
            (value, f"{label} ({counts.count(status=None if value == ANY_STATUS else value)})")
            for value, label in STATUS_CHOICES
        ]

    def clean_status(self):
        return self.cleaned_data["status"] or WAITING

    def filters(self) -> dict:
        """The filters to apply: the valid values given, the defaults for the rest."""
        self.is_valid()
        return queue_filters(self.cleaned_data)

    def querystring(self, **extra) -> str:
        """The valid filters as a query string, for links that should come back to this view."""
        self.is_valid()
        values = {key: value for key, value in self.cleaned_data.items() if value}
        if values.get("status") == WAITING:
            del values["status"]  # the default; keeps addresses short
        values.update({key: value for key, value in extra.items() if value})
        return urlencode(values)


THEN_NEXT = "next"
THEN_QUEUE = "queue"
_PRESS_A_BUTTON = "Press “Save and next” or “Save and back to the queue” to save."


class GradeForm(RubricFieldsMixin, forms.Form):
    """A decision on a submission: one level per rubric criterion, a comment, and where to go next.

    `then` is the button pressed: the next submission of the queue, or the
    queue itself. A form sent without one (Enter in a field presses the
    page's hidden first button) saves nothing, so a stray key press never
    records a decision.

    `version` is the submission's version when the page was loaded, so the
    service can tell if someone else acted in between; `revision` (the
    revision the grader was reading) and `last_feedback` (the newest feedback
    they saw) let the page say what changed when that happens.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=1, required=False)
    last_feedback = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)
    comment = forms.CharField(
        label="Comment",
        required=False,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 8, "aria-describedby": "comment-help"}),
        help_text="Markdown. The participant reads this with your decision. "
        "Needed when you return work: say what to revise.",
    )
    decision = forms.ChoiceField(
        label="Decision",
        choices=[
            (Feedback.Decision.ACCEPTED, "Accept"),
            (Feedback.Decision.RETURNED, "Return for revision"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Choose “Accept” or “Return for revision”.",
            "invalid_choice": "Choose “Accept” or “Return for revision”.",
        },
    )
    then = forms.ChoiceField(
        choices=[(THEN_NEXT, "Save and next"), (THEN_QUEUE, "Save and back to the queue")],
        error_messages={"required": _PRESS_A_BUTTON, "invalid_choice": _PRESS_A_BUTTON},
    )

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        self.add_rubric_fields(criteria, required=True)

    def full_clean(self):
        super().full_clean()
        if "comment" in self.errors:
            # Point the textarea at its error as well as its help (the template renders both).
            self.fields["comment"].widget.attrs["aria-describedby"] = "comment-help comment-error"

    def clean_comment(self):
        comment = self.cleaned_data["comment"]
        if len(comment) > MAX_COMMENT_CHARACTERS:
            raise forms.ValidationError(
                f"This comment is {len(comment):,} characters long; the limit is "
                f"{MAX_COMMENT_CHARACTERS:,}. Shorten it, or link to a document instead."
            )
        return comment

    def clean(self):
        cleaned = super().clean()
        cleaned["levels"] = self.chosen_levels()
        return cleaned
