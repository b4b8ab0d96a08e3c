"""A round's analytics page and its CSV files, for staff and the round's lead facilitators.

Both fetch the round through apps.feedback.selectors.round_for_lead: anyone else gets a
404, so a round's existence is not given away.
"""

from django.contrib.auth.decorators import login_required
from django.http import Http404, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from apps.analytics import charts, exports, selectors
from apps.feedback.selectors import round_for_lead
from apps.progress.exports import csv_stream


@require_safe
@login_required
def round_page(request, slug):
    round = round_for_lead(user=request.user, slug=slug)
    report = selectors.round_report(round=round)
    context = {
        "report": report,
        "round": round,
        "funnel_chart": charts.funnel_chart(stages=report.funnel, round_name=round.name),
        "sessions_chart": charts.sessions_chart(
            figures=report.session_figures, round_name=round.name
        ),
        "tables": exports.TABLES,
    }
    return render(request, "analytics/round.html", context)


@require_safe
@login_required
def round_csv(request, slug, table):
    """One table as CSV, streamed: rows are written as the database hands them over."""
    round = round_for_lead(user=request.user, slug=slug)
    if table not in exports.TABLES:
        raise Http404("No such table.")
    found = exports.TABLES[table]
    response = StreamingHttpResponse(
        csv_stream(found.header, found.rows(round)), content_type="text/csv; charset=utf-8"
    )
    name = exports.filename(round, table, today=timezone.localdate())
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
