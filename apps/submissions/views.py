"""A participant's own exercise work: answering, autosaving, submitting, history, overview.

Every view finds the work through the signed-in person's own enrollment
(selectors.enrollment_for_work), so anyone else's work, an exercise of
another course, or a place that is not (or no longer) active is a 404.

The answer form works without JavaScript: "Save draft", "Preview" and
"Submit" post it and the page is drawn again with the text kept. With
JavaScript, static/js/answer.js saves through the JSON `save` view instead.
"""

from dataclasses import dataclass, field
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_http_methods, require_POST

from apps.courses.models import Exercise, Prompt
from apps.courses.selectors import exercise_prompts
from apps.markup.render import render_markdown
from apps.rounds.models import Enrollment
from apps.submissions import diff, forms, selectors
from apps.submissions.answers import AnswerProblem
from apps.submissions.models import MAX_ANSWER_CHARACTERS, Revision, Submission
from apps.submissions.services import (
    SubmissionConflict,
    SubmissionError,
    submission_get_or_start,
    submission_save_draft,
    submission_submit,
)

OUT_OF_DATE = (
    "This page is missing the version of your work it was loaded with. Copy your text "
    "somewhere safe, then reload the page."
)


@dataclass
class Work:
    """One person's work on one exercise, as every view of it needs it."""

    enrollment: Enrollment
    exercise: Exercise
    prompts: list[Prompt]
    submission: Submission

    def url(self, name: str = "answer") -> str:
        return reverse(f"submissions:{name}", args=[self.enrollment.round.slug, self.exercise.pk])


def _work(request: HttpRequest, round_slug: str, pk: int) -> Work:
    enrollment = selectors.enrollment_for_work(user=request.user, round_slug=round_slug)
    exercise = selectors.exercise_for_work(enrollment=enrollment, pk=pk)
    return Work(
        enrollment=enrollment,
        exercise=exercise,
        prompts=exercise_prompts(exercise=exercise),
        submission=selectors.submission_for(enrollment=enrollment, exercise=exercise),
    )


def _started(work: Work) -> Submission:
    """The submission row, created on the first save."""
    if work.submission.pk is None:
        work.submission = submission_get_or_start(
            enrollment=work.enrollment, exercise=work.exercise
        )
    return work.submission


def _clock(moment: datetime) -> str:
    return format_date(timezone.localtime(moment), "H:i")


def _last_saved(submission: Submission) -> str:
    if submission.pk is None:
        return "Nothing saved yet."
    saved = timezone.localtime(submission.updated_at)
    if saved.date() == timezone.localdate():
        return f"Last saved at {_clock(saved)}."
    return f"Last saved on {format_date(saved, 'D j M')} at {_clock(saved)}."


def _conflict(work: Work, current: Submission, mine: dict) -> dict:
    return {
        "version": current.version,
        "saved_at": current.updated_at,
        "rows": forms.conflict_rows(work.prompts, current.answers, mine),
        "use_saved_url": f"{work.url()}?edit=1",
    }


def _problem_summary(work: Work, problems: list[AnswerProblem]) -> list[dict]:
    numbers = {prompt.slug: (n, prompt) for n, prompt in enumerate(work.prompts, start=1)}
    summary = []
    for problem in problems:
        number, prompt = numbers.get(problem.prompt, (None, None))
        summary.append(
            {"slug": problem.prompt, "number": number, "prompt": prompt, "message": problem.message}
        )
    return summary


