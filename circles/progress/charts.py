"""Bar charts as server-rendered SVG: no script, no image files, readable by screen readers (title and
description) and not by colour alone (each series has its own fill pattern and a printed value).

The geometry is computed here; ``templates/progress/_chart.html`` draws it.
"""

import math
from dataclasses import dataclass
from decimal import Decimal

from flask import render_template
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from circles.progress.figures import Figure

WIDTH, HEIGHT = 720, 320
LEFT, RIGHT, TOP, BOTTOM = 64, 12, 28, 44

#: (attribute of Figure, legend label, css class of the fill): the order of the bars in each year.
SERIES = (
    ("target", _l("Taakstelling"), "target"),
    ("realised", _l("Gerealiseerd"), "realised"),
    ("adopted_jobs", _l("Via overgenomen werkpakketten"), "adopted"),
)


@dataclass
class Bar:
    series: str
    css: str
    x: float
    y: float
    width: float
    height: float
    value: Decimal | int | None


@dataclass
class Group:
    year: int
    x: float  # the centre, for the year label
    bars: list[Bar]


@dataclass
class Tick:
    y: float
    value: Decimal


def nice_ceiling(value: Decimal) -> tuple[Decimal, Decimal]:
    """An axis maximum at or above ``value`` and its tick step: 1, 2, 2.5 or 5 times a power of ten, four steps."""
    if value <= 0:
        return Decimal(4), Decimal(1)
    raw = float(value) / 4
    power = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        step = Decimal(str(factor)) * Decimal(str(power))
        if step * 4 >= value:
            if step < 1:  # whole jobs on the axis
                step = Decimal(1)
            return step * 4, step
    raise AssertionError("unreachable")


def layout(figures: list[Figure]) -> tuple[list[Group], list[Tick]]:
    values = [Decimal(getattr(f, attr)) for f in figures for attr, _label, _css in SERIES
              if getattr(f, attr) is not None]
    top, step = nice_ceiling(max(values, default=Decimal(0)))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(figures), 1)
    bar_w = min(32.0, slot * 0.8 / len(SERIES))
    groups = []
    for n, figure in enumerate(figures):
        centre = LEFT + slot * (n + 0.5)
        start = centre - bar_w * len(SERIES) / 2
        bars = []
        for i, (attr, _label, css) in enumerate(SERIES):
            value = getattr(figure, attr)
            if attr == "adopted_jobs" and not value:
                value = None  # no bar and no "0" for years nobody reported a package in use
            height = 0.0 if value is None else float(Decimal(value) / top) * plot_h
            bars.append(Bar(attr, css, start + i * bar_w, TOP + plot_h - height, bar_w, height, value))
        groups.append(Group(figure.year, centre, bars))
    ticks = [Tick(TOP + plot_h - float(step * k / top) * plot_h, step * k) for k in range(5)]
    return groups, ticks


def bar_chart(figures: list[Figure], *, chart_id: str, title: str, description: str) -> Markup:
    """The chart of ``figures`` (one group of bars per year), as inline SVG."""
    groups, ticks = layout(figures)
    return Markup(render_template(
        "progress/_chart.html", chart_id=chart_id, title=title, description=description, groups=groups,
        ticks=ticks, series=SERIES, width=WIDTH, height=HEIGHT, left=LEFT, right=RIGHT, top=TOP,
        baseline=HEIGHT - BOTTOM))
