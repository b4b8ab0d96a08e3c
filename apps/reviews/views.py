"""Peer review pages: reviews to do, writing one, reviews of my work, and the facilitator's view."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.courses.selectors import exercise_prompts
from apps.reviews.forms import HandOverForm, HideForm, RateForm, ReviewForm
from apps.reviews.models import Review, ReviewAssignment
from apps.reviews.selectors.cohort import (
    cohort_assignments,
    cohort_for_facilitator,
    cohort_members_duties,
    cohort_review_dates,
)
from apps.reviews.selectors.disagreement import disagreements
from apps.reviews.selectors.moderation import (
    assignment_for_facilitator,
    cohort_facilitator_place,
    hand_over_candidates,
    submission_for_own_review,
)
from apps.reviews.selectors.received import received_reviews, review_for_author
from apps.reviews.selectors.review import assignment_for_reviewer, other_reviews
from apps.reviews.selectors.sheet import review_answers, review_levels, review_of, review_sheet
from apps.reviews.selectors.todo import reviews_to_do
from apps.reviews.services import (
    ReviewConflict,
    ReviewError,
    review_add_by_facilitator,
    review_hand_over,
    review_hide,
    review_rate,
    review_save,
)
from apps.submissions.selectors import latest_revision

Status = ReviewAssignment.Status


def _clock(moment) -> str:
    return format_date(timezone.localtime(moment), "H:i")


@require_GET
@login_required
def todo(request):
    todo = reviews_to_do(user=request.user, now=timezone.now())
    return render(request, "reviews/todo.html", {"todo": todo})


# Writing a review ------------------------------------------------------------------


def _review_form(assignment, sheet, data=None) -> ReviewForm:
    review = review_of(assignment)
    initial = ReviewForm.initial_for(
        version=review.version if review else 1,
        levels=review_levels(review, sheet.criteria),
        comments=list(review.comments) if review else [],
    )
    return ReviewForm(data, initial=initial, criteria=sheet.criteria, questions=sheet.questions)


def _review_page(request, assignment, sheet, *, form=None, conflict=False, status=200):
    submission = assignment.submission
    review = review_of(assignment)
    context = {
        "assignment": assignment,
        "exercise": submission.exercise,
        "review": review,
        "sheet": sheet,
        "form": form or _review_form(assignment, sheet),
        "revision": latest_revision(submission=submission),
        "prompts": exercise_prompts(exercise=submission.exercise),
        "mine": {
            "levels": review_levels(review, sheet.criteria),
            "answers": review_answers(review, sheet.questions),
        },
        "others": other_reviews(assignment=assignment, sheet=sheet),
        "can_write": assignment.is_outstanding,
        "conflict": conflict,
    }
    return render(request, "reviews/review.html", context, status=status)


@require_http_methods(["GET", "POST"])
@login_required
def review(request, pk):
    """Read the work, fill in the rubric and questions, save a draft or submit.

    Without JavaScript both buttons post here. A refused submit keeps every
    word (the service saves it as a draft first); a save from an out-of-date
    page is refused and comes back with the text typed, ready to save again.
    """
    assignment = assignment_for_reviewer(user=request.user, pk=pk)
    sheet = review_sheet(assignment=assignment)
    if request.method == "GET":
        return _review_page(request, assignment, sheet)

    form = ReviewForm(request.POST, criteria=sheet.criteria, questions=sheet.questions)
    if not form.is_valid():
        return _review_page(request, assignment, sheet, form=form, status=400)
    submit = request.POST.get("action") == "submit"
    try:
        review_save(
            assignment=assignment,
            levels=form.levels(),
            comments=form.comments(),
            base_version=form.cleaned_data["version"],
            submit=submit,
        )
    except ReviewConflict as conflict:
        current = Review.objects.filter(assignment=assignment).first()
        data = request.POST.copy()
        data["version"] = str(current.version if current else 1)
        form = ReviewForm(data, criteria=sheet.criteria, questions=sheet.questions)
        form.is_valid()
        form.add_error(None, str(conflict))
        return _review_page(request, assignment, sheet, form=form, conflict=True, status=409)
    except ReviewError as error:
        # The text was kept as a draft; show it against the version now saved.
        fresh = assignment_for_reviewer(user=request.user, pk=pk)
        data = request.POST.copy()
        current = review_of(fresh)
        data["version"] = str(current.version if current else 1)
        form = ReviewForm(data, criteria=sheet.criteria, questions=sheet.questions)
        form.is_valid()
        form.add_error(None, str(error))
        return _review_page(request, fresh, sheet, form=form, status=400)
    if submit:
        messages.success(
            request, "Review submitted. Thank you! The other reviews of this work are below."
        )
    else:
        messages.success(request, "Draft saved.")
    return redirect("reviews:review", pk=assignment.pk)


@require_POST
@login_required
def save(request, pk):
    """Autosave a draft, answered in JSON.

    200 {version, saved_at, saved_at_display}; 409 {error, version} when the
    review was saved from another tab since the page's version; 400 {error}
    for a missing version, a level not in the rubric or an answer too long,
    and 400 {error, final: true} when the review is no longer this person's
    to write (handed to someone else, or already submitted).
    """
    assignment = assignment_for_reviewer(user=request.user, pk=pk)
    sheet = review_sheet(assignment=assignment)
    form = ReviewForm(request.POST, criteria=sheet.criteria, questions=sheet.questions)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        if "version" in form.errors:
            errors = ["This page is out of date; reload it before writing more."]
        return JsonResponse({"error": " ".join(errors)}, status=400)
    try:
        saved = review_save(
            assignment=assignment,
            levels=form.levels(),
            comments=form.comments(),
            base_version=form.cleaned_data["version"],
            submit=False,
        )
    except ReviewConflict as conflict:
        current = Review.objects.filter(assignment=assignment).first()
        return JsonResponse(
            {"error": str(conflict), "version": current.version if current else 1}, status=409
        )
    except ReviewError as error:
        # Handed to someone else or already submitted: saving again cannot help.
        return JsonResponse({"error": str(error), "final": True}, status=400)
    return JsonResponse(
        {
            "version": saved.version,
            "saved_at": saved.updated_at.isoformat(),
            "saved_at_display": _clock(saved.updated_at),
        }
    )


# Reviews of my work ----------------------------------------------------------------


def _received_page(request, *, rate_forms=None, status=200):
    received = received_reviews(user=request.user, now=timezone.now())
    rate_forms = rate_forms or {}
    for item in received:
        for shown in item.shown:
            review = shown.review
            shown.rate_form = rate_forms.get(shown.assignment.pk) or RateForm(
                prefix=f"rate-{shown.assignment.pk}",
                initial={"helpfulness": review.helpfulness, "note": review.helpfulness_note},
            )
    return render(request, "reviews/received.html", {"received": received}, status=status)


@require_GET
@login_required
def received(request):
    return _received_page(request)


@require_POST
@login_required
def rate(request, pk):
    """The author rates a review of their work (pk is the review's assignment)."""
    review = review_for_author(user=request.user, pk=pk, now=timezone.now())
    form = RateForm(request.POST, prefix=f"rate-{pk}")
    if form.is_valid():
        try:
            review_rate(
                review=review,
                helpfulness=form.cleaned_data["helpfulness"],
                note=form.cleaned_data["note"],
            )
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "Thank you: your rating is saved.")
            return redirect(f"{reverse('reviews:received')}#review-{pk}")
    return _received_page(request, rate_forms={pk: form}, status=400)