def _page(
    request: HttpRequest,
    work: Work,
    *,
    answers: dict | None = None,
    version: int | None = None,
    problems: list[AnswerProblem] = (),
    error: str = "",
    previews: dict | None = None,
    conflict: dict | None = None,
    save_status: str = "",
    editing: bool | None = None,
    reload_url: str = "",
    status: int = 200,
) -> HttpResponse:
    """The answer page, with the form holding `answers` (the saved draft when None).

    `reload_url` is for a page drawn in answer to a post whose answers are all
    saved: answer.js puts it in the address bar, so reloading opens the saved
    work instead of posting the old form again.
    """
    submission = work.submission
    revision = selectors.latest_revision(submission=submission)
    if editing is None:
        # Work that has gone in is shown read-only until the person chooses to edit it.
        editing = request.GET.get("edit") == "1" or not submission.is_handed_in
    editing = editing or revision is None
    feedback = None
    if submission.status in (Submission.Status.RETURNED, Submission.Status.ACCEPTED):
        feedback = selectors.latest_feedback(submission=submission)
    answers = submission.answers if answers is None else answers
    context = {
        "work": work,
        "round": work.enrollment.round,
        "exercise": work.exercise,
        "unit": work.exercise.unit,
        "submission": submission,
        "revision": revision,
        "feedback": feedback,
        "deadline": selectors.exercise_deadline(work.exercise, timezone.now()),
        "editing": editing,
        "fields": forms.prompt_fields(work.prompts, answers, problems, previews)
        if editing
        else None,
        "submitted": forms.answer_views(work.prompts, revision.answers)
        if revision and not editing
        else None,
        "has_unsubmitted_changes": revision is not None and submission.answers != revision.answers,
        "version": version or submission.version,
        "error": error,
        "problem_summary": _problem_summary(work, list(problems)),
        "conflict": conflict,
        "save_status": save_status or _last_saved(submission),
        "storage_key": f"{request.user.pk}:{work.enrollment.round.slug}:{work.exercise.pk}",
        "answer_url": work.url(),
        "preview_url": work.url("preview"),
        "reload_url": reload_url,
    }
    return render(request, "submissions/answer.html", context, status=status)


def _after_save_url(work: Work) -> str:
    if work.submission.is_handed_in:
        return f"{work.url()}?edit=1"
    return work.url()


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def answer(request, round_slug: str, pk: int):
    """The exercise with its answer form; without JavaScript it also takes Save and Preview."""
    work = _work(request, round_slug, pk)
    if request.method != "POST":
        return _page(request, work)

    answers = forms.answers_from_post(work.prompts, request.POST)
    version_form = forms.VersionForm(request.POST)
    posted_version = version_form.base_version if version_form.is_valid() else None
    preview_slug = request.POST.get("preview")
    if preview_slug:
        prompt = next((p for p in work.prompts if p.slug == preview_slug), None)
        previews = {}
        if prompt is not None and prompt.answer == Prompt.Answer.TEXT:
            previews[prompt.slug] = _preview_html(answers[prompt.slug])
        return _page(
            request,
            work,
            answers=answers,
            version=posted_version,
            previews=previews,
            save_status="Not saved yet: a preview does not save. Use “Save draft” to keep it.",
            editing=True,
        )
    if posted_version is None:
        return _page(request, work, answers=answers, error=OUT_OF_DATE, editing=True, status=400)
    try:
        submission_save_draft(
            submission=_started(work), answers=answers, base_version=posted_version
        )
    except SubmissionConflict as conflict:
        return _page(
            request,
            work,
            answers=answers,
            version=posted_version,
            conflict=_conflict(work, conflict.current, answers),
            save_status="Saved elsewhere — see below.",
            editing=True,
            status=409,
        )
    except SubmissionError as error:
        return _page(
            request,
            work,
            answers=answers,
            version=posted_version,
            problems=error.problems,
            error=str(error),
            save_status="Not saved — see the problems below.",
            editing=True,
            status=400,
        )
    messages.success(request, "Draft saved.")
    return redirect(_after_save_url(work))


@login_required
@require_POST
def save(request, round_slug: str, pk: int):
    """Autosave: the whole form as a draft, answered in JSON.

    200 {version, saved_at, saved_at_display}; 409 {error, version, answers,
    saved_at, html} when the work was saved elsewhere since the page's
    version (html is the conflict panel); 400 {error, problems} when an
    answer is too long or the version is missing.
    """
    work = _work(request, round_slug, pk)
    version_form = forms.VersionForm(request.POST)
    if not version_form.is_valid():
        return JsonResponse({"error": OUT_OF_DATE, "problems": []}, status=400)
    answers = forms.answers_from_post(work.prompts, request.POST)
    try:
        submission = submission_save_draft(
            submission=_started(work), answers=answers, base_version=version_form.base_version
        )
    except SubmissionConflict as conflict:
        current = conflict.current
        panel = render_to_string(
            "submissions/_conflict.html",
            {"conflict": _conflict(work, current, answers)},
            request=request,
        )
        return JsonResponse(
            {
                "error": str(conflict),
                "version": current.version,
                "answers": current.answers,
                "saved_at": current.updated_at.isoformat(),
                "saved_at_display": _clock(current.updated_at),
                "html": panel,
            },
            status=409,
        )
    except SubmissionError as error:
        return JsonResponse(
            {
                "error": str(error),
                "problems": [{"prompt": p.prompt, "message": p.message} for p in error.problems],
            },
            status=400,
        )
    return JsonResponse(
        {
            "version": submission.version,
            "saved_at": submission.updated_at.isoformat(),
            "saved_at_display": _clock(submission.updated_at),
        }
    )


