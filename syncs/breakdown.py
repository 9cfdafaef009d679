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
from itertools import pairwise
from typing import NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Count, Q, QuerySet
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
# The filters the counts can apply; with any other in use the syncs are counted directly.
COUNTABLE = {"range", "start", "end", "tz", "unresolved"}


class Tally(NamedTuple):
    """How many syncs started in one time bucket with one status code: a tuple, as a quarter's
    thousand are made per page, in half the time of a frozen dataclass."""

    bucket: datetime  # when the bucket starts, in the reader's zone
    code: int
    total: int
    unresolved: int


def _floor(moment: datetime, unit: str) -> datetime:
    """The start of the UTC `unit` holding `moment`, which must be in UTC."""
    if unit == "quarter_hour":
        return moment.replace(minute=moment.minute - moment.minute % 15, second=0, microsecond=0)
    if unit == "hour":
        return moment.replace(minute=0, second=0, microsecond=0)
    moment = moment.replace(hour=0, minute=0, second=0, microsecond=0)
    return moment if unit == "day" else moment.replace(day=1)


def _after(floor: datetime, unit: str) -> datetime:
    if unit == "month":
        return (floor + timedelta(days=32)).replace(day=1)
    return floor + STEPS[unit]


def _ceil(moment: datetime, unit: str) -> datetime:
    floor = _floor(moment, unit)
    return floor if floor == moment else _after(floor, unit)


def _nearest(moment: datetime, unit: str) -> datetime:
    floor = _floor(moment, unit)
    if floor == moment:
        return floor
    ceil = _after(floor, unit)
    return floor if moment - floor < ceil - moment else ceil


# Coarsest first: each level corrects the one before it.
LEVELS = [SyncMonthlyCount, SyncDailyCount, SyncHourlyCount, SyncQuarterHourCount]
# Per kind of bucket, the coarsest level whose units are no longer than its buckets. A coarser
# level's units each hold bucket edges, so the next level would read nearly every one of its
# own units again to move them back: a quarter of days read its months and then 91 days.
FIRST_LEVEL = {"year": 0, "month": 0, "day": 1, "hour": 2}


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


def _units(spans: list[tuple[datetime, datetime]], unit: str) -> list[datetime]:
    """Every day, hour or quarter hour starting in `spans`."""
    units = []
    for low, high in spans:
        while low < high:
            units.append(low)
            low += STEPS[unit]
    return units


def _breaks(spans: list[tuple[datetime, datetime]], *edge_lists: list[datetime]) -> list[datetime]:
    """The edges of any list that fall inside `spans` (sorted, not overlapping), in order:
    between two of them every unit falls in the same bucket under every list, so the database
    can sum them as one row."""
    lows = [low for low, _ in spans]
    inside = set()
    for edges in edge_lists:
        for edge in edges:
            index = bisect_right(lows, edge) - 1
            if index >= 0 and edge <= spans[index][1] and edge != OPEN_END:
                inside.add(edge)
    return sorted(inside)


def _param(moment: datetime, connection) -> str:
    """A time as a query parameter. PostgreSQL is given text with its offset: the driver's
    own conversion of hundreds of datetimes took longer than the query."""
    if connection.vendor == "postgresql":
        return moment.isoformat()
    return connection.ops.adapt_datetimefield_value(moment)


def _array(moments: list[datetime]) -> str:
    """Times as one PostgreSQL array parameter, to be cast with ::timestamptz[]."""
    return "{" + ",".join(moment.isoformat() for moment in moments) + "}"


def _segment(column: str, breaks: list[datetime], connection) -> tuple[str, list]:
    """Which stretch between `breaks` a row's `column` falls in (how many breaks are at or
    before it), as SQL and its parameters."""
    if connection.vendor == "postgresql":
        return f"width_bucket({column}, %s::timestamptz[])", [_array(breaks)]
    whens = " ".join(f"WHEN {column} < %s THEN {index}" for index in range(len(breaks)))
    return f"CASE {whens} ELSE {len(breaks)} END", [_param(edge, connection) for edge in breaks]


def _edges(window, kind: str, zone: tzinfo, start: datetime, stop: datetime) -> list[datetime]:
    """The window's start, every bucket start inside the window, and its end."""
    edges, moment = [start], bucket_after(bucket_floor(start, kind, zone), kind, zone)
    while moment < (window.end or stop):
        edges.append(moment)
        moment = bucket_after(moment, kind, zone)
    return [*edges, window.end or OPEN_END]


