"""Charts drawn on the server as SVG: the figures for the moderators' pages, computed here and
drawn by templates/_charts.html. No chart library and nothing fetched from elsewhere; every
chart is shown with a table of the same numbers beside it, for screen readers and for reading
exact values."""

from dataclasses import dataclass
from datetime import date

from app.core.reports import DayCount, QueryStat

WIDTH, HEIGHT = 640, 240
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 12, 32  # room for the axes' labels


@dataclass(frozen=True)
class Bar:
    x: float
    width: float
    y: float
    height: float
    kind: str  # a CSS class: what the bar counts
    title: str  # shown on hover, for a mouse user


@dataclass(frozen=True)
class Tick:
    at: float
    text: str


@dataclass(frozen=True)
class DailyChart:
    width: int
    height: int
    bars: list[Bar]
    y_ticks: list[Tick]
    x_ticks: list[Tick]
    base: float  # the y of the zero line
    left: int
    right: float


def _nice_top(most: int) -> int:
    """A round number at or above `most` for the top of the scale."""
    for step in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10_000):
        if most <= step * 4:
            return step * 4
    return -(-most // 10_000) * 10_000


def daily(days: list[DayCount]) -> DailyChart:
    """Searches per day as stacked bars: those that found something below, nothing above."""
    top = _nice_top(max((d.searches for d in days), default=0) or 1)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(days), 1)
    width = max(step * 0.7, 1.0)
    base = TOP + plot_h
    bars: list[Bar] = []
    for n, d in enumerate(days):
        x = LEFT + n * step + (step - width) / 2
        found = d.searches - d.zero_results
        found_h = plot_h * found / top
        zero_h = plot_h * d.zero_results / top
        when = f"{d.day.day} {d.day:%B}"
        if found:
            bars.append(Bar(x, width, base - found_h, found_h, "found", f"{when}: {found} found"))
        if d.zero_results:
            title = f"{when}: {d.zero_results} found nothing"
            bars.append(Bar(x, width, base - found_h - zero_h, zero_h, "nothing", title))
    y_ticks = [Tick(base - plot_h * k / 4, f"{top * k // 4:,}") for k in range(5)]
    every = max(1, round(len(days) / 6))
    x_ticks = [
        Tick(LEFT + n * step + step / 2, _short(d.day))
        for n, d in enumerate(days)
        if n % every == 0
    ]
    return DailyChart(WIDTH, HEIGHT, bars, y_ticks, x_ticks, base, LEFT, WIDTH - RIGHT)


def _short(day: date) -> str:
    return f"{day.day} {day:%b}"


@dataclass(frozen=True)
class RankedBar:
    label: str
    value: int
    y: float
    width: float


@dataclass(frozen=True)
class RankedChart:
    width: int
    height: int
    label_width: int
    bars: list[RankedBar]
    row: int


def ranked(stats: list[QueryStat], zero: bool = False, limit: int = 10) -> RankedChart:
    """Queries as horizontal bars, most frequent first (by searches, or by those that found
    nothing)."""
    shown = stats[:limit]

    def value(stat: QueryStat) -> int:
        return stat.zero_results if zero else stat.searches

    most = max((value(s) for s in shown), default=1) or 1
    row, label_width, room = 28, 200, WIDTH - 200 - 48
    bars = [
        RankedBar(_clip(s.query), value(s), n * row, room * value(s) / most)
        for n, s in enumerate(shown)
    ]
    return RankedChart(WIDTH, max(row * len(shown), row), label_width, bars, row)


def _clip(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def heat(count: int, most: int) -> int:
    """A shade from 0 (none) to 4 (the most), for a heat map's cell."""
    if count <= 0 or most <= 0:
        return 0
    return min(4, 1 + (3 * count) // most)


@dataclass(frozen=True)
class Spark:
    """A small bar chart of one query's days, all drawn to one scale so they compare."""

    width: int
    height: int
    bars: list[Bar]


def sparks(series: dict[str, list[DayCount]], zero: bool = False) -> dict[str, Spark]:
    width, height = 240, 36
    most = max((_count(d, zero) for days in series.values() for d in days), default=0) or 1
    found = {}
    for query, days in series.items():
        step = width / max(len(days), 1)
        bars = [
            Bar(
                n * step,
                max(step * 0.8, 1.0),
                height - height * _count(d, zero) / most,
                height * _count(d, zero) / most,
                "nothing" if zero else "found",
                f"{d.day.day} {d.day:%B}: {_count(d, zero)}",
            )
            for n, d in enumerate(days)
            if _count(d, zero)
        ]
        found[query] = Spark(width, height, bars)
    return found


def _count(day: DayCount, zero: bool) -> int:
    return day.zero_results if zero else day.searches
