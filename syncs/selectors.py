"""Reads for the sync history: the page of rows, its counts and its activity chart."""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, tzinfo
from uuid import UUID

from django.db.models import (
    Aggregate,
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce, Trunc
from django.utils import timezone

from pushitems.models import UNSUCCESSFUL_STATUSES, PushItem

from . import status as codes
from .buckets import bucket_after, bucket_floor
from .models import SyncHourlyCount
from .pagination import SortKey

NEVER = timedelta(days=365 * 1000)


@dataclass(frozen=True)
class Sortable:
    label: str
    field: str
    annotation: object | None = None


# What the history can be sorted by; every order ends with the id so pages are stable.
SORTABLE = {
    "started": Sortable("Start Time", "started_at"),
    "finished": Sortable(
        "Complete Time",
        "finished_key",
        # Running syncs sort as if they finish last, so the key never is NULL.
        Coalesce("finished_at", F("started_at") + Value(NEVER), output_field=DateTimeField()),
    ),
    "run_time": Sortable(
        "Run Time",
        "run_key",
        Coalesce(
            ExpressionWrapper(F("finished_at") - F("started_at"), output_field=DurationField()),
            Value(NEVER),
            output_field=DurationField(),
        ),
    ),
    "company": Sortable("Company", "company_name", F("company__name")),
    "product": Sortable("Product", "product"),
    "status": Sortable("Status", "status_code"),
    "source": Sortable("Source", "source_platform"),
    "destination": Sortable("Destination", "destination_platform"),
}
DEFAULT_SORT = ["-started"]
MAX_SORT_KEYS = 3


def sort_keys(sort: list[str]) -> list[SortKey]:
    """Sort keys for `sort` (e.g. ["-started", "company"]), always ending with the id."""
    keys = []
    for name in sort:
        sortable = SORTABLE[name.lstrip("-")]
        keys.append(SortKey(sortable.field, name.startswith("-")))
    return [*keys, SortKey("id", keys[0].descending if keys else True)]


def parse_sort(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """The valid, distinct sort names among `values`, and the ones that were refused."""
    chosen, refused, seen = [], [], set()
    for value in values:
        for name in (part.strip() for part in value.split(",")):
            if not name:
                continue
            if name.lstrip("-") not in SORTABLE:
                refused.append(name[:40])
            elif name.lstrip("-") not in seen and len(chosen) < MAX_SORT_KEYS:
                seen.add(name.lstrip("-"))
                chosen.append(name)
    return chosen or list(DEFAULT_SORT), refused


def sync_history(*, queryset: QuerySet, sort: list[str]) -> QuerySet:
    """`queryset` with what the history shows and what its sort needs, unordered."""
    annotations = {
        SORTABLE[name.lstrip("-")].field: SORTABLE[name.lstrip("-")].annotation
        for name in sort
        if SORTABLE[name.lstrip("-")].annotation is not None
    }
    return queryset.select_related("company").annotate(**annotations)


@dataclass(frozen=True)
class CodeCount:
    status: codes.StatusCode
    total: int
    unresolved: int


@dataclass
class Dashboard:
    total: int = 0
    failed: int = 0
    unresolved_failed: int = 0
    in_progress: int = 0
    failure_codes: list[int] = field(default_factory=list)
    in_progress_codes: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Tally:
    """How many syncs started in one time bucket with one status code."""

    bucket: datetime
    code: int
    total: int
    unresolved: int


def _tallies(
    queryset: QuerySet, field: str, total: Aggregate, unresolved: Aggregate, kind: str, zone
) -> list[Tally]:
    rows = (
        queryset.order_by()
        .annotate(bucket=Trunc(field, kind, tzinfo=zone))
        .values("bucket", "status_code")
        .annotate(counted=total, counted_unresolved=unresolved)
    )
    return [
        Tally(r["bucket"], r["status_code"], r["counted"], r["counted_unresolved"]) for r in rows
    ]


def _from_syncs(queryset: QuerySet, kind: str, zone: tzinfo) -> list[Tally]:
    unresolved = Count("id", filter=Q(resolved_by__isnull=True))
    return _tallies(queryset, "started_at", Count("id"), unresolved, kind, zone)


def _hour_floor(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _split_hours(kind: str, zone: tzinfo, start: datetime, end: datetime) -> list[datetime]:
    """The UTC hours a bucket boundary cuts in two: none where the zone is a whole number of
    hours from UTC, one per bucket where it is not (India, Newfoundland…)."""
    split, moment = [], bucket_floor(start, kind, zone)
    while moment < end:
        if _hour_floor(moment) != moment:
            split.append(_hour_floor(moment))
        moment = bucket_after(moment, kind, zone)
    return split


def sync_breakdown(*, filterset, kind: str) -> list[Tally]:
    """Syncs the filters match, but for the status filter, counted per `kind` bucket (hour,
    day, month, year) and status code: the cards, the status counts and the chart come from it.

    Hours wholly inside one bucket are read from the hourly counts; the part-hours at the
    window's edges, and hours a bucket boundary cuts, from the syncs. A search reads the syncs.
    """
    window = filterset.window
    zone, queryset, now = window.zone, filterset.qs, timezone.now()
    if filterset.form.cleaned_data.get("q"):
        return _from_syncs(queryset, kind, zone)
    last = _hour_floor(min(window.end or now, now))
    hours = SyncHourlyCount.objects.filter(hour__lt=last)
    exact = Q(started_at__gte=last)
    first = window.start and _hour_floor(window.start)
    if first:
        if first < window.start:
            first += timedelta(hours=1)
        hours = hours.filter(hour__gte=first)
        exact |= Q(started_at__lt=first)
    if now.astimezone(zone).utcoffset() % timedelta(hours=1):
        oldest = first or hours.order_by("hour").values_list("hour", flat=True).first()
        split = _split_hours(kind, zone, oldest, last) if oldest else []
        hours = hours.exclude(hour__in=split)
        for hour in split:
            exact |= Q(started_at__gte=hour, started_at__lt=hour + timedelta(hours=1))
    if filterset.form.cleaned_data.get("unresolved"):
        hours = hours.filter(resolved=False, status_code__gte=4000, status_code__lte=5999)
    unresolved = Sum("total", filter=Q(resolved=False))
    counted = _tallies(hours, "hour", Sum("total"), unresolved, kind, zone)
    return _merge(counted + _from_syncs(queryset.filter(exact), kind, zone))


def _merge(tallies: list[Tally]) -> list[Tally]:
    merged: dict[tuple, list[int]] = defaultdict(lambda: [0, 0])
    for tally in tallies:
        sums = merged[(tally.bucket, tally.code)]
        sums[0] += tally.total
        sums[1] += tally.unresolved or 0
    return [Tally(bucket, code, t, u) for (bucket, code), (t, u) in merged.items()]


def sync_code_counts(*, tallies: list[Tally]) -> list[CodeCount]:
    """Every documented code, plus any undocumented code present, with its counts."""
    totals: dict[int, list[int]] = defaultdict(lambda: [0, 0])
    for tally in tallies:
        totals[tally.code][0] += tally.total
        totals[tally.code][1] += tally.unresolved
    every = sorted(set(codes.STATUS_CODES) | set(totals))
    return [CodeCount(codes.status_for(c), totals[c][0], totals[c][1]) for c in every]


def sync_dashboard(*, counts: list[CodeCount], selected: list[int]) -> Dashboard:
    """The cards: failed, in progress and total among the selected codes (all if none)."""
    dashboard = Dashboard()
    for count in counts:
        status = count.status
        if status.is_failure and count.total:
            dashboard.failure_codes.append(status.code)
        if status.is_in_progress:
            dashboard.in_progress_codes.append(status.code)
        if selected and status.code not in selected:
            continue
        dashboard.total += count.total
        if status.is_failure:
            dashboard.failed += count.total
            dashboard.unresolved_failed += count.unresolved
        elif status.is_in_progress:
            dashboard.in_progress += count.total
    dashboard.failure_codes = sorted(set(dashboard.failure_codes) | codes.FAILURE_CODES)
    return dashboard


def sync_item_counts(*, sync_ids: list[UUID]) -> dict[UUID, tuple[int, int]]:
    """(failed, total) push items per sync, for one page of syncs in one query."""
    rows = (
        PushItem.objects.filter(sync_id__in=sync_ids)
        .order_by()
        .values("sync_id")
        .annotate(total=Count("id"), failed=Count("id", filter=Q(status__in=UNSUCCESSFUL_STATUSES)))
    )
    return {row["sync_id"]: (row["failed"], row["total"]) for row in rows}
