"""Progress dashboards: a cohort's grid for its facilitators, a round's overview for staff.

Each view fetches what it shows through a selector scoped to the viewer, so
anything the person may not see is a 404, and the CSV exports build on the
very same selectors as the pages.
"""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from apps.progress import charts, exports
from apps.progress.selectors.access import cohort_for_viewer, round_for_viewer
from apps.progress.selectors.cohort_grid import cohort_grid
from apps.progress.selectors.round_export import round_grids
from apps.progress.selectors.round_overview import round_overview
from apps.progress.selectors.schedule import round_schedule


@require_GET
@login_required
def cohort_dashboard(request, pk):
    cohort = cohort_for_viewer(user=request.user, pk=pk)
    sessions = round_schedule(round=cohort.round)
    grid = cohort_grid(cohort=cohort, sessions=sessions)
    chart = charts.completion_chart(
        sessions=sessions, tallies=grid.totals, who=f"participants of {cohort.name}"
    )
    return render(request, "progress/cohort.html", {"grid": grid, "chart": chart})


@require_GET
@login_required
def cohort_export(request, pk):
    cohort = cohort_for_viewer(user=request.user, pk=pk)
    sessions = round_schedule(round=cohort.round)
    grid = cohort_grid(cohort=cohort, sessions=sessions)
    response = HttpResponse(exports.csv_lines([grid]), content_type="text/csv; charset=utf-8")
    filename = exports.cohort_filename(grid, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_GET
@login_required
def round_dashboard(request, slug):
    round = round_for_viewer(user=request.user, slug=slug)
    sessions = round_schedule(round=round)
    overview = round_overview(round=round, sessions=sessions)
    chart = charts.completion_chart(
        sessions=sessions,
        tallies=overview.totals,
        who=f"participants of {round.name}",
    )
    return render(request, "progress/round.html", {"overview": overview, "chart": chart})


@require_GET
@login_required
def round_export(request, slug):
    """The whole round, streamed: cohorts are read a batch at a time as the file goes out."""
    round = round_for_viewer(user=request.user, slug=slug)
    sessions = round_schedule(round=round)
    response = StreamingHttpResponse(
        exports.csv_lines(round_grids(round=round, sessions=sessions)),
        content_type="text/csv; charset=utf-8",
    )
    filename = exports.round_filename(round.slug, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
