from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from apps.plans.markdown import plan_to_markdown
from apps.plans.selectors import cohort_for_plans, shared_plans


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
