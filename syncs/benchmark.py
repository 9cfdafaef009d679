"""Page timings at scale, next to the Django admin and to raw SQL, measured in one process.

Every figure is warm (one untimed request first) and taken through Django's test client,
so it includes middleware, the ORM and template rendering, but not a network.
"""

import json
import os
import statistics
import subprocess
import sys
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote, urlsplit, urlunsplit

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from .breakdown import sync_breakdown
from .buckets import chart_kind
from .charts import sync_activity
from .filters import SyncFilter
from .history import history_from
from .models import Company, Sync
from .pagination import make_cursor
from .selectors import sort_keys, sync_code_counts, sync_history

PAGE = 50
DEEP_PAGE = 10_000
# Browsers send their zone with every history request; one that is not UTC also exercises the
# hours where a day or month in the reader's zone straddles two UTC days.
ZONE = {"tz": "Europe/London"}


@dataclass
class Figure:
    name: str
    p50_ms: float
    p95_ms: float
    queries: int | None
    runs: int
    note: str = ""


def _timed(name: str, action: Callable[[], object], runs: int, note: str = "") -> Figure:
    action()
    # Counted as they execute, not read from the debug log, which only debug mode keeps.
    queries = 0

    def count(execute, sql, params, many, context):
        nonlocal queries
        queries += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        action()
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    p95 = samples[max(0, round(0.95 * len(samples)) - 1)]
    return Figure(name, statistics.median(samples), p95, queries, runs, note)