def sync_breakdown(*, filterset, kind: str) -> list[Tally]:
    """Syncs `filterset` matches counted per `kind` bucket (hour, day, month, year) and status
    code, in one query (two for a window without a start, whose first hour is looked up). The
    counts know the window and the unresolved filter; with any other filter in use (a search,
    status codes) the matching syncs are counted directly. The history passes its filters
    without the status codes (`History.counts_filterset`)."""
    window, zone, now = filterset.window, filterset.window.zone, timezone.now()
    used = {name for name, value in filterset.form.cleaned_data.items() if value}
    connection = connections[filterset.queryset.db]
    start = window.start or _first_hour(connection)
    stop = min(window.end or now, now)
    if start is None or start >= stop:
        return _from_syncs(filterset.qs, kind, zone)
    zoned = _edges(window, kind, zone, start, stop)
    # A window's buckets run to its end even when that is still to come.
    offsets = {moment.astimezone(zone).utcoffset() for moment in (start, window.end or stop)}
    if len(zoned) > MAX_EDGES or (kind == "hour" and len(offsets) > 1):
        # Hours across a clock change are counted as the database labels them, and a century
        # of monthly edges would be more ranges than SQLite parses in one query.
        return _from_syncs(filterset.qs, kind, zone)
    edges = [edge.astimezone(UTC) for edge in zoned]
    starts = [bucket_floor(start, kind, zone), *zoned[1:-1]]
    # A window without an end also holds syncs dated after now, each in its own bucket.
    tail = None if window.end else (lambda moment: bucket_floor(moment, kind, zone))
    if used - COUNTABLE:
        return _counted_syncs(filterset, (edges, starts, tail), now, connection)
    end = (window.end or now).astimezone(UTC)
    unresolved_only = filterset.form.cleaned_data.get("unresolved")
    counted = LEVELS[FIRST_LEVEL[kind] :]
    statements, levels, placed = [], [], []
    for position, level in enumerate(counted):
        source = Source.counts(level)
        if position == 0:
            rounded = _rounded(edges, end, level.unit)
            spans = [(rounded[0], rounded[-1])]
            where = _in_spans(source.column, spans, connection)
        else:
            finest = level is counted[-1]
            rounded = (_rounded_inwards if finest else _rounded)(edges, end, level.unit)
            spans = _between(levels[-1], rounded)
            where = _in_units(source.column, _units(spans, level.unit), connection)
        breaks = _breaks(spans, rounded, *levels[-1:]) if spans else []
        if breaks:
            statements.append(
                _rows_sql(source, position, where, breaks, unresolved_only, connection)
            )
        levels.append(rounded)
        placed.append(breaks)
    spans = _between(levels[-1], edges)
    breaks = _breaks(spans, levels[-1], edges) if spans else []
    if breaks:
        where = _in_spans(SYNCS.column, spans, connection)
        future = None if window.end else now
        statements.append(
            _rows_sql(SYNCS, len(counted), where, breaks, unresolved_only, connection, future)
        )
    placed.append(breaks)
    with connection.cursor() as cursor:
        # Read straight from the cursor: the ORM's per-row work was most of this function.
        cursor.execute(
            " UNION ALL ".join(sql for sql, _ in statements),
            [param for _, params in statements for param in params],
        )
        found = cursor.fetchall()
    return _tallied(found, [*levels, edges], placed, starts, tail)


def _counted_syncs(filterset, buckets: tuple, now, connection) -> list[Tally]:
    """The syncs a filter the counts cannot apply (a search, status codes) leaves, counted
    per stretch between the buckets' edges: the database compares each start with the edges
    rather than converting it to the reader's zone to truncate it (8.5 against 13 ms for the
    30,000 syncs of 97 companies)."""
    edges, starts, tail = buckets
    # Every filter tests the syncs' own columns (a company search, their company ids), so
    # its conditions apply as they are to the syncs table alone.
    query = filterset.qs.query
    try:
        where = query.get_compiler(connection=connection).compile(query.where)
    except EmptyResultSet:
        return []
    future = None if filterset.window.end else now
    # The window's start is a break too, so that a window of one bucket still has one.
    sql, params = _rows_sql(SYNCS, 0, where, edges[:-1], False, connection, future)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        found = cursor.fetchall()
    return _tallied(found, [edges], [edges[:-1]], starts, tail)


def _first_hour(connection) -> datetime | None:
    """The start of the first hour with a sync, read straight from the cursor: through the
    ORM, this one-row lookup cost twice its query."""
    column = UTC_TEXT[connection.vendor].format("MIN(hour)")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {SyncHourlyCount._meta.db_table}")
        (text,) = cursor.fetchone()
    return datetime.fromisoformat(text).replace(tzinfo=UTC) if text else None


# A stored time as ISO text in UTC, per database: thousands of rows come back, and reading
# text into a datetime in Python costs a fraction of the drivers' time zone handling. SQLite
# stores UTC text already; the cast keeps its driver from parsing it.
UTC_TEXT = {
    "postgresql": "to_char({} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')",
    "sqlite": "CAST({} AS TEXT)",
}