@login_required
@require_POST
def submit(request, round_slug: str, pk: int):
    work = _work(request, round_slug, pk)
    answers = forms.answers_from_post(work.prompts, request.POST)
    version_form = forms.VersionForm(request.POST)
    if not version_form.is_valid():
        return _page(request, work, answers=answers, error=OUT_OF_DATE, editing=True, status=400)
    try:
        submission = submission_submit(
            submission=_started(work), answers=answers, base_version=version_form.base_version
        )
    except SubmissionConflict as conflict:
        return _page(
            request,
            work,
            answers=answers,
            version=version_form.base_version,
            conflict=_conflict(work, conflict.current, answers),
            save_status="Saved elsewhere — see below.",
            error="Not submitted: " + str(conflict),
            editing=True,
            status=409,
        )
    except SubmissionError as error:
        version, reload_url = version_form.base_version, ""
        if error.submission is not None:  # the answers were kept as a draft
            work.submission = error.submission
            version = error.submission.version
            # Reloading must not post this form again: after more autosaves
            # it would be older than the draft and look like another tab's.
            reload_url = _after_save_url(work)
        return _page(
            request,
            work,
            answers=answers,
            version=version,
            problems=error.problems,
            error="Not submitted yet. " + str(error),
            editing=True,
            reload_url=reload_url,
            status=400,
        )
    late = " It was after the due time, so it is marked late." if submission.is_late else ""
    messages.success(request, f"Submitted. Your facilitator can now read it.{late}")
    return redirect(work.url())


def _preview_html(text: str):
    """The answer as it will be shown; past the answer's size limit, a message instead.

    A draft that long cannot be saved either, and rendering it would cost
    time for nothing.
    """
    if len(text) > MAX_ANSWER_CHARACTERS:
        return (
            f"Not previewed: this answer is {len(text):,} characters long and the limit is "
            f"{MAX_ANSWER_CHARACTERS:,}. Shorten it to preview it."
        )
    return render_markdown(text)


@login_required
@require_POST
def preview(request, round_slug: str, pk: int):
    """One text answer rendered as it will be shown (the htmx Preview button)."""
    work = _work(request, round_slug, pk)
    slug = request.POST.get("preview", "")
    prompt = next((p for p in work.prompts if p.slug == slug), None)
    text = request.POST.get(forms.field_name(prompt), "") if prompt else ""
    return render(
        request,
        "submissions/_preview.html",
        {"html": _preview_html(text) if text.strip() else None},
    )


@dataclass
class HistoryChange:
    prompt: Prompt
    change: diff.PromptChange


@dataclass
class HistoryEntry:
    revision: Revision
    first_answers: list[forms.AnswerView] | None = None
    changes: list[HistoryChange] = field(default_factory=list)


def _changes(work: Work, old: dict, new: dict) -> list[HistoryChange]:
    kinds = [(prompt.slug, prompt.answer) for prompt in work.prompts]
    by_slug = {prompt.slug: prompt for prompt in work.prompts}
    return [
        HistoryChange(prompt=by_slug[change.slug], change=change)
        for change in diff.answers_diff(kinds, old, new)
        if change.changed
    ]


@login_required
def history(request, round_slug: str, pk: int):
    """Every submitted revision, newest first, with what changed from the one before."""
    work = _work(request, round_slug, pk)
    revisions = selectors.revision_history(submission=work.submission)
    entries, previous = [], None
    for revision in revisions:
        entry = HistoryEntry(revision=revision)
        if previous is None:
            entry.first_answers = forms.answer_views(work.prompts, revision.answers)
        else:
            entry.changes = _changes(work, previous.answers, revision.answers)
        entries.append(entry)
        previous = revision
    unsubmitted = []
    if previous is not None and previous.answers != work.submission.answers:
        unsubmitted = _changes(work, previous.answers, work.submission.answers)
    return render(
        request,
        "submissions/history.html",
        {
            "work": work,
            "round": work.enrollment.round,
            "exercise": work.exercise,
            "submission": work.submission,
            "entries": entries[::-1],
            "unsubmitted": unsubmitted,
            "answer_url": work.url(),
        },
    )


@login_required
def work_list(request):
    """Every exercise of each round the person is working in, with status and due date."""
    overview = selectors.work_overview(user=request.user, now=timezone.now())
    return render(request, "submissions/work_list.html", {"overview": overview})
