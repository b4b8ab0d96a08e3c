"""Facilitator grading: the cohorts to grade, each cohort's queue, and the grading page."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_GET, require_http_methods

from apps.courses.selectors import exercise_prompts
from apps.grading import selectors
from apps.grading.forms import (
    THEN_NEXT,
    GradeForm,
    QueueFilterForm,
    queue_filters,
    queue_querystring,
)
from apps.grading.services import grading_give_feedback
from apps.submissions.models import Feedback, Submission
from apps.submissions.selectors import latest_revision
from apps.submissions.services import SubmissionConflict, SubmissionError

COHORTS_PER_PAGE = 50
SUBMISSIONS_PER_PAGE = 50


def _wants_fragment(request) -> bool:
    # htmx restores history with a full page, so only plain htmx requests get the fragment.
    return bool(request.headers.get("HX-Request")) and not request.headers.get(
        "HX-History-Restore-Request"
    )


@require_GET
@login_required
def home(request):
    if not selectors.is_grader(request.user):
        raise Http404("Nothing to grade here.")
    page = Paginator(selectors.home_cohorts(user=request.user), COHORTS_PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "grading/home.html", {"page": page})


class _CountedPaginator(Paginator):
    """A paginator told how many items there are: the queue's counts already know."""

    def __init__(self, object_list, per_page, *, count: int):
        super().__init__(object_list, per_page)
        self._count = count

    @property
    def count(self) -> int:
        return self._count


def _oldest_waiting_pk(cohort, page, filters: dict, counts) -> int | None:
    """The submission "grade the oldest" opens, read again only when the page does not show it.

    The page lists waiting work oldest first, so on its first page the
    oldest is its first row; where nothing waits there is nothing to offer.
    """
    unit_id, exercise_id = filters["unit_id"], filters["exercise_id"]
    if not counts.waiting(unit_id=unit_id, exercise_id=exercise_id):
        return None
    if filters["status"] == selectors.WAITING and page.number == 1 and page.object_list:
        return page.object_list[0].pk
    return selectors.oldest_waiting_pk(cohort=cohort, unit_id=unit_id, exercise_id=exercise_id)


@require_GET
@login_required
def queue(request, pk):
    cohort = selectors.cohort_for_grader(user=request.user, pk=pk)
    exercises = selectors.cohort_exercises(cohort=cohort)
    counts = selectors.queue_counts(cohort=cohort, exercises=exercises)
    form = QueueFilterForm(request.GET, exercises=exercises, counts=counts)
    filters = form.filters()
    page = _CountedPaginator(
        selectors.queue(cohort=cohort, **filters),
        SUBMISSIONS_PER_PAGE,
        count=counts.count(**filters),
    ).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    context = {
        "cohort": cohort,
        "form": form,
        "page": page,
        "waiting": counts.waiting(),
        "showing_waiting": filters["status"] == selectors.WAITING,
        "next_pk": _oldest_waiting_pk(cohort, page, filters, counts),
        "querystring": form.querystring(page=page.number if page.number > 1 else None),
        "filters_querystring": form.querystring(),
        "fragment": _wants_fragment(request),
    }
    template = "grading/_queue.html" if context["fragment"] else "grading/queue.html"
    response = render(request, template, context)
    patch_vary_headers(response, ["HX-Request"])
    return response


def _with_query(url: str, querystring: str) -> str:
    return f"{url}?{querystring}" if querystring else url


def _back_to_queue(submission: Submission, querystring: str) -> str:
    cohort = selectors.participant_cohort(submission)
    if cohort is None:
        return reverse("grading:home")
    return _with_query(reverse("grading:queue", args=[cohort.pk]), querystring)


def _after_saving(request, submission: Submission, *, then: str, querystring: str) -> str:
    """Where the grader goes once the decision is saved: the next submission, or the queue.

    The next one comes from the same cohort's queue with the same filters,
    so it is always work this grader may grade. When nothing follows, the
    queue says so.
    """
    cohort = selectors.participant_cohort(submission)
    if then == THEN_NEXT and cohort is not None:
        next_pk = selectors.next_in_queue_pk(
            user=request.user,
            cohort=cohort,
            after=submission,
            **queue_filters(request.GET),
        )
        if next_pk is not None:
            return _with_query(reverse("grading:grade", args=[next_pk]), querystring)
        messages.info(request, "That was the last submission in this queue.")
    return _back_to_queue(submission, querystring)


