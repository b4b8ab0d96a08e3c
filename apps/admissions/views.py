"""Admissions pages: the ranked list with bulk decisions, a reviewer's queue and scoring
page (staff and the round's lead facilitators), and an applicant's own place and offer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST

from apps.admissions import selectors
from apps.admissions.forms import DecisionForm, ReviewForm
from apps.admissions.services import (
    AdmissionsError,
    decisions_make,
    offer_confirm,
    offer_decline,
    place_give_up,
    review_submit,
    reviewers_assign,
)
from apps.feedback.selectors import round_for_lead
from apps.rounds.models import Enrollment

VERBS = {"accepted": "Accepted", "waitlisted": "Put on the waiting list", "declined": "Declined"}


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}{'' if n == 1 else 's'}"


@login_required
def index(request):
    """The rounds whose applications this person reviews; 404 for anyone who reviews none."""
    rounds = list(selectors.rounds_to_admit(user=request.user))
    if not rounds and not request.user.is_staff:
        raise Http404("You review no round's applications.")
    return render(request, "admissions/index.html", {"rounds": rounds})


@require_http_methods(["GET", "POST"])
@login_required
def ranked(request, slug):
    round = round_for_lead(user=request.user, slug=slug)
    status = request.GET.get("status", "")
    if status not in Enrollment.Status.values:
        status = ""
    rows = selectors.ranked_applications(round=round, viewer=request.user, status=status)
    form = DecisionForm(
        request.POST if request.method == "POST" else None,
        enrollment_ids=[row.enrollment.pk for row in rows],
    )
    if request.method == "POST" and form.is_valid():
        ticked = set(form.cleaned_data["applications"])
        outcome = form.cleaned_data["outcome"]
        done = decisions_make(
            round=round,
            enrollment_ids=[row.enrollment.pk for row in rows if row.enrollment.pk in ticked],
            outcome=outcome,
            by=request.user,
        )
        text = f"{VERBS[outcome]}: {_count(done.changed, 'application')}; each is told by email."
        if done.skipped:
            text += (
                f" Skipped {done.skipped}: already decided in a way this decision cannot change."
            )
        (messages.success if done.changed else messages.warning)(request, text)
        return redirect(request.get_full_path())
    ticked = set(form.data.getlist("applications")) if form.is_bound else set()
    return render(
        request,
        "admissions/ranked.html",
        {
            "round": round,
            "rows": rows,
            "form": form,
            "ticked": ticked,
            "status": status,
            "statuses": Enrollment.Status.choices,
            "settings": selectors.settings_of(round),
            "waiting": sum(1 for row in rows if row.position is not None),
        },
    )


@require_POST
@login_required
def assign(request, slug):
    round = round_for_lead(user=request.user, slug=slug)
    try:
        made = reviewers_assign(round=round)
    except AdmissionsError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            f"Assigned {_count(made, 'review')}."
            if made
            else "Every application waiting for a decision already has its reviewers.",
        )
    return redirect("admissions:round", slug=round.slug)


@login_required
def my_reviews(request, slug):
    round = round_for_lead(user=request.user, slug=slug)
    reviews = list(selectors.reviews_of(user=request.user, round=round))
    return render(
        request,
        "admissions/reviews.html",
        {
            "round": round,
            "reviews": reviews,
            "to_do": sum(1 for review in reviews if review.is_open),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def application(request, slug, pk):
    round = round_for_lead(user=request.user, slug=slug)
    enrollment = selectors.application_in(round=round, pk=pk)
    reviews = selectors.application_reviews(enrollment=enrollment, viewer=request.user)
    criteria = selectors.rubric_criteria(selectors.settings_of(round).rubric)
    form = None
    if reviews.mine is not None:
        initial = {f"criterion_{c}": level for c, level in reviews.chosen.items()}
        initial["comment"] = reviews.mine.comment
        form = ReviewForm(
            request.POST if request.method == "POST" else None, criteria=criteria, initial=initial
        )
    if request.method == "POST":
        if form is None:
            messages.error(request, "This application is not yours to score.")
            return redirect(request.path)
        if form.is_valid():
            try:
                review_submit(
                    review=reviews.mine,
                    levels=form.levels(),
                    comment=form.cleaned_data["comment"],
                )
            except AdmissionsError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, f"Your scores for {enrollment.user.name} are saved.")
                return redirect(request.path)
    return render(
        request,
        "admissions/application.html",
        {
            "round": round,
            "enrollment": enrollment,
            "reviews": reviews,
            "criteria": criteria,
            "form": form,
            "may_score": enrollment.status == Enrollment.Status.APPLIED,
            "decisions": selectors.decisions_of(enrollment=enrollment),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def place(request, slug):
    enrollment = selectors.own_place(user=request.user, slug=slug)
    round = enrollment.round
    now = timezone.now()
    offer = next((o for o in enrollment.offer_list if o.is_open and o.expires_at > now), None)
    may_give_up = enrollment.status in Enrollment.ELIGIBLE and now.date() < round.starts_on
    error = ""
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action in ("confirm", "decline") and offer is not None:
                if action == "confirm":
                    placement = offer_confirm(offer=offer, by=request.user)
                    messages.success(
                        request,
                        f"Your place is confirmed, and you are in {placement.cohort.name}."
                        if placement
                        else "Your place is confirmed. We will place you in a cohort "
                        "that meets at a time you gave.",
                    )
                else:
                    offer_decline(offer=offer)
                    messages.success(
                        request, "You turned the place down; it goes to the next person."
                    )
                return redirect("admissions:place", slug=round.slug)
            if action == "give_up" and may_give_up:
                place_give_up(enrollment=enrollment, by=request.user)
                messages.success(
                    request, "You gave up your place; it is offered to the next person waiting."
                )
                return redirect("admissions:place", slug=round.slug)
            error = "That is no longer possible: the page below shows where things stand now."
        except AdmissionsError as exc:
            error = str(exc)
        enrollment = selectors.own_place(user=request.user, slug=slug)
        offer = next((o for o in enrollment.offer_list if o.is_open and o.expires_at > now), None)
        may_give_up = enrollment.status in Enrollment.ELIGIBLE and now.date() < round.starts_on
    return render(
        request,
        "admissions/place.html",
        {
            "round": round,
            "enrollment": enrollment,
            "offer": offer,
            "decision": enrollment.decision_list[0] if enrollment.decision_list else None,
            "may_give_up": may_give_up,
            "error": error,
            "availability_url": reverse("rounds:availability", args=[round.slug]),
        },
        status=400 if error else 200,
    )