class PageBenchmark:
    def __init__(self, runs: int, export_rows: int) -> None:
        self.runs, self.export_rows = runs, export_rows
        user_model = get_user_model()
        user, _ = user_model.objects.get_or_create(
            username="benchmark", defaults={"is_staff": True, "is_superuser": True}
        )
        self.user = user
        self.client = Client()
        self.client.force_login(user)

    def _get(self, path: str, params: dict | None = None) -> Callable[[], object]:
        def get() -> object:
            response = self.client.get(path, params or {})
            assert response.status_code == 200, (path, response.status_code)
            if response.streaming:
                for _ in response.streaming_content:
                    pass
            return response

        return get

    def deep_cursor(self, params: dict, middle: bool = False) -> str | None:
        """The cursor of page DEEP_PAGE (or the last full page there is) of the history, or
        of its middle page."""
        history = history_from(_query(params), self.user)
        keys = sort_keys(history.sort)
        total = history.queryset.count()
        deepest = total // 2 if middle else DEEP_PAGE * PAGE
        offset = min(deepest, max(0, total - PAGE)) - 1
        if offset < 0:
            return None
        row = history.queryset.order_by(*(key.order_by for key in keys))[offset]
        return make_cursor(row, keys, "next")

    def _deep(self, label: str, params: dict, middle: bool = False) -> Figure:
        """Page DEEP_PAGE of the history with `params`, or its middle page; the first where
        it has no other."""
        cursor = self.deep_cursor(params, middle)
        get = self._get(reverse("home"), {**params, "cursor": cursor} if cursor else params)
        name = label if middle else f"History, {label}, page {DEEP_PAGE:,}"
        return _timed(name, get, self.runs)

    def run(self) -> list[Figure]:
        home, counts = reverse("home"), reverse("history-counts")
        company = Sync.objects.order_by("-started_at").values_list("company_id", flat=True)[0]
        named = Company.objects.get(pk=company).name
        big = _biggest_sync()
        any_time = {"range": "all", **ZONE}
        deep = self.deep_cursor(any_time)
        # Orders each picked their own way, measured deep: a page 10,000 pages in.
        deep_orders = {
            "sorted by Run Time": "-run_time",
            "Status then Start Time": "status,-started",
            "Status then Complete Time": "status,finished",
            "Destination then Product": "destination,product,-started",
            "Status then Destination then Start Time": "status,destination,-started",
            "Status then Source then Destination": "status,source,destination",
        }
        figures = [
            _timed("History, page 1 (last 7 days)", self._get(home, ZONE), self.runs),
            _timed("History, page 1 (any time)", self._get(home, any_time), self.runs),
            _timed(
                f"History, page {DEEP_PAGE:,} (any time)",
                self._get(home, {**any_time, "cursor": deep}),
                self.runs,
            ),
            _timed(
                "History, one company (any time)",
                self._get(home, {"q": str(company), **any_time}),
                self.runs,
            ),
            _timed(
                "History, status 5130, last 30 days",
                self._get(home, {"status": "5130", "range": "30d", **ZONE}),
                self.runs,
            ),
            _timed(
                "History, company name search (any time)",
                self._get(home, {"q": named, **any_time}),
                self.runs,
                note="every company whose name contains it",
            ),
            _timed(
                'History, search for "a" (any time)',
                self._get(home, {"q": "a", **any_time}),
                self.runs,
                note="a letter of most companies' names",
            ),
            # A search's counts, filled in after its page from a request of their own.
            _timed(
                "Counts of one company (any time)",
                self._get(counts, {"q": str(company), **any_time}),
                self.runs,
            ),
            _timed(
                "Counts of the company name search",
                self._get(counts, {"q": named, **any_time}),
                self.runs,
            ),
            _timed(
                'Counts of the search for "a"',
                self._get(counts, {"q": "a", **any_time}),
                max(5, self.runs // 10),
            ),
            _timed(
                "History, sorted by Company (any time)",
                self._get(home, {**any_time, "sort": "company"}),
                self.runs,
            ),
            # Searches in orders led by few-valued columns: a few companies' syncs sorted whole.
            _timed(
                "History, company name search, Status then Destination then Start Time",
                self._get(home, {"q": named, **any_time, "sort": "status,destination,-started"}),
                self.runs,
            ),
            _timed(
                "History, search for a name's first word, Status then Destination then "
                "Complete Time",
                self._get(
                    home, {"q": named.split()[0], **any_time, "sort": "status,destination,finished"}
                ),
                self.runs,
                note="every company whose name contains it",
            ),
            _timed(
                'History, search for "a", Source then Status ↓ then Company',
                self._get(home, {"q": "a", **any_time, "sort": "source,-status,company"}),
                self.runs,
                note="a branch per pairing of source and status",
            ),
            *(self._deep(label, {**any_time, "sort": sort}) for label, sort in deep_orders.items()),
            # Complete times walked from a window's start, a window's syncs of each
            # combination of few values read whole, and a window's syncs of one few-valued
            # column picked a value at a time.
            _timed(
                "History, Complete Time oldest first (last 7 days)",
                self._get(home, {**ZONE, "sort": "finished"}),
                self.runs,
            ),
            self._deep(
                "History, Source then Status then Product, middle of the last 90 days",
                {
                    "range": "custom",
                    "start": _days_ago(90),
                    "tz": "UTC",
                    "sort": "source,-status,product",
                },
                middle=True,
            ),
            self._deep(
                "History, Status ↓, middle of the last 365 days",
                {"range": "custom", "start": _days_ago(365), "tz": "UTC", "sort": "-status"},
                middle=True,
            ),
            _timed("Dashboard cards and chart (last 7 days)", _dashboard(ZONE), self.runs),
            # Zones far from UTC and off the hour cost the most: their day and month edges
            # sit furthest from the UTC days and months the counts are kept in.
            _timed(
                "Dashboard, last 30 days, Asia/Tokyo",
                _dashboard({"range": "30d", "tz": "Asia/Tokyo"}),
                self.runs,
            ),
            _timed(
                "Dashboard, any time, Asia/Kolkata",
                _dashboard({"range": "all", "tz": "Asia/Kolkata"}),
                self.runs,
            ),
            _timed("Sync Summary", self._get(reverse("sync-summary", args=[big])), self.runs),
            _timed(
                "Push Items tab, biggest sync",
                self._get(reverse("sync-push-items", args=[big])),
                self.runs,
                note=f"{Sync.objects.get(pk=big).push_items.count():,} items",
            ),
        ]
        figures += self.compared_with_admin_and_sql(any_time, deep)
        figures.append(self.export())
        return figures

    def compared_with_admin_and_sql(self, params: dict, deep: str | None) -> list[Figure]:
        admin = reverse("admin:syncs_sync_changelist")
        pages = -(-Sync.objects.count() // PAGE)
        deep_admin = {"p": str(min(DEEP_PAGE, max(1, pages)))}
        history = history_from(_query(params), self.user)
        page_sql = _page_sql(history)
        return [
            _timed("Django admin changelist, page 1", self._get(admin), self.runs),
            _timed(
                f"Django admin changelist, page {DEEP_PAGE:,}",
                self._get(admin, deep_admin),
                max(5, self.runs // 10),
            ),
            _timed("Raw SQL of the history page 1 query", lambda: _run_sql(*page_sql), self.runs),
        ]

    def export(self) -> Figure:
        params = {"range": "all"}
        limit = Sync.objects.order_by("-started_at", "-id").values_list("started_at", flat=True)
        rows = min(self.export_rows, Sync.objects.count())
        if rows:
            params = {
                "range": "custom",
                "start": limit[rows - 1].strftime("%Y-%m-%dT%H:%M:%S"),
                "tz": "UTC",
            }
        get = self._get(reverse("history-export"), params)
        tracemalloc.start()
        start = time.perf_counter()
        get()
        elapsed = (time.perf_counter() - start) * 1000
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        return Figure(
            f"CSV export of {rows:,} rows",
            elapsed,
            elapsed,
            None,
            1,
            f"peak {peak / 2**20:.1f} MiB",
        )


def retry(items: int) -> Figure:
    """`benchmarks/retry.py` on this database: a worker retrying `items` failed items against
    the sandbox platform in processes of their own, as in production."""
    script = settings.BASE_DIR / "benchmarks" / "retry.py"
    done = subprocess.run(
        [
            sys.executable,
            script,
            "--items",
            str(items),
            "--database-url",
            database_url(),
            "--json",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode:
        raise RuntimeError(f"the retry benchmark failed:\n{done.stdout}{done.stderr}")
    figures = json.loads(done.stdout.splitlines()[-1])
    elapsed = figures["seconds"] * 1000
    note = (
        f"{figures['items'] / figures['seconds']:,.0f} items/s, 20 ms a write; "
        f"{figures['duplicates']} duplicate writes; worker peak {figures['peak_mib']:.0f} MiB"
    )
    return Figure(f"Retry of {items:,} failed items", elapsed, elapsed, None, 1, note)


def database_url() -> str:
    """The database this process uses, as the URL a separate process is given: the one it
    was configured with, credentials and options kept, naming the database actually in use
    (a test run's has its own name)."""
    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite":
        return f"sqlite:///{name}"
    configured = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(configured._replace(path=f"/{quote(str(name))}"))


def _query(params: dict):
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    return query


def _days_ago(days: int) -> str:
    """A custom range's start `days` before now, as the history's form takes it in UTC."""
    return (timezone.now() - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _biggest_sync():
    from django.db.models import Count

    row = Sync.objects.annotate(n=Count("push_items")).order_by("-n").values_list("id", flat=True)
    return row[0]


def _dashboard(params: dict) -> Callable[[], None]:
    def dashboard() -> None:
        filterset = SyncFilter(_query(params), queryset=Sync.objects.all())
        filterset.is_valid()
        window = filterset.window
        kind = chart_kind(window)
        tallies = sync_breakdown(filterset=filterset, kind=kind)
        sync_code_counts(tallies=tallies)
        sync_activity(tallies=tallies, window=window, kind=kind, selected=[])

    return dashboard


def _page_sql(history) -> tuple[str, tuple]:
    keys = sort_keys(history.sort)
    queryset = sync_history(queryset=history.filterset.qs, sort=history.sort)
    queryset = queryset.order_by(*(key.order_by for key in keys))[:PAGE]
    return queryset.query.sql_with_params()


def _run_sql(sql: str, params: tuple) -> None:
    connection.ensure_connection()
    with connection.connection.cursor() as cursor:  # psycopg itself, without the ORM
        cursor.execute(sql, params)
        cursor.fetchall()


def ratio(ours: Figure, other: Figure) -> float:
    return ours.p50_ms / other.p50_ms if other.p50_ms else float("nan")
