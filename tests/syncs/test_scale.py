"""The scale loader and the page benchmark at a small size, so neither rots unnoticed."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import Count, Q, Sum
from django.http import QueryDict

from pushitems.models import PushItem, PushStatus
from syncs.benchmark import PageBenchmark, database_url
from syncs.breakdown import LEVELS
from syncs.demo.scale import BIG_SYNC_ID
from syncs.history import history_from
from syncs.models import FEW_VALUED, Sync, SyncCombination

from ..factories import SyncFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def postgresql():
    if connection.vendor != "postgresql":
        pytest.skip("loading with COPY needs PostgreSQL; the PostgreSQL test run covers it")


def _indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes "
            "WHERE tablename IN ('syncs_sync', 'pushitems_pushitem')"
        )
        return {row[0] for row in cursor.fetchall()}


def _load(syncs: int) -> str:
    out = StringIO()
    call_command(
        "load_scale_data", f"--syncs={syncs}", "--items-per-sync=3", "--companies=40",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


def test_it_loads_the_requested_syncs_with_items(postgresql):
    assert "Loaded 5,000 syncs" in _load(5000)
    assert Sync.objects.count() == 5000 and PushItem.objects.count() > 10_000


def test_it_gives_one_sync_ten_thousand_items(postgresql):
    _load(1000)
    assert PushItem.objects.filter(sync_id=BIG_SYNC_ID).count() == 10_000


def test_it_keeps_failed_items_on_failed_syncs_only(postgresql):
    _load(5000)
    failed = Sync.objects.filter(push_items__status=PushStatus.FAILED).distinct()
    assert failed.exists()
    assert not failed.exclude(Q(status_code__gte=4000) & Q(status_code__lte=5999)).exists()


def test_it_rebuilds_every_index_it_dropped(postgresql):
    before = _indexes()
    _load(1000)
    assert _indexes() == before


def test_it_refuses_a_database_other_than_postgresql():
    if connection.vendor == "postgresql":
        pytest.skip("this checks the refusal on SQLite")
    with pytest.raises(CommandError, match="needs PostgreSQL"):
        call_command("load_scale_data", "--syncs=10")


def test_it_prints_every_figure_of_the_benchmark(postgresql):
    _load(2000)
    out = StringIO()
    call_command("benchmark", "--runs=2", "--export-rows=300", stdout=out)
    text = out.getvalue()
    names = ("History, page 1", "Status then Start Time", "Dashboard, any time", "Push Items tab")
    names = (*names, "Status then Complete Time", "Destination then Product", "Django admin", "CSV")
    names = (*names, "Complete Time oldest first", "middle of the last 90 days", "Status ↓")
    names = (*names, 'search for "a"', "Counts of one company", 'Counts of the search for "a"')
    names = (*names, "Status then Source then Destination", "Destination then Start Time")
    names = (*names, "name search, Status then Destination", "first word, Status")
    names = (*names, 'search for "a", Source then Status ↓ then Company')
    for name in (*names, "Raw SQL"):
        assert name in text
    assert "History page 1 / admin page 1:" in text


def test_it_counts_the_loaded_syncs_at_every_level(postgresql):
    _load(1000)
    for model in LEVELS:
        assert model.objects.aggregate(n=Sum("total"))["n"] == 1000


def test_it_counts_the_loaded_syncs_of_each_combination_of_few_values(postgresql):
    _load(1000)
    counted = {
        (c.status_code, c.product, c.source_platform, c.destination_platform): c.total
        for c in SyncCombination.objects.all()
    }
    had = Sync.objects.values_list(*FEW_VALUED).annotate(n=Count("id"))
    assert counted == {tuple(row[:-1]): row[-1] for row in had} and len(counted) > 1


def test_it_leaves_the_counts_and_syncs_readable_from_their_indexes_alone(postgresql):
    _load(1000)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname FROM pg_class WHERE relname = ANY(%s) AND relallvisible < relpages",
            [[*(level._meta.db_table for level in LEVELS), Sync._meta.db_table]],
        )
        assert cursor.fetchall() == []


def test_it_counts_the_queries_of_each_page(postgresql):
    _load(500)
    out = StringIO()
    call_command("benchmark", "--runs=1", "--export-rows=100", "--retry-items=0", stdout=out)
    row = next(line for line in out.getvalue().splitlines() if "History, page 1 (last 7" in line)
    assert int(row.split("|")[4]) >= 4


def test_it_runs_the_retry_benchmark_on_the_same_database(postgresql):
    _load(200)
    out = StringIO()
    call_command("benchmark", "--runs=1", "--export-rows=10", "--retry-items=20", stdout=out)
    row = next(line for line in out.getvalue().splitlines() if "Retry of 20 failed" in line)
    assert "0 duplicate writes" in row
    assert not Sync.objects.filter(company__name__startswith="Benchmark ").exists()


def test_it_gives_the_retry_benchmark_the_configured_database_under_its_own_name(
    postgresql, monkeypatch
):
    monkeypatch.setenv(
        "DATABASE_URL", "postgres://bench:p%40ss@db.internal:6432/main?sslmode=require"
    )
    name = connection.settings_dict["NAME"]
    assert database_url() == f"postgres://bench:p%40ss@db.internal:6432/{name}?sslmode=require"


def test_the_middle_cursor_opens_the_page_after_half_the_history():
    SyncFactory.create_batch(120)  # over two pages, so the middle one is a full page
    benchmark = PageBenchmark(runs=1, export_rows=0)
    params = {"range": "all"}
    ordered = list(Sync.objects.order_by("-started_at", "-id"))
    cursor = benchmark.deep_cursor(params, middle=True)
    page = history_from(QueryDict(f"range=all&cursor={cursor}"), benchmark.user).page(cursor)
    assert page.rows[0] == ordered[len(ordered) // 2]
