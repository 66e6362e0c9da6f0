"""Indicator charts drawn on the server as SVG: the baseline, the measured values and the
target on one time axis. The same numbers go into a table next to each chart."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

WIDTH, HEIGHT = 480, 220
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 40


@dataclass
class ChartPoint:
    kind: str  # "baseline", "value" or "target"
    label: str
    date: object
    value: Decimal
    x: float = 0
    y: float = 0


@dataclass
class IndicatorChart:
    indicator: object
    points: list = field(default_factory=list)
    width: int = WIDTH
    height: int = HEIGHT
    y_ticks: list = field(default_factory=list)  # (y, label)

    @property
    def measured_path(self):
        """Baseline through the measured values: what happened."""
        done = [p for p in self.points if p.kind != "target"]
        return " ".join(f"{p.x:.1f},{p.y:.1f}" for p in done)

    @property
    def target_path(self):
        """From the last known point to the target: what is still to come."""
        done = [p for p in self.points if p.kind != "target"]
        target = self.points[-1]
        return f"{done[-1].x:.1f},{done[-1].y:.1f} {target.x:.1f},{target.y:.1f}"

    @property
    def axis_bottom(self):
        return self.height - BOTTOM

    @property
    def axis_left(self):
        return LEFT

    @property
    def axis_right(self):
        return self.width - RIGHT


def _scale(value, low, high, out_low, out_high):
    if high == low:
        return (out_low + out_high) / 2
    return out_low + (value - low) * (out_high - out_low) / (high - low)


def indicator_chart(indicator):
    i = indicator
    points = [ChartPoint("baseline", _("Baseline"), i.baseline_date, i.baseline_value)]
    points += [ChartPoint("value", _("Measured"), v.date, v.value) for v in i.measured]
    points.append(ChartPoint("target", _("Target"), i.target_date, i.target_value))
    ordinals = [p.date.toordinal() for p in points]
    values = [float(p.value) for p in points]
    low, high = min(values + [0.0]), max(values)
    for p in points:
        p.x = _scale(p.date.toordinal(), min(ordinals), max(ordinals), LEFT, WIDTH - RIGHT)
        p.y = _scale(float(p.value), low, high, HEIGHT - BOTTOM, TOP)
    ticks = []
    for n in range(5):
        value = low + (high - low) * n / 4
        ticks.append((_scale(value, low, high, HEIGHT - BOTTOM, TOP), f"{value:g}"))
    return IndicatorChart(indicator=i, points=points, y_ticks=ticks)
