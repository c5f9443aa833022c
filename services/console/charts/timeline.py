"""A case's history as a timeline read from top to bottom, one event a row, with the moment
the auditor chose marked between the events recorded by then and those after: geometry
only; the template draws it.

Rows are spaced evenly, not by time: a case's events may be seconds or years apart, and
every one of them has to stay readable."""

from __future__ import annotations

from dataclasses import dataclass

#: Pixels: the line's distance from the left, each row's height, the marker's height.
AXIS_X = 20
ROW = 44
MARKER = 34
WIDTH = 640
#: GOV.UK Frontend's blue and black, each with 3:1 contrast on white (WCAG 1.4.11). An
#: event after the chosen moment is drawn hollow and says so in words, so colour is never
#: the only cue.
APPLIED = "#1d70b8"
AFTER = "#0b0c0c"


@dataclass(frozen=True)
class Point:
    label: str
    when: str
    y: float
    #: Recorded after the chosen moment, so not part of the case as it stood then.
    after: bool

    @property
    def colour(self) -> str:
        return AFTER if self.after else APPLIED


@dataclass(frozen=True)
class Timeline:
    title: str
    description: str
    points: list[Point]
    #: Where the chosen moment is drawn (None when it is after every event, or not given).
    marker_y: float | None
    marker_label: str
    width: int
    height: int
    axis_x: int = AXIS_X


def timeline(
    title: str,
    description: str,
    events: list[tuple[str, str, bool]],
    marker_label: str = "",
) -> Timeline:
    """``events``: (label, when, after the chosen moment), oldest first; the marker goes
    before the first event after the moment."""
    points, y, marker_y = [], 0.0, None
    for label, when, after in events:
        if after and marker_y is None and marker_label:
            marker_y = y + MARKER / 2
            y += MARKER
        points.append(Point(label, when, y + ROW / 2, after))
        y += ROW
    return Timeline(
        title=title,
        description=description,
        points=points,
        marker_y=marker_y,
        marker_label=marker_label,
        width=WIDTH,
        height=int(y) or ROW,
    )
