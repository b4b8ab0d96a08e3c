from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from apps.courses import selectors
from apps.courses.services import resource_mark_done


@login_required
def course_list(request):
    courses = selectors.courses_visible_to(request.user)
    return render(request, "courses/course_list.html", {"courses": courses})


@login_required
def course_detail(request, slug):
    course = selectors.course_for_user(user=request.user, slug=slug)
    units = selectors.units_with_progress(course=course, user=request.user)
    return render(request, "courses/course_detail.html", {"course": course, "units": units})


def _unit_page_context(request, unit):
    resources = selectors.unit_resources(unit=unit, user=request.user)
    return {
        "unit": unit,
        "course": unit.course,
        "core_resources": [r for r in resources if r.is_core],
        "optional_resources": [r for r in resources if not r.is_core],
        "progress": selectors.progress_from_resources(resources),
    }


@login_required
def unit_detail(request, slug, number):
    page = selectors.unit_page_for_user(user=request.user, course_slug=slug, number=number)
    unit = page.unit
    context = _unit_page_context(request, unit)
    context["exercises"] = selectors.unit_exercises(unit=unit)
    context["previous_unit"], context["next_unit"] = page.previous, page.next
    context["is_preview"] = not unit.course.is_published
    return render(request, "courses/unit_detail.html", context)


@require_POST
@login_required
def resource_done(request, pk):
    resource = selectors.resource_for_user(user=request.user, pk=pk)
    resource_mark_done(user=request.user, resource=resource, done=request.POST.get("done") == "1")
    if request.headers.get("HX-Request"):
        context = _unit_page_context(request, resource.unit)
        loaded = context["core_resources"] + context["optional_resources"]
        context["resources"] = [next(r for r in loaded if r.pk == resource.pk)]
        return render(request, "courses/_resource_done_response.html", context)
    return redirect(f"{resource.unit.get_absolute_url()}#resource-{resource.pk}")
