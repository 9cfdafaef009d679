"""How many syncs started per time bucket and status code: the cards, the status counts and
the chart of the history all come from one breakdown.

Years of history are counted from the monthly, daily, hourly and quarter-hourly counts that
database triggers keep (migrations 0003 to 0005), never by reading every sync. Buckets are
days or months in the reader's zone, whose edges rarely fall on UTC months or days, so each level
counts with its edges moved to the nearest whole unit and the next finer level corrects the
difference: each correction moves only the units between an edge and its rounded version
from one bucket to the next. Syncs themselves are read only for part quarter hours: the
window's own edges and the current quarter hour.
"""

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from functools import reduce
from operator import or_

from django.db import connections
from django.db.models import Case, CharField, Count, F, Func, Min, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.db.models.functions import Trunc
from django.utils import timezone

from .buckets import bucket_after, bucket_floor
from .models import (
    StartedCount,
    SyncDailyCount,
    SyncHourlyCount,
    SyncMonthlyCount,
    SyncQuarterHourCount,
)

# Beyond any start time: the last bucket of a window without an end is open.
OPEN_END = datetime.max.replace(tzinfo=UTC)
STEPS = {
    "quarter_hour": timedelta(minutes=15),
    "hour": timedelta(hours=1),
    "day": timedelta(days=1),
}
# Beyond this many bucket edges the syncs are counted directly (see sync_breakdown).
MAX_EDGES = 400


@dataclass(frozen=True)
class Tally:
    """How many syncs started in one time bucket with one status code."""

    bucket: datetime  # when the bucket starts, in the reader's zone
    code: int
    total: int
    unresolved: int


def _floor(moment: datetime, unit: str) -> datetime:
    moment = moment.astimezone(UTC).replace(second=0, microsecond=0)
    if unit == "quarter_hour":
        return moment.replace(minute=moment.minute - moment.minute % 15)
    moment = moment.replace(minute=0)
    if unit == "hour":
        return moment
    moment = moment.replace(hour=0)
    return moment if unit == "day" else moment.replace(day=1)


def _ceil(moment: datetime, unit: str) -> datetime:
    floor = _floor(moment, unit)
    if floor == moment:
        return floor
    if unit == "month":
        return (floor + timedelta(days=32)).replace(day=1)
    return floor + STEPS[unit]


def _nearest(moment: datetime, unit: str) -> datetime:
    floor, ceil = _floor(moment, unit), _ceil(moment, unit)
    return floor if moment - floor < ceil - moment else ceil


# Coarsest first: each level corrects the one before it.
LEVELS = [SyncMonthlyCount, SyncDailyCount, SyncHourlyCount, SyncQuarterHourCount]


def _rounded(edges: list[datetime], end: datetime, unit: str) -> list[datetime]:
    """`edges` (the last one replaced by `end`) moved to the nearest whole `unit`."""
    return [_nearest(edge, unit) for edge in [*edges[:-1], end]]


def _rounded_inwards(edges: list[datetime], end: datetime, unit: str) -> list[datetime]:
    """`edges` moved to whole `unit`s, but inwards at the window's ends: the syncs read to
    correct the finest level are only those inside the window, so no unit may reach outside."""
    first = _ceil(edges[0], unit)
    last = max(_floor(end, unit), first)
    inner = (min(max(_nearest(edge, unit), first), last) for edge in edges[1:-1])
    return [first, *inner, last]


def _between(coarse: list[datetime], fine: list[datetime]) -> list[tuple[datetime, datetime]]:
    """The spans where the two sets of edges disagree: only units there change bucket."""
    spans = sorted((min(a, b), max(a, b)) for a, b in zip(coarse, fine, strict=True) if a != b)
    merged: list[tuple[datetime, datetime]] = []
    for low, high in spans:
        if merged and low <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], high))
        else:
            merged.append((low, high))
    return merged


def _within(field: str, spans: list[tuple[datetime, datetime]]) -> Q:
    def span(low: datetime, high: datetime) -> Q:
        if high == OPEN_END:
            return Q(**{f"{field}__gte": low})
        return Q(**{f"{field}__gte": low, f"{field}__lt": high})

    return reduce(or_, (span(low, high) for low, high in spans))


def _units(spans: list[tuple[datetime, datetime]], unit: str) -> list[datetime]:
    """Every day, hour or quarter hour starting in `spans`: a list is one parameter per unit,
    where a range per span would make the query longer."""
    units = []
    for low, high in spans:
        while low < high:
            units.append(low)
            low += STEPS[unit]
    return units


