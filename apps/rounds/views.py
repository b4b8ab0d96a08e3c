from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from apps.accounts.timezones import is_valid_timezone
from apps.rounds import round_links, selectors
from apps.rounds.forms import DAY_NAMES, ApplicationForm, AvailabilityForm
from apps.rounds.services import (
    AVAILABILITY_EDITABLE,
    MAY_LEAVE,
    AlreadyEnrolled,
    RoundError,
    application_edit,
    application_is_editable,
    availability_save,
    enrollment_apply,
)


def _zone_of(user) -> str:
    return user.time_zone if is_valid_timezone(user.time_zone) else "UTC"


@login_required
def round_list(request):
    enrollments = selectors.enrollments_of(user=request.user)
    return render(
        request,
        "rounds/round_list.html",
        {
            "open_rounds": selectors.rounds_open_for_applications(
                user=request.user, now=timezone.now()
            ),
            "enrollments": enrollments,
            "enrolled_round_ids": {enrollment.round_id for enrollment in enrollments},
        },
    )


@login_required
def round_detail(request, slug):
    round = selectors.round_for_user(user=request.user, slug=slug)
    enrollment = selectors.enrollment_in(user=request.user, round=round)
    viewer = round_links.Viewer(
        user=request.user,
        enrollment=enrollment,
        may_lead=selectors.leads_with(request.user, enrollment),
    )
    return render(
        request,
        "rounds/round_detail.html",
        {
            "round": round,
            "links": round_links.links_for(round=round, viewer=viewer),
            "schedule": selectors.round_schedule(round=round),
            "enrollment": enrollment,
            "may_leave": enrollment is not None
            and not enrollment.is_facilitator
            and enrollment.status in MAY_LEAVE,
            "may_edit": enrollment is not None
            and application_is_editable(enrollment=enrollment, round=round, now=timezone.now()),
            "is_open": round.is_open_for_applications(timezone.now()),
            "not_yet_open": timezone.now() < round.applications_open_at,
        },
    )


@login_required
def apply(request, slug):
    """Apply to a round, or change an application until applications close."""
    round = selectors.round_for_user(user=request.user, slug=slug)
    now = timezone.now()
    mine = selectors.enrollment_in(user=request.user, round=round)
    if mine is not None and not application_is_editable(enrollment=mine, round=round, now=now):
        if mine.status == mine.Status.APPLIED and not mine.is_facilitator:
            messages.info(request, "Applications have closed, so your application is final.")
        else:
            messages.info(request, "You have already applied to this round.")
        return redirect("rounds:availability", slug=round.slug)
    questions = selectors.application_questions(round=round)
    initial = {}
    if mine is not None:
        answers = selectors.application_answers(enrollment=mine)
        initial = ApplicationForm.initial_for(mine, answers)
    form = ApplicationForm(
        request.POST if request.method == "POST" else None, questions=questions, initial=initial
    )
    if request.method == "POST" and form.is_valid():
        fields = {
            "motivation": form.cleaned_data["motivation"],
            "experience": form.cleaned_data["experience"],
            "answers": form.answers(),
        }
        try:
            if mine is None:
                enrollment_apply(round=round, user=request.user, **fields)
            else:
                application_edit(enrollment=mine, **fields)
        except AlreadyEnrolled as error:
            messages.info(request, str(error))
            return redirect("rounds:availability", slug=round.slug)
        except RoundError as error:
            form.add_error(None, str(error))
        else:
            if mine is not None:
                messages.success(request, "Your changes to your application are saved.")
                return redirect("rounds:detail", slug=round.slug)
            messages.success(
                request, "Your application is in. Now tell us when you could meet each week."
            )
            return redirect("rounds:availability", slug=round.slug)
    return render(
        request,
        "rounds/apply.html",
        {
            "round": round,
            "form": form,
            "editing": mine is not None,
            "is_open": round.is_open_for_applications(now),
            "not_yet_open": now < round.applications_open_at,
        },
    )


@login_required
def availability(request, slug):
    enrollment = selectors.enrollment_for_availability(user=request.user, slug=slug)
    zone = _zone_of(request.user)
    # A sent form redraws what was sent, so the stored cells are only read for a fresh page.
    stored = (
        set()
        if request.method == "POST"
        else selectors.availability_cells(enrollment=enrollment, zone=zone)
    )
    form = AvailabilityForm(
        request.POST if request.method == "POST" else None,
        selected=stored,
        is_facilitator=enrollment.is_facilitator,
        max_cohorts=enrollment.max_cohorts,
    )
    if request.method == "POST" and form.is_valid():
        try:
            availability_save(
                enrollment=enrollment,
                cells=form.cleaned_data["cells"],
                time_zone=zone,
                max_cohorts=form.cleaned_data.get("max_cohorts"),
            )
        except RoundError as error:
            form.add_error(None, str(error))
        else:
            # With nothing ticked, the page itself warns that nobody can place them.
            messages.success(request, "Your availability is saved.")
            return redirect("rounds:availability", slug=enrollment.round.slug)
    return render(
        request,
        "rounds/availability.html",
        {
            "enrollment": enrollment,
            "round": enrollment.round,
            "form": form,
            "day_names": DAY_NAMES,
            "zone": zone,
            "is_editable": enrollment.status in AVAILABILITY_EDITABLE,
            "entered_elsewhere": enrollment.availability_time_zone
            and enrollment.availability_time_zone != zone,
        },
    )
