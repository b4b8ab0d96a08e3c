from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify

from apps.plans.markdown import plan_to_markdown
from apps.plans.models import MilestoneCheckin
from apps.plans.selectors import cohort_for_plans, shared_plans
from apps.plans.services import milestone_check_in
from apps.submissions.models import Milestone


@login_required
def cohort_plans(request, cohort_pk):
    cohort = cohort_for_plans(user=request.user, pk=cohort_pk)
    plans = shared_plans(cohort=cohort)
    return render(request, "plans/cohort_plans.html", {"cohort": cohort, "plans": plans})


def _markdown_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.md"'
    return response


@login_required
def cohort_plans_markdown(request, cohort_pk):
    cohort = cohort_for_plans(user=request.user, pk=cohort_pk)
    text = "\n".join(plan_to_markdown(plan) for plan in shared_plans(cohort=cohort))
    return _markdown_response(text, f"{slugify(cohort.name)}-plans")


@login_required
def plan_markdown(request, cohort_pk, submission_pk):
    cohort = cohort_for_plans(user=request.user, pk=cohort_pk)
    plans = shared_plans(cohort=cohort, submission_pk=submission_pk)
    if not plans:
        raise Http404("No such plan.")
    plan = plans[0]
    name = slugify(f"{plan.submission.exercise.title}-{plan.submission.enrollment.user.name}")
    return _markdown_response(plan_to_markdown(plan), name)


class CheckinForm(forms.Form):
    outcome = forms.ChoiceField(
        label="How did it go?", choices=MilestoneCheckin.Outcome.choices, widget=forms.RadioSelect
    )
    note = forms.CharField(
        label="A line for your cohort (optional)",
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


@login_required
def checkin(request, milestone_pk):
    """The author answers the check-in on one of their own milestones."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("submission__enrollment__placement"),
        pk=milestone_pk,
        submission__enrollment__user=request.user,
    )
    existing = MilestoneCheckin.objects.filter(milestone=milestone).first()
    initial = {"outcome": existing.outcome, "note": existing.note} if existing else None
    form = CheckinForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        milestone_check_in(milestone=milestone, author=request.user, **form.cleaned_data)
        messages.success(request, "Thanks, your cohort can see your check-in.")
        placement = getattr(milestone.submission.enrollment, "placement", None)
        return redirect("plans:cohort", placement.cohort_id) if placement else redirect("home")
    return render(request, "plans/checkin.html", {"milestone": milestone, "form": form})