def _breaks(spans, *edge_lists: list[datetime]) -> list[datetime]:
    """The edges of either list inside `spans`, in order: between two of them every unit
    falls in the same bucket under both lists, so the database can sum them as one row."""
    inside = {
        edge
        for edges in edge_lists
        for edge in edges
        if edge != OPEN_END and any(low <= edge <= high for low, high in spans)
    }
    return sorted(inside)


def _segment(column: str, breaks: list[datetime], connection) -> tuple[str, list]:
    """Which stretch between `breaks` a row's `column` falls in, as SQL and its parameters."""
    adapt = connection.ops.adapt_datetimefield_value
    whens = " ".join(f"WHEN {column} < %s THEN {index}" for index in range(len(breaks)))
    return f"CASE {whens} ELSE {len(breaks)} END", [adapt(edge) for edge in breaks]


def _edges(window, kind: str, zone: tzinfo, start: datetime, stop: datetime) -> list[datetime]:
    """The window's start, every bucket start inside the window, and its end."""
    edges, moment = [start], bucket_after(bucket_floor(start, kind, zone), kind, zone)
    while moment < (window.end or stop):
        edges.append(moment)
        moment = bucket_after(moment, kind, zone)
    return [*edges, window.end or OPEN_END]


def _bucket(edges: list[datetime], moment: datetime) -> int | None:
    index = bisect_right(edges, moment) - 1
    return index if 0 <= index < len(edges) - 1 else None


def sync_breakdown(*, filterset, kind: str) -> list[Tally]:
    """Syncs `filterset` matches counted per `kind` bucket (hour, day, month, year) and status
    code, in one query (two for a window without a start, whose first hour is looked up). The
    counts know the window and the unresolved filter but no status filter: callers pass the
    history's filters without it (`History.counts_filterset`). A search counts the syncs it
    matches."""
    window, zone, now = filterset.window, filterset.window.zone, timezone.now()
    if filterset.form.cleaned_data.get("q"):
        return _from_syncs(filterset.qs, kind, zone)
    start = window.start or (
        SyncHourlyCount.objects.order_by("hour").values_list("hour", flat=True).first()
    )
    stop = min(window.end or now, now)
    if start is None or start >= stop:
        return _from_syncs(filterset.qs, kind, zone)
    edges = _edges(window, kind, zone, start, stop)
    if len(edges) > MAX_EDGES or (kind == "hour" and zone.utcoffset(start) != zone.utcoffset(stop)):
        # Hours across a clock change are counted as the database labels them, and a century
        # of monthly edges would be more ranges than SQLite parses in one query.
        return _from_syncs(filterset.qs, kind, zone)
    end = window.end or now
    unresolved_only = filterset.form.cleaned_data.get("unresolved")
    connection = connections[filterset.qs.db]
    parts, levels = [], []
    for position, level in enumerate(LEVELS):
        if level is LEVELS[-1]:
            rounded = _rounded_inwards(edges, end, level.unit)
        else:
            rounded = _rounded(edges, end, level.unit)
        coarser = levels[-1] if levels else None
        parts.append(_level_sql(level, position, rounded, coarser, unresolved_only, connection))
        levels.append(rounded)
    spans = _between(levels[-1], edges)
    if spans:
        syncs = filterset.qs.filter(_within("started_at", spans))
        future = None if window.end else now
        rows = _sync_rows(syncs, len(LEVELS), _breaks(spans, levels[-1], edges), future)
        parts.append(rows.query.get_compiler(connection=connection).as_sql())
    statements = [part for part in parts if part is not None]
    with connection.cursor() as cursor:
        # Read straight from the cursor: the ORM's per-row work was most of this function.
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        found = cursor.fetchall()
    starts = [bucket_floor(start, kind, zone), *edges[1:-1]]
    # A window without an end also holds syncs dated after now, each in its own bucket.
    tail = None if window.end else (lambda moment: bucket_floor(moment, kind, zone))
    return _tallied(found, [*levels, edges], starts, tail)


# A stored time as ISO text in UTC, per database: thousands of rows come back, and reading
# text into a datetime in Python costs a fraction of the drivers' time zone handling. SQLite
# stores UTC text already; the cast keeps its driver from parsing it.
UTC_TEXT = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
    "sqlite": "CAST({} AS TEXT)",
}


class UtcText(Func):
    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):
        template = UTC_TEXT[connection.vendor].format("%(expressions)s")
        return super().as_sql(compiler, connection, template=template, **extra)


