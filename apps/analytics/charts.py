"""The analytics page's charts, laid out by the progress app's bar chart geometry.

The series keys name the fills and textures that templates/progress/_chart.html
and static/css/progress.css define, so these charts look like the progress ones.
"""

from apps.analytics.selectors import SessionFigures, Stage
from apps.progress.charts import BarChart, Series, grouped_bars

FUNNEL_SERIES = [Series("readings", "Share of applicants")]

SESSION_SERIES = [
    Series("readings", "Readings marked done"),
    Series("submitted", "Exercises handed in"),
    Series("attended", "Attended the meeting"),
]


def funnel_chart(*, stages: list[Stage], round_name: str) -> BarChart:
    return grouped_bars(
        title=f"From application to certificate, {round_name}",
        description=(
            "One bar per stage, as a share of everyone who applied: accepted, placed in a "
            "cohort, attended the first meeting, active in each week of the round, completed "
            "and certified. A week still to come has no bar. The same figures, with the "
            "number of people, are in the table that follows the chart."
        ),
        series=FUNNEL_SERIES,
        groups=[(stage.short, stage.label, [stage.share]) for stage in stages],
        category="Stage",
    )


def sessions_chart(*, figures: list[SessionFigures], round_name: str) -> BarChart:
    return grouped_bars(
        title=f"Session by session, {round_name}",
        description=(
            "Bars per session for the share of the readings marked done and of the exercises "
            "handed in, out of everything the participants taking part could have done, and "
            "the share of the members of cohorts whose meeting was held who attended it. A "
            "session without readings or exercises, or whose meetings are still to come, has "
            "no bar for that figure. The same figures are in the table that follows the chart."
        ),
        series=SESSION_SERIES,
        groups=[
            (
                f"S{row.session.number}",
                row.session.display_title,
                [row.readings_share, row.handed_in_share, row.attended_share],
            )
            for row in figures
        ],
    )