@dataclass(frozen=True)
class Source:
    """Where one level's rows come from: a table of counts, or the syncs themselves."""

    table: str
    column: str  # when a row's syncs started
    total: str  # how many syncs a row stands for
    resolved: str  # whether they are resolved

    @classmethod
    def counts(cls, level: type[StartedCount]) -> "Source":
        return cls(level._meta.db_table, level.unit, "total", "resolved")


SYNCS = Source("syncs_sync", "started_at", "1", "resolved_by_id IS NOT NULL")


def _rows_sql(
    source: Source,
    position: int,
    where: tuple[str, list],
    breaks: list[datetime],
    unresolved_only: bool,
    connection,
    future: datetime | None = None,
) -> tuple[str, list]:
    """One level's rows as (stretch, code, level, total, unresolved, start): a row per code
    and stretch between `breaks`, named by how many breaks are at or before it, except that
    syncs dated after `future` (now, in a window without an end) each have their own, their
    bucket being that of their own start, which only their rows carry (as UTC text). Written
    out rather than built through the ORM, which took longer to build them than the database
    to run them."""
    condition, params = where
    if unresolved_only:
        condition = (
            f"({condition}) AND NOT ({source.resolved}) AND status_code BETWEEN 4000 AND 5999"
        )
    column = source.column
    segment, selected = _segment(column, breaks, connection)
    start, later, grouped = "NULL", "", []
    if future is not None:
        later = f"CASE WHEN {column} >= %s THEN {column} END"
        start = UTC_TEXT[connection.vendor].format(f"MIN({later})")
        later, grouped = f", {later}", [_param(future, connection)]
    sql = (
        f"SELECT {segment}, status_code, {position}, SUM({source.total}), "
        f"SUM(CASE WHEN {source.resolved} THEN 0 ELSE {source.total} END), {start} "
        f"FROM {source.table} WHERE {condition} GROUP BY 1, status_code{later}"
    )
    return sql, [*selected, *grouped, *params, *grouped]


def _in_spans(column: str, spans: list[tuple[datetime, datetime]], connection) -> tuple[str, list]:
    ranges, params = [], []
    for low, high in spans:
        if high == OPEN_END:
            ranges.append(f"{column} >= %s")
            params.append(_param(low, connection))
        else:
            ranges.append(f"({column} >= %s AND {column} < %s)")
            params += [_param(low, connection), _param(high, connection)]
    return " OR ".join(ranges), params


def _in_units(column: str, units: list[datetime], connection) -> tuple[str, list]:
    """Units named one by one rather than as a range per span, which PostgreSQL would read
    with a bitmap scan of the table instead of from the index alone."""
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::timestamptz[])", [_array(units)]
    params = [_param(unit, connection) for unit in units]
    return f"{column} IN ({', '.join(['%s'] * len(units))})", params


def _tallied(
    rows: Iterable[tuple],
    edges_by_level: list[list[datetime]],
    breaks_by_level: list[list[datetime]],
    starts: list[datetime],
    tail: Callable[[datetime], datetime] | None,
) -> list[Tally]:
    # Every start in a row's stretch falls in the same bucket under every level's edges (see
    # `_breaks`), so the stretch's first break places it: one bisection per break, not per row.
    levels = list(zip(breaks_by_level, edges_by_level, strict=True))
    placed = [_placed(breaks, edges) for breaks, edges in levels]
    # Each level but the first corrects the one before it.
    moved = [[], *(_placed(breaks, edges) for (_, edges), (breaks, _) in pairwise(levels))]
    syncs, last = len(edges_by_level) - 1, len(starts) - 1
    # Keyed by the bucket's index, or by its start for a sync dated after the last bucket.
    sums: dict[tuple[int | datetime, int], list[int]] = defaultdict(lambda: [0, 0])
    for stretch, code, position, counted, unresolved, start in rows:
        unresolved = unresolved or 0
        # Counted where this level's edges put it, taken back from where the coarser put it.
        index = placed[position][stretch]
        if 0 <= index <= last:
            key = index
            if start and position == syncs and index == last:
                later = tail(datetime.fromisoformat(start).replace(tzinfo=UTC))
                key = later if later > starts[last] else last
            total = sums[(key, code)]
            total[0] += counted
            total[1] += unresolved
        if position:
            index = moved[position][stretch]
            if 0 <= index <= last:
                total = sums[(index, code)]
                total[0] -= counted
                total[1] -= unresolved
    return [
        Tally(starts[key] if isinstance(key, int) else key, code, total, unresolved)
        for (key, code), (total, unresolved) in sums.items()
        if total or unresolved
    ]


def _placed(breaks: list[datetime], edges: list[datetime]) -> list[int]:
    """The bucket of `edges` each stretch between `breaks` falls in, by the stretch's number;
    none before the first break, where no row is read."""
    return [-1, *(bisect_right(edges, moment) - 1 for moment in breaks)]


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