def _level_sql(
    level: type[StartedCount],
    position: int,
    rounded: list[datetime],
    coarser: list[datetime] | None,
    unresolved_only: bool,
    connection,
) -> tuple[str, list] | None:
    """One level's rows as (UTC text, code, level, total, unresolved), a row per code and
    stretch between edges, named by its first unit. Written out rather than built through the
    ORM, which took longer to build them than the database to run them: the coarsest level
    reads its whole span, the others only the units to correct."""
    adapt = connection.ops.adapt_datetimefield_value
    column = level.unit
    if coarser is None:
        spans = [(rounded[0], rounded[-1])]
        where, params = f"{column} >= %s AND {column} < %s", [adapt(rounded[0]), adapt(rounded[-1])]
    else:
        spans = _between(coarser, rounded)
        units = _units(spans, level.unit)
        if not units:
            return None
        where, params = f"{column} IN ({', '.join(['%s'] * len(units))})", [adapt(u) for u in units]
    if unresolved_only:
        where += " AND NOT resolved AND status_code BETWEEN 4000 AND 5999"
    segment, segment_params = _segment(column, _breaks(spans, rounded, coarser or []), connection)
    sql = (
        f"SELECT {UTC_TEXT[connection.vendor].format(f'MIN({column})')}, status_code, "
        f"{position}, SUM(total), SUM(CASE WHEN resolved THEN 0 ELSE total END) "
        f"FROM {level._meta.db_table} WHERE {where} GROUP BY {segment}, status_code"
    )
    return sql, [*params, *segment_params]


def _sync_rows(
    syncs: QuerySet, position: int, breaks: list[datetime], future: datetime | None
) -> QuerySet:
    """The syncs' rows, one per code and stretch between `breaks`, except that syncs dated
    after `future` (now, in a window without an end) each have their own: their bucket is
    that of their own start."""
    connection = connections[syncs.db]
    quote = connection.ops.quote_name
    column = f"{quote(syncs.model._meta.db_table)}.{quote('started_at')}"
    grouping = {"segment": RawSQL(*_segment(column, breaks, connection)), "code": F("status_code")}
    if future is not None:
        grouping["later"] = Case(When(started_at__gte=future, then="started_at"))
    return (
        syncs.order_by()
        .values(**grouping)
        .annotate(
            moment=Min(UtcText("started_at")),
            level=Value(position),
            counted=Count("id"),
            counted_unresolved=Count("id", filter=Q(resolved_by__isnull=True)),
        )
        .values_list("moment", "code", "level", "counted", "counted_unresolved")
    )


def _tallied(
    rows: Iterable[tuple],
    edges_by_level: list[list[datetime]],
    starts: list[datetime],
    tail: Callable[[datetime], datetime] | None,
) -> list[Tally]:
    # Compared as naive UTC times, as the rows arrive: one conversion per edge, not per row.
    naive = [[edge.astimezone(UTC).replace(tzinfo=None) for edge in e] for e in edges_by_level]
    syncs, last = len(edges_by_level) - 1, len(starts) - 1
    sums: dict[tuple[datetime, int], list[int]] = defaultdict(lambda: [0, 0])
    for text, code, position, counted, unresolved in rows:
        moment = datetime.fromisoformat(text)
        # Counted where this level's edges put it, taken back from where the coarser put it.
        moves = [(naive[position], 1)] if position == 0 else [
            (naive[position], 1), (naive[position - 1], -1)
        ]  # fmt: skip
        for edges, sign in moves:
            index = _bucket(edges, moment)
            if index is None:
                continue
            bucket = starts[index]
            if tail and sign == 1 and position == syncs and index == last:
                bucket = max(bucket, tail(moment.replace(tzinfo=UTC)))
            total = sums[(bucket, code)]
            total[0] += sign * counted
            total[1] += sign * (unresolved or 0)
    return [
        Tally(bucket, code, total, unresolved)
        for (bucket, code), (total, unresolved) in sums.items()
        if total or unresolved
    ]


def _from_syncs(queryset: QuerySet, kind: str, zone: tzinfo) -> list[Tally]:
    rows = (
        queryset.order_by()
        .annotate(bucket=Trunc("started_at", kind, tzinfo=zone))
        .values("bucket", "status_code")
        .annotate(
            counted=Count("id"), counted_unresolved=Count("id", filter=Q(resolved_by__isnull=True))
        )
    )
    return [
        Tally(r["bucket"], r["status_code"], r["counted"], r["counted_unresolved"]) for r in rows
    ]
