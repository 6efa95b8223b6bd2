"""Stacked bar charts of label counts per period as plain SVG shapes for the statistics page: the
browser draws the Chinese text with its own fonts, and no chart library or script is needed."""

from dataclasses import dataclass

from console.stats import AXES, Period
from nlp.labels import name_of

COLOURS = {
    "type": ["#1f5fa8", "#e08a00", "#b3261e", "#1c7a3e", "#7b5ea7"],
    "urgency": ["#b3261e", "#e08a00", "#6b8fb5"],
}
WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 1000, 260, 48, 36, 12


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    axis: str
    bars: list[Bar]
    ticks: list[tuple[float, str]]  # (y, count)
    labels: list[tuple[float, str]]  # (x, period) under some bars
    legend: list[tuple[str, str]]  # (colour, label name)
    width: int = WIDTH
    height: int = HEIGHT


def stacked(periods: list[Period], axis: str) -> Chart:
    step_count = -(-max((p.cases for p in periods), default=0) // 4) or 1  # whole-number gridlines
    top = step_count * 4
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    step = plot_w / max(len(periods), 1)
    bars = []
    for i, period in enumerate(periods):
        y = float(TOP + plot_h)
        for label, colour in zip(AXES[axis], COLOURS[axis], strict=True):
            n = period.by[axis][label]
            if not n:
                continue
            h = plot_h * n / top
            y -= h
            title = f"{period.label} {name_of(axis, label)}：{n}"
            bars.append(Bar(LEFT + i * step + step * 0.15, y, step * 0.7, h, colour, title))
    every = max(1, len(periods) // 12)
    labels = [
        (LEFT + i * step + step / 2, p.label.split("（")[0][-5:]) for i, p in enumerate(periods) if i % every == 0
    ]
    ticks = [(TOP + plot_h * (1 - k / 4), str(step_count * k)) for k in range(5)]
    legend = [(c, name_of(axis, label)) for label, c in zip(AXES[axis], COLOURS[axis], strict=True)]
    return Chart(axis, bars, ticks, labels, legend)