# Facilitators ----------------------------------------------------------------------


@require_GET
@login_required
def cohort(request, pk):
    cohort = cohort_for_facilitator(user=request.user, pk=pk)
    now = timezone.now()
    assignments = cohort_assignments(cohort=cohort, now=now)
    context = {
        "cohort": cohort,
        "assignments": assignments,
        "disagreements": disagreements(assignments),
        "my_place": cohort_facilitator_place(user=request.user, cohort_id=cohort.pk),
        "members": cohort_members_duties(cohort=cohort, now=now),
        "dates": cohort_review_dates(cohort=cohort),
    }
    return render(request, "reviews/cohort.html", context)


@require_POST
@login_required
def add_review(request, pk):
    """A facilitator of the author's cohort starts a review of their own (pk is the work's)."""
    submission, place = submission_for_own_review(user=request.user, pk=pk)
    try:
        assignment = review_add_by_facilitator(submission=submission, facilitator=place)
    except ReviewError as error:
        messages.error(request, str(error))
        return redirect("reviews:cohort", pk=submission.enrollment.placement.cohort_id)
    return redirect("reviews:review", pk=assignment.pk)


def _back_to_cohort(assignment) -> str:
    placement = getattr(assignment.submission.enrollment, "placement", None)
    if placement is None:
        return reverse("reviews:todo")
    return reverse("reviews:cohort", args=[placement.cohort_id])


@require_http_methods(["GET", "POST"])
@login_required
def hide(request, pk):
    """Hide a submitted review from its author; a replacement reviewer is assigned at once."""
    assignment = assignment_for_facilitator(user=request.user, pk=pk)
    review = review_of(assignment)
    can_hide = assignment.status == Status.DONE and review is not None
    form = HideForm(request.POST or None)
    if request.method == "POST" and can_hide and form.is_valid():
        try:
            reason = form.cleaned_data["reason"]
            replaced = review_hide(review=review, by=request.user, reason=reason)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            if replaced:
                messages.success(request, "The review is hidden, and a new reviewer is assigned.")
            else:
                messages.warning(
                    request,
                    "The review is hidden. Nobody else is free to review this work yet; "
                    "reviewers are added when someone becomes available.",
                )
            return redirect(_back_to_cohort(assignment))
    sheet = review_sheet(assignment=assignment)
    context = {
        "assignment": assignment,
        "review": review,
        "can_hide": can_hide,
        "levels": review_levels(review, sheet.criteria),
        "answers": review_answers(review, sheet.questions),
        "form": form,
        "back_url": _back_to_cohort(assignment),
    }
    return render(
        request, "reviews/hide.html", context, status=400 if request.method == "POST" else 200
    )


@require_http_methods(["GET", "POST"])
@login_required
def hand_over(request, pk):
    """Give a review that is not finished to another eligible participant, chosen by hand."""
    assignment = assignment_for_facilitator(user=request.user, pk=pk)
    can_hand_over = assignment.is_outstanding
    candidates = hand_over_candidates(assignment=assignment, user=request.user)
    form = HandOverForm(request.POST or None, candidates=candidates)
    if request.method == "POST" and can_hand_over and form.is_valid():
        to = form.cleaned_data["reviewer"]
        try:
            review_hand_over(assignment=assignment, to=to, by=request.user)
        except ReviewError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"{to.user.name} now reviews {assignment.submission.enrollment.user.name}’s "
                f"“{assignment.submission.exercise.title}” instead of "
                f"{assignment.reviewer.user.name}.",
            )
            return redirect(_back_to_cohort(assignment))
    context = {
        "assignment": assignment,
        "can_hand_over": can_hand_over,
        "form": form,
        "back_url": _back_to_cohort(assignment),
    }
    return render(
        request,
        "reviews/hand_over.html",
        context,
        status=400 if request.method == "POST" else 200,
    )
