"""The chart geometry on its own, without the database."""

from apps.progress.charts import (
    PLOT_HEIGHT,
    ZERO_STUB,
    Series,
    completion_chart,
    grouped_bars,
)
from apps.progress.exports import safe_text

TWO = [Series("a", "First"), Series("b", "Second")]


def test_bars_are_as_tall_as_their_share_and_stand_on_the_baseline():
    chart = grouped_bars(title="T", description="D", series=TWO, groups=[("S1", "One", [1, 0.25])])

    full, quarter = chart.groups[0].bars
    assert full.height == PLOT_HEIGHT and full.y == chart.top
    assert quarter.height == PLOT_HEIGHT / 4
    assert quarter.y + quarter.height == chart.baseline
    assert (full.percent, quarter.percent) == (100, 25)


def test_a_missing_figure_draws_no_bar_and_says_so_while_zero_is_a_sliver():
    chart = grouped_bars(title="T", description="D", series=TWO, groups=[("S1", "One", [None, 0])])

    missing, zero = chart.groups[0].bars
    assert missing.percent is None and missing.height == 0
    assert missing.text == "One, first: no figure yet"
    assert zero.percent == 0 and zero.height == ZERO_STUB


def test_groups_sit_side_by_side_without_overlapping():
    chart = grouped_bars(
        title="T",
        description="D",
        series=TWO,
        groups=[(f"S{i}", f"{i}", [0.5, 0.5]) for i in range(6)],
    )

    edges = [(bar.x, bar.x + bar.width) for group in chart.groups for bar in group.bars]
    assert all(
        right <= next_left for (_, right), (next_left, _) in zip(edges, edges[1:], strict=False)
    )
    assert edges[-1][1] <= chart.right <= chart.width


def test_the_axis_runs_from_nothing_to_everyone():
    chart = grouped_bars(title="T", description="D", series=TWO, groups=[("S1", "One", [0, 0])])

    assert [tick.label for tick in chart.ticks] == ["0%", "25%", "50%", "75%", "100%"]
    assert chart.ticks[0].y == chart.baseline and chart.ticks[-1].y == chart.top


def test_the_completion_chart_names_who_it_counts():
    class Session:
        number, display_title = 1, "Session 1: Basics"

    class Figures:
        readings_share, submitted_share, attended_share = 0.5, None, 1.0

    chart = completion_chart(sessions=[Session()], tallies=[Figures()], who="participants of X")

    assert chart.title == "Completion per session, participants of X"
    assert "did all the readings" in chart.description
    assert [bar.percent for bar in chart.groups[0].bars] == [50, None, 100]
    assert chart.groups[0].label == "S1"


def test_text_a_spreadsheet_would_run_is_defused():
    assert safe_text("=1+1") == "'=1+1"
    assert safe_text("@SUM(A1)") == "'@SUM(A1)"
    assert safe_text("-2") == "'-2"
    assert safe_text("Ada Lovelace") == "Ada Lovelace"


def test_the_template_writes_every_coordinate_with_one_decimal():
    from django.template.loader import render_to_string

    chart = grouped_bars(
        title="T",
        description="D",
        series=TWO,
        groups=[("S1", "One", [1, None]), ("S2", "Two", [0.5, 0])],
    )
    html = render_to_string("progress/_chart.html", {"chart": chart, "chart_id": "c"})

    bar = chart.groups[1].bars[0]
    assert f'<rect class="chart-bar" x="{bar.x:.1f}" y="{bar.y:.1f}" ' in html
    assert f'width="{bar.width:.1f}" height="{bar.height:.1f}"' in html
    assert f'x="{chart.groups[0].bars[1].centre:.1f}"' in html  # the missing figure's dash
    assert '=""' not in html  # no coordinate the template failed to find
