"""Syncs per hour, day or month, stacked by family, drawn as an SVG bar chart."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cache

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .breakdown import Tally
from .buckets import bucket_after, bucket_floor
from .filters import Window
from .status import Family, status_for

FAMILIES = (
    ("success", "Succeeded", Family.SUCCESS),
    ("failed", "Failed", Family.CLIENT_ERROR),
    ("running", "In progress", Family.IN_PROGRESS),
)


@cache
def _family(code: int) -> str | None:
    family = status_for(code).family
    if family == Family.SERVER_ERROR:
        family = Family.CLIENT_ERROR  # the chart shows failures as one colour
    return next((name for name, _, member in FAMILIES if member == family), None)


WIDTH, HEIGHT, AXIS = 720, 160, 18


@dataclass
class Segment:
    family: str
    label: str
    count: int
    y: float = 0
    height: float = 0


@dataclass
class Bar:
    start: datetime
    end: datetime
    label: str
    segments: list[Segment]
    x: float = 0
    width: float = 0
    href_start: str = ""
    href_end: str = ""
    href: str = ""

    @property
    def total(self) -> int:
        return sum(segment.count for segment in self.segments)

    def markup(self, height: int) -> SafeString:
        """The bar as an SVG link: built here rather than in the template, which took a
        quarter of the history page's rendering for two years of monthly bars. Only the link
        carries a person's input (the history's query); the rest are our labels and numbers."""
        summary = ", ".join(f"{s.count:,} {s.label.lower()}" for s in self.segments)
        x, width = f"{self.x:.2f}", f"{self.width:.2f}"
        rects = "".join(
            f'<rect class="seg seg-{s.family}" x="{x}" y="{s.y:.2f}" width="{width}"'
            f' height="{s.height:.2f}"></rect>'
            for s in self.segments
            if s.count
        )
        title = f"{escape(self.label)}: {summary}"
        return mark_safe(
            f'<a href="{escape(self.href)}" class="bar" aria-label="{title}"><title>{title}</title>'
            f'<rect class="bar-hit" x="{x}" y="0" width="{width}" height="{height}"></rect>'
            f"{rects}</a>"
        )


@dataclass
class Chart:
    kind: str
    bars: list[Bar] = field(default_factory=list)
    peak: int = 0
    width: int = WIDTH
    height: int = HEIGHT
    axis: int = AXIS

    def bars_markup(self) -> SafeString:
        return SafeString("\n".join(bar.markup(self.height) for bar in self.bars))


def _label(moment: datetime, kind: str) -> str:
    formats = {"hour": "%d %b %H:00", "day": "%d %b", "month": "%b %Y", "year": "%Y"}
    return moment.strftime(formats[kind])


def sync_activity(*, tallies: list[Tally], window: Window, kind: str, selected: list[int]) -> Chart:
    """Bars covering the window (or the data, for an open window), from the breakdown of
    the same `kind`."""
    zone = window.zone
    found: dict[datetime, dict[str, int]] = {}
    for tally in tallies:
        family = _family(tally.code)
        if family is None or (selected and tally.code not in selected):
            continue
        # A tally's bucket is already the start of its bucket in the reader's zone.
        counts = found.setdefault(tally.bucket, {})
        counts[family] = counts.get(family, 0) + tally.total
    chart = Chart(kind=kind)
    if not found and window.start is None:
        return chart
    moment = bucket_floor(window.start or min(found), kind, zone)
    end = window.end or timezone.now()
    while moment < end:
        following = bucket_after(moment, kind, zone)
        row = found.get(moment, {})
        segments = [Segment(name, label, row.get(name, 0)) for name, label, _ in FAMILIES]
        chart.bars.append(Bar(moment, following, _label(moment, kind), segments))
        moment = following
    _lay_out(chart)
    return chart


def _lay_out(chart: Chart) -> None:
    chart.peak = max((bar.total for bar in chart.bars), default=0)
    if not chart.bars:
        return
    slot = chart.width / len(chart.bars)
    plot = chart.height - chart.axis
    for index, bar in enumerate(chart.bars):
        bar.x, bar.width = index * slot + slot * 0.1, slot * 0.8
        # Wall-clock time without its offset, as the range's inputs take it; cut from the ISO
        # form, which is several times quicker to make than a strftime.
        bar.href_start = bar.start.isoformat(timespec="minutes")[:16]
        bar.href_end = bar.end.isoformat(timespec="minutes")[:16]
        top = plot
        for segment in bar.segments:
            segment.height = plot * segment.count / chart.peak if chart.peak else 0
            top -= segment.height
            segment.y = top
