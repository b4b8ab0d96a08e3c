"""Geometry for a small grouped bar chart, drawn as inline SVG by a template.

No JavaScript and no chart library: this module turns shares (0 to 1, or
None where a figure does not apply) into rectangles in a fixed coordinate
space, and `templates/progress/_chart.html` writes them out with a title, a
description and a legend. Plain Python, so it is tested on its own; the
numbers stay numbers, and the template writes them with the `coordinate`
filter (apps/progress/templatetags/progress.py).
"""

from dataclasses import dataclass

# The coordinate space of the drawing; the SVG scales to its container.
PLOT_HEIGHT = 160
TOP = 12
LEFT = 44
RIGHT = 12
BAR_WIDTH = 14
BAR_GAP = 2
GROUP_GAP = 18
AXIS_LABEL_SPACE = 22
LEGEND_ROW = 20
MIN_WIDTH = 300  # room for the legend when there are only a few groups
ZERO_STUB = 1.5  # a zero still shows as a sliver, so it reads differently from a missing figure


@dataclass(frozen=True)
class Series:
    key: str  # also the CSS class that sets the bar's colour and pattern
    label: str


@dataclass(frozen=True)
class Bar:
    series: Series
    x: float
    y: float
    width: float
    height: float
    percent: int | None
    text: str  # what the bar says, for its tooltip and the table beside the chart

    @property
    def centre(self) -> float:
        return self.x + self.width / 2


@dataclass(frozen=True)
class Group:
    label: str  # short, under the axis
    long_label: str
    x: float  # the centre of the group
    bars: tuple[Bar, ...]


@dataclass(frozen=True)
class Tick:
    y: float
    label: str


@dataclass(frozen=True)
class LegendItem:
    series: Series
    x: float
    y: float
    size: float = 14

    @property
    def text_x(self) -> float:
        return self.x + self.size + 6

    @property
    def text_y(self) -> float:
        return self.y + self.size / 2


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    category: str  # what the groups are, heading their column in the table of figures
    width: float
    height: float
    left: float
    right: float
    top: float
    baseline: float
    groups: tuple[Group, ...]
    ticks: tuple[Tick, ...]
    legend: tuple[LegendItem, ...]

    @property
    def series(self) -> tuple[Series, ...]:
        return tuple(item.series for item in self.legend)

    @property
    def display_width(self) -> int:
        """How wide to draw it at most, in CSS pixels: a little larger than its own units."""
        return round(self.width * 1.5)

    @property
    def tick_label_x(self) -> float:
        return self.left - 6

    @property
    def axis_label_y(self) -> float:
        return self.baseline + 16

    @property
    def missing_y(self) -> float:
        """Where the dash that stands for a missing bar sits, just above the baseline."""
        return self.baseline - 3


def grouped_bars(
    *,
    title: str,
    description: str,
    series: list[Series],
    groups: list[tuple[str, str, list[float | None]]],
    category: str = "Session",
) -> BarChart:
    """Lay out one group of bars per category, one bar per series, heights as shares.

    `groups` holds (short label, long label, one share per series). A share
    of None draws no bar; its text says the figure does not apply yet.
    """
    group_width = len(series) * BAR_WIDTH + (len(series) - 1) * BAR_GAP
    plot_width = max(len(groups), 1) * (group_width + GROUP_GAP)
    width = max(LEFT + plot_width + RIGHT, MIN_WIDTH)
    baseline = TOP + PLOT_HEIGHT
    laid_out = []
    for index, (label, long_label, shares) in enumerate(groups):
        start = LEFT + GROUP_GAP / 2 + index * (group_width + GROUP_GAP)
        bars = []
        for position, (one, share) in enumerate(zip(series, shares, strict=True)):
            height = (
                0.0
                if share is None
                else max(round(PLOT_HEIGHT * max(0.0, min(share, 1.0)), 1), ZERO_STUB)
            )
            percent = None if share is None else round(100 * share)
            said = "no figure yet" if percent is None else f"{percent}%"
            bars.append(
                Bar(
                    series=one,
                    x=start + position * (BAR_WIDTH + BAR_GAP),
                    y=baseline - height,
                    width=BAR_WIDTH,
                    height=height,
                    percent=percent,
                    text=f"{long_label}, {one.label.lower()}: {said}",
                )
            )
        laid_out.append(
            Group(
                label=label,
                long_label=long_label,
                x=start + group_width / 2,
                bars=tuple(bars),
            )
        )
    legend_top = baseline + AXIS_LABEL_SPACE + 6
    return BarChart(
        title=title,
        description=description,
        category=category,
        width=width,
        height=legend_top + LEGEND_ROW * len(series),
        left=LEFT,
        right=LEFT + plot_width,
        top=TOP,
        baseline=baseline,
        groups=tuple(laid_out),
        ticks=tuple(
            Tick(y=baseline - PLOT_HEIGHT * share, label=f"{round(100 * share)}%")
            for share in (0, 0.25, 0.5, 0.75, 1)
        ),
        legend=tuple(
            LegendItem(series=one, x=LEFT, y=legend_top + LEGEND_ROW * row)
            for row, one in enumerate(series)
        ),
    )


COMPLETION_SERIES = [
    Series("readings", "Did all the readings"),
    Series("submitted", "Handed in every exercise"),
    Series("attended", "Attended the meeting"),
]


def completion_chart(*, sessions, tallies, who: str) -> BarChart:
    """Per session, the share of `who` that did the readings, handed in and attended.

    `sessions` and `tallies` run in step, as the progress selectors return
    them: anything with `number` and `display_title`, and anything with the
    three `*_share` figures.
    """
    return grouped_bars(
        title=f"Completion per session, {who}",
        description=(
            f"Bars per session for the share of {who} who did all the readings, handed in "
            "every exercise, and attended the meeting. A session without readings or "
            "exercises, or whose meeting is still to come, has no bar for that figure. "
            "The same figures are in the table that follows the chart."
        ),
        series=COMPLETION_SERIES,
        groups=[
            (
                f"S{session.number}",
                session.display_title,
                [tally.readings_share, tally.submitted_share, tally.attended_share],
            )
            for session, tally in zip(sessions, tallies, strict=True)
        ],
    )
