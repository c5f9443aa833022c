"""A horizontal bar chart of several measures per row (strength now and projected, say),
with a target marked on each row: geometry only; the template draws it."""

from __future__ import annotations

from dataclasses import dataclass

#: Pixels: a row's label column, each bar's height and the gap after a row.
LABEL_WIDTH = 220
PLOT_WIDTH = 440
BAR = 16
ROW_GAP = 14
#: Colours from GOV.UK Frontend's palette, each with 3:1 contrast on white (WCAG 1.4.11);
#: each bar is also labelled with its figure, so colour is never the only cue.
COLOURS = ("#1d70b8", "#0b0c0c")


@dataclass(frozen=True)
class Bar:
    measure: str
    value: int
    x: float
    y: float
    width: float
    colour: str


@dataclass(frozen=True)
class Row:
    label: str
    y: float
    bars: list[Bar]
    #: Where the target's mark is drawn, if the row has one.
    target: int | None
    target_x: float | None


@dataclass(frozen=True)
class BarChart:
    title: str
    description: str
    measures: list[tuple[str, str]]
    rows: list[Row]
    width: int
    height: int
    label_width: int = LABEL_WIDTH

    @property
    def has_targets(self) -> bool:
        return any(row.target is not None for row in self.rows)


def bar_chart(
    title: str,
    description: str,
    measures: list[str],
    rows: list[tuple[str, list[int], int | None]],
) -> BarChart:
    """``rows``: (label, one value per measure, target or None)."""
    largest = max([1, *(v for _, values, _ in rows for v in values)])
    largest = max(largest, *(t for _, _, t in rows if t is not None), 1)
    scale = PLOT_WIDTH / largest
    drawn = []
    y = 0.0
    for label, values, target in rows:
        bars = [
            Bar(measure, value, LABEL_WIDTH, y + i * BAR, value * scale, COLOURS[i % 2])
            for i, (measure, value) in enumerate(zip(measures, values, strict=True))
        ]
        drawn.append(
            Row(
                label=label,
                y=y,
                bars=bars,
                target=target,
                target_x=LABEL_WIDTH + target * scale if target is not None else None,
            )
        )
        y += BAR * len(measures) + ROW_GAP
    return BarChart(
        title=title,
        description=description,
        measures=[(m, COLOURS[i % 2]) for i, m in enumerate(measures)],
        rows=drawn,
        # Room after the longest bar for its figure.
        width=LABEL_WIDTH + PLOT_WIDTH + 60,
        height=int(y) or BAR,
    )