def _saved_message(feedback: Feedback, submission: Submission) -> str:
    who = submission.enrollment.user.name
    what = f"{who}’s “{submission.exercise.title}”"
    score = (
        f" ({feedback.points} of {feedback.max_points} points)"
        if feedback.max_points is not None
        else ""
    )
    if feedback.decision == Feedback.Decision.ACCEPTED:
        return f"Accepted {what}{score}."
    return f"Returned {what} for revision{score}. They can see your comment now."


def _conflict_context(*, seen: dict, revision, history: list[Feedback]) -> dict:
    """What changed since the grader loaded the page, for the conflict notice."""
    last_seen = seen.get("last_feedback") or 0
    return {
        "new_feedback": [feedback for feedback in history if feedback.pk > last_seen],
        "new_revision": seen.get("revision") != revision.number,
    }


def _grade_page(request, submission, *, criteria, querystring, form=None, seen=None):
    """The grading page; `seen` is what the grader's form was based on, after a conflict."""
    revision = latest_revision(submission=submission)
    if revision is None:  # submitted work always has one; without it there is nothing to grade
        raise Http404("Nothing has been submitted yet.")
    history = selectors.feedback_history(submission=submission)
    page_state = {
        "version": submission.version,
        "revision": revision.number,
        "last_feedback": history[0].pk if history else 0,
    }
    if form is None:
        form = GradeForm(initial=page_state, criteria=criteria)
    elif seen is not None:
        # Keep every choice and word, but against what is saved now.
        data = request.POST.copy()
        for key, value in page_state.items():
            data[key] = str(value)
        form = GradeForm(data, criteria=criteria)
    context = {
        "submission": submission,
        "participant": submission.enrollment.user,
        "cohort": selectors.participant_cohort(submission),
        "revision": revision,
        "prompts": exercise_prompts(exercise=submission.exercise),
        "history": history,
        "form": form,
        "can_decide": submission.is_handed_in,
        "conflict": (
            None
            if seen is None
            else _conflict_context(seen=seen, revision=revision, history=history)
        ),
        "queue_url": _back_to_queue(submission, querystring),
        "form_action": _with_query(request.path, querystring),
    }
    return render(request, "grading/grade.html", context, status=200 if seen is None else 409)


@require_http_methods(["GET", "POST"])
@login_required
def grade(request, pk):
    """Read the submitted revision, see earlier feedback, and accept or return it.

    Saving goes on to the next submission of the queue the grader came from
    ("Save and next", filters kept) or back to that queue.

    When something changed in the meantime (another grader decided, or the
    participant submitted again), the page comes back saying what, with
    everything this grader entered, ready to send again against the new version.
    """
    submission = selectors.submission_for_grader(user=request.user, pk=pk)
    page = {
        "criteria": selectors.rubric_criteria(exercise=submission.exercise),
        "querystring": queue_querystring(request.GET),
    }
    if request.method == "GET":
        return _grade_page(request, submission, **page)

    form = GradeForm(request.POST, criteria=page["criteria"])
    if not form.is_valid():
        return _grade_page(request, submission, form=form, **page)
    try:
        feedback = grading_give_feedback(
            submission=submission,
            grader=request.user,
            decision=form.cleaned_data["decision"],
            comment=form.cleaned_data["comment"],
            levels=form.cleaned_data["levels"],
            base_version=form.cleaned_data["version"],
        )
    except SubmissionConflict:
        fresh = selectors.submission_for_grader(user=request.user, pk=pk)
        return _grade_page(request, fresh, form=form, seen=form.cleaned_data, **page)
    except SubmissionError as error:
        form.add_error(None, str(error))
        return _grade_page(request, submission, form=form, **page)
    messages.success(request, _saved_message(feedback, submission))
    return redirect(
        _after_saving(
            request,
            submission,
            then=form.cleaned_data["then"],
            querystring=page["querystring"],
        )
    )
