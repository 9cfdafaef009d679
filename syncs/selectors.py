"""Reads for the sync history: its sort orders, its cards and status counts, item counts."""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import takewhile
from uuid import UUID

from django.db.models import (
    Count,
    DateTimeField,
    DurationField,
    ExpressionWrapper,
    F,
    Func,
    Q,
    QuerySet,
    Value,
)
from django.db.models.functions import Coalesce

from pushitems.models import UNSUCCESSFUL_STATUSES, PushItem

from . import status as codes
from .breakdown import Tally
from .keyset import SortKey
from .models import FEW_VALUED

NEVER = timedelta(days=365 * 1000)


class FinishedKey(Func):
    """When a sync finished, or for one still running its start plus NEVER: running syncs
    sort as if they finish last, among themselves by start time. PostgreSQL adds NEVER in
    UTC, which makes the sum immutable, so an index can hold it (migration 0007); adding it
    to a time with a zone depends on the session's zone."""

    output_field = DateTimeField()

    def __init__(self) -> None:
        portable = Coalesce(
            "finished_at", F("started_at") + Value(NEVER), output_field=DateTimeField()
        )
        super().__init__(portable, F("finished_at"), F("started_at"))

    def as_sql(self, compiler, connection, **extra) -> tuple[str, list]:
        return compiler.compile(self.source_expressions[0])

    def as_postgresql(self, compiler, connection, **extra) -> tuple[str, list]:
        finished, finished_params = compiler.compile(self.source_expressions[1])
        started, started_params = compiler.compile(self.source_expressions[2])
        later = f"timezone('UTC', timezone('UTC', {started}) + '{NEVER.days} days'::interval)"
        return f"COALESCE({finished}, {later})", [*finished_params, *started_params]


@dataclass(frozen=True)
class Sortable:
    label: str
    # The values the order compares in turn: sync fields, or names of `annotations`. Each
    # order has an index on these values and the id, so any page of it is a range scan.
    fields: tuple[str, ...]
    annotations: tuple[tuple[str, object], ...] = ()
    # Those of `fields` whose values come from another table: no index of the syncs holds
    # them in order.
    joined: tuple[str, ...] = ()
    # The lowest `fields` a sync started at a given time can have, where the order follows
    # start times: the index is then read from a window's start, not from its beginning.
    lowest_from: Callable[[datetime], tuple] | None = None


# What the history can be sorted by; every order ends with the id so pages are stable.
SORTABLE = {
    "started": Sortable("Start Time", ("started_at",)),
    # A sync finishes after it starts (a check constraint), so its key is never below its
    # start.
    "finished": Sortable(
        "Complete Time",
        ("finished_key",),
        (("finished_key", FinishedKey()),),
        lowest_from=lambda start: (start,),
    ),
    "run_time": Sortable(
        "Run Time",
        ("run_key",),
        (
            (
                "run_key",
                Coalesce(
                    ExpressionWrapper(
                        F("finished_at") - F("started_at"), output_field=DurationField()
                    ),
                    Value(NEVER),
                    output_field=DurationField(),
                ),
            ),
        ),
    ),
    # Companies that share a name stay apart, each with its syncs together.
    "company": Sortable(
        "Company",
        ("company_name", "company_id"),
        (("company_name", F("company__name")),),
        joined=("company_name",),
    ),
    "product": Sortable("Product", ("product",)),
    "status": Sortable("Status", ("status_code",)),
    "source": Sortable("Source", ("source_platform",)),
    "destination": Sortable("Destination", ("destination_platform",)),
}
DEFAULT_SORT = ["-started"]
MAX_SORT_KEYS = 3


def few_valued_lead(sort: list[str], windowed: bool = False) -> int:
    """How many of the columns `sort` starts with are picked a combination of their values at
    a time: those of few values (`models.FEW_VALUED`), each with an index on it and the start
    time, and all of them one together. None for a sort by one column over any time, which
    its own index serves. In a window (`windowed`), PostgreSQL misjudged that index: it
    estimates a cursor's bound by its first column alone, so none of the syncs left with the
    cursor's own value count, expected a few dozen rows and sorted the window's rest (Status
    ↓ over a year, halfway: 0.6 s); and it walked a day's statuses through the whole index
    (16 to 26 ms). A value at a time, it sees each value and the window."""
    lead = len(
        list(takewhile(lambda name: SORTABLE[name.lstrip("-")].fields[0] in FEW_VALUED, sort))
    )
    if len(sort) == 1 and not windowed:
        return 0
    return lead


def sort_keys(sort: list[str]) -> list[SortKey]:
    """Sort keys for `sort` (e.g. ["-started", "company"]), always ending with the id, which
    runs the way the key before it does, as in the indexes that end with it."""
    keys = [
        SortKey(field, name.startswith("-"), field in SORTABLE[name.lstrip("-")].joined)
        for name in sort
        for field in SORTABLE[name.lstrip("-")].fields
    ]
    return [*keys, SortKey("id", keys[-1].descending if keys else True)]


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
        field: expression
        for name in sort
        for field, expression in SORTABLE[name.lstrip("-")].annotations
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
