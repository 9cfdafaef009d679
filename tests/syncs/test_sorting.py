"""Every order the history offers, paged through whole, and read from an index at any page."""

import json
import re
from datetime import UTC, timedelta
from itertools import groupby
from unittest import mock

import pytest
from django.db import connection, transaction
from django.http import QueryDict
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from syncs.filters import Window
from syncs.grouped import pick_by_group
from syncs.history import history_from, is_narrow
from syncs.models import FEW_VALUED, Sync
from syncs.selectors import SORTABLE, sort_keys

from ..factories import CompanyFactory, SyncFactory

pytestmark = pytest.mark.django_db

ORDERS = [name for column in SORTABLE for name in (column, f"-{column}")]
# Runs a pick's branches in turn (migration 0017); what they read is not in the page's plan.
PICK_FUNCTION = "syncs_pick_until_full"


@pytest.fixture
def history_rows():
    """Ties on every column, running syncs, blank platforms and two companies of one name."""
    now = timezone.now()
    twins = [CompanyFactory(name="Bluebell Bakery"), CompanyFactory(name="Bluebell Bakery")]
    companies = [*twins, CompanyFactory(name="Acme"), CompanyFactory(name="Zinnia")]
    syncs = []
    for n in range(23):
        started = now - timedelta(hours=n % 5)
        syncs.append(
            SyncFactory(
                company=companies[n % len(companies)],
                started_at=started,
                finished_at=None if n % 7 == 0 else started + timedelta(seconds=n % 3),
                status_code=(2000, 5130, 3000)[n % 3],
                source_platform=("", "Partner Expense")[n % 2],
                destination_platform=("Xero", "QuickBooks Online")[n % 4 // 2],
                commerce=n % 6 == 0,
            )
        )
    return syncs


@pytest.fixture
def broad_searches(monkeypatch):
    """Every search as one with more syncs than are sorted whole: in an order led by
    few-valued columns, its page is picked a combination at a time."""
    monkeypatch.setattr("syncs.history.FEW_SEARCHED", 1)


def _history(sort: str, user):
    return history_from(QueryDict(f"range=all&sort={sort}"), user)


def _walk(history, size=4) -> tuple[list, list]:
    """Every id page by page forwards, then the pages again walking back from the last."""
    pages, cursor = [], None
    while True:
        page = history.page(cursor, size)
        pages.append([row.id for row in page.rows])
        if not page.next_cursor:
            break
        cursor = page.next_cursor
    back = [pages[-1]]
    while page.previous_cursor:
        page = history.page(page.previous_cursor, size)
        back.append([row.id for row in page.rows])
    return pages, back[::-1]


# Orders led by columns of few values, which are picked a combination of values at a time on
# PostgreSQL.
GROUPED = ["status,-started", "-status,started", "product,-finished", "-source,company,run_time"]
GROUPED += ["destination,product,-started", "-product,source", "status,-destination,finished"]
GROUPED += ["status,product,-source", "-destination,status,source"]


@pytest.mark.parametrize("sort", [*ORDERS, *GROUPED, "-destination,company,finished"])
def test_it_pages_through_every_sync_once_in_order_both_ways(sort, history_rows, staff_user):
    history = _history(sort, staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


@pytest.mark.parametrize("sort", [*GROUPED, "status", "-status", "source", "-destination"])
def test_it_pages_through_a_windows_syncs_once_in_an_order_led_by_few_valued_columns(
    sort, history_rows, company, staff_user
):
    now = timezone.now()
    for days in (3, 10, 40):
        SyncFactory(
            company=company,
            started_at=now - timedelta(days=days),
            destination_platform="NetSuite",
            commerce=True,
        )
    history = history_from(QueryDict(f"range=7d&sort={sort}"), staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


def test_it_pages_through_few_valued_values_that_need_quoting(history_rows, staff_user):
    for name in ('Sage "50", {EU}', "Back\\slash", "Zoë's"):
        SyncFactory.create_batch(3, destination_platform=name, company=history_rows[0].company)
    history = _history("destination,status,-source", staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


def test_it_keeps_the_syncs_of_companies_that_share_a_name_together(history_rows, staff_user):
    pages, _ = _walk(_history("company", staff_user))
    companies = [Sync.objects.get(pk=pk).company_id for page in pages for pk in page]
    runs = [company for company, _ in groupby(companies)]
    assert len(runs) == len(set(companies))


def test_it_puts_running_syncs_after_finished_ones_by_start_time(company, staff_user):
    now = timezone.now()
    late = SyncFactory(company=company, running=True, started_at=now - timedelta(minutes=1))
    early = SyncFactory(company=company, running=True, started_at=now - timedelta(minutes=9))
    done = SyncFactory(company=company, started_at=now - timedelta(minutes=5))
    rows = _history("finished", staff_user).page(None).rows
    assert [row.id for row in rows] == [done.id, early.id, late.id]


def _plan(
    history, cursor=None, off=("seqscan", "sort", "incremental_sort"), analyze=False, size=50
) -> dict:
    """PostgreSQL's plan for the query of a page, with the given plan types turned off. The
    branches a pick's function runs are not in it: each is explained on its own and hung
    under the function's scan."""
    with CaptureQueriesContext(connection) as queries:
        branches = _branch_statements(history, cursor, size)
    plan = _explained(queries.captured_queries[-1]["sql"], off, analyze)
    if branches:
        (scan,) = [node for node in _all(plan) if node.get("Function Name") == PICK_FUNCTION]
        scan["Plans"] = [_explained(branch, off, analyze) for branch in branches]
    return plan


def _explained(sql: str, off, analyze=False) -> dict:
    # SET LOCAL lasts until the end of a transaction, and only inside one.
    with transaction.atomic(), connection.cursor() as cursor:
        for kind in off:
            cursor.execute(f"SET LOCAL enable_{kind} = off")
        options = "ANALYZE, FORMAT JSON" if analyze else "FORMAT JSON"
        cursor.execute(f"EXPLAIN ({options}) {sql}")
        return cursor.fetchone()[0][0]["Plan"]


def _page_queries(history, cursor=None) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        history.page(cursor, 5)
    return [query["sql"] for query in queries.captured_queries]


def _picked_by_combination(queries: list[str]) -> bool:
    # A few-valued column's values are found an index probe at a time, recursively; the
    # combinations of several are read from their counts.
    return any("WITH RECURSIVE" in sql or "syncs_synccombination" in sql for sql in queries)


def _nodes(plan: dict, under_limit: bool = False):
    """(node type, whether a Limit is above it) for every node of a plan."""
    yield plan["Node Type"], under_limit
    for child in plan.get("Plans", []):
        yield from _nodes(child, under_limit or plan["Node Type"] == "Limit")


@pytest.mark.parametrize("sort", [name for name in ORDERS if name.lstrip("-") != "company"])
def test_it_picks_each_page_of_each_order_from_an_index_without_sorting(
    sort, history_rows, staff_user
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    history = _history(sort, staff_user)
    later = history.page(None, 5).next_cursor
    for cursor in (None, later):
        nodes = list(_nodes(_plan(history, cursor)))
        # Only the page's own rows are sorted, above the pick.
        assert not [kind for kind, picking in nodes if picking and "Sort" in kind], nodes
        assert "Seq Scan" not in [kind for kind, _ in nodes], nodes


def test_it_walks_companies_in_name_order_from_an_index(history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    plan = json.dumps(_plan(_history("company", staff_user)))
    assert '"Index Name": "company_name"' in plan and "Seq Scan" not in plan, plan


def test_it_picks_a_searched_companys_page_from_the_company_index_alone(history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    history = history_from(QueryDict("range=all&q=Bluebell"), staff_user)
    plan = _plan(history, off=("seqscan", "bitmapscan"))
    # Walking every start time instead reads a table row for each, to find the company's.
    scans = [(node["Node Type"], node.get("Index Name")) for node in _all(plan)]
    company = {"sync_company_started", "sync_company_values"}
    assert any(kind == "Index Only Scan" and name in company for kind, name in scans), scans


def _all(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _all(child)


def _rows_read(history, cursor=None) -> list[tuple[str, int]]:
    """(node type, rows it removed by a filter) for the page query, walking an index."""
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan", "sort"), analyze=True)
    return [(node["Node Type"], node.get("Rows Removed by Filter", 0)) for node in _all(plan)]


@pytest.mark.parametrize("sort", ["finished", "-finished"])
def test_it_reads_the_complete_time_index_only_from_the_windows_start(company, staff_user, sort):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    now = timezone.now()
    for days in range(10, 40):
        SyncFactory(company=company, started_at=now - timedelta(days=days))
    for hours in range(3):
        SyncFactory(company=company, started_at=now - timedelta(hours=hours + 1))
    history = history_from(QueryDict(f"range=7d&sort={sort}"), staff_user)
    first = history.page(None, 2)
    # Ascending, the first page starts at the week; descending, the last page stops there.
    cursor = None if sort == "finished" else first.next_cursor
    read = _rows_read(history, cursor)
    assert all(removed == 0 for _, removed in read), read


def _branch_statements(history, cursor=None, size=50) -> list[str]:
    """The statements of a page's pick run one after another until the page is full, one
    per value or pairing of values of its lead, in their order."""
    made = []

    def recorded(*args, **kwargs):
        made.append(pick_by_group(*args, **kwargs))
        return made[-1]

    with mock.patch("syncs.pagination.pick_by_group", new=recorded):
        history.page(cursor, size)
    return [
        branch
        for pick in made
        if PICK_FUNCTION in pick.sql
        for branch in json.loads(pick.params[0])
    ]


def _branches(history, cursor=None) -> list[dict]:
    """The limit of each branch of a page's pick, in their order."""
    plans = [
        _explained(statement, off=("seqscan", "bitmapscan", "sort"))
        for statement in _branch_statements(history, cursor)
    ]
    return [next(node for node in _all(plan) if node["Node Type"] == "Limit") for plan in plans]


def _branch_scans(history) -> list[list[dict]]:
    """What each branch's limit reads from, on the first page and on the next."""
    later = history.page(None, 5).next_cursor
    return [[limit["Plans"][0] for limit in _branches(history, cursor)] for cursor in (None, later)]


def test_it_runs_no_branch_after_those_that_fill_the_page(company, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("runs PostgreSQL's function; the PostgreSQL test run covers it")
    SyncFactory.create_batch(3, company=company, status_code=1000)
    SyncFactory.create_batch(4, company=company, status_code=2000)
    for code in (3000, 4000, 5000, 5130):
        SyncFactory(company=company, status_code=code)
    history = _history("status,finished", staff_user)
    statements = _branch_statements(history, size=5)
    assert len(statements) == 6
    # Statuses 1000 and 2000 hold the page and the row after it; a branch after them that
    # ran would fail, and only three of status 2000's four syncs are taken.
    failing = "SELECT (1 / 0)::text::uuid"
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT * FROM syncs_pick_until_full(%s::jsonb, 6)",
            [json.dumps([*statements[:2], *[failing] * 4])],
        )
        picked = [pk for (pk,) in cursor.fetchall()]
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    assert picked == [row.id for row in ordered[:6]]


def test_it_tells_the_planner_that_a_pick_holds_a_page_of_ids(history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    plan = _plan(_history("status,finished", staff_user), off=(), size=5)
    (above,) = [
        node
        for node in _all(plan)
        if any(child.get("Function Name") == PICK_FUNCTION for child in node.get("Plans", []))
    ]
    # Taking the function's rows for a thousand, PostgreSQL read a whole window's entries to
    # hash them against the ids rather than look up the page's own.
    assert above["Plan Rows"] <= 6, json.dumps(plan, indent=1)


@pytest.mark.parametrize("sort", ["status,-started", "-status,started", "-product,-started"])
def test_it_picks_each_value_of_a_few_valued_column_from_an_index_in_start_order(
    sort, history_rows, staff_user
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    for scans in _branch_scans(_history(sort, staff_user)):
        assert len(scans) > 1 and all(
            scan["Node Type"] in ("Index Scan", "Index Only Scan")
            and scan["Index Name"].endswith("_started")
            for scan in scans
        ), scans


@pytest.mark.parametrize("sort", ["status,finished", "-source,-run_time"])
@pytest.mark.parametrize("searched", ["", "&q=Bluebell"])
def test_it_walks_each_value_of_a_few_valued_column_in_the_next_keys_index_alone(
    sort, searched, history_rows, staff_user, broad_searches
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    history = history_from(QueryDict(f"range=all&sort={sort}{searched}"), staff_user)
    for scans in _branch_scans(history):
        # A table row read per index entry passed costs the most for a value with few syncs.
        assert len(scans) > 1 and all(
            (scan["Node Type"], scan["Index Name"])
            in (("Index Only Scan", "sync_finished"), ("Index Only Scan", "sync_run_time"))
            for scan in scans
        ), scans


def _branches_without_a_pairing(sort, user) -> tuple[int, set, tuple]:
    """How many branches the pick of `sort` has once the syncs of one pairing of its first two
    columns' values are gone; the pairings left, and the one gone."""
    history = _history(sort, user)
    fields = [key.field for key in sort_keys(history.sort)[:2]]
    gone = Sync.objects.values_list(*fields)[0]
    Sync.objects.filter(**dict(zip(fields, gone, strict=True))).delete()
    return len(_branches(history)), set(Sync.objects.values_list(*fields)), gone


# In start order, the pairings of these have on average more combinations of the other
# two columns than half the number of pairings: each has a branch of its own, as in any
# other order after two few-valued columns.
@pytest.mark.parametrize("sort", ["-destination,product,-started", "-destination,product,finished"])
def test_it_picks_only_the_pairings_of_few_values_that_syncs_have(sort, history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    branches, had, _ = _branches_without_a_pairing(sort, staff_user)
    # A pairing no sync has would walk an index to its end to find nothing.
    everyone = {(a, b) for a, _ in had for _, b in had}
    assert branches == len(had) < len(everyone)


def test_it_picks_whole_a_value_with_every_pairing_when_only_the_id_follows(
    history_rows, staff_user
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    branches, had, gone = _branches_without_a_pairing("source,-status", staff_user)
    lacking = [pair for pair in had if pair[0] == gone[0]]
    others = {first for first, _ in had} - {gone[0]}
    assert branches == len(lacking) + len(others)


def test_it_reads_the_combinations_of_three_few_valued_columns_until_the_page_is_full(
    company, staff_user
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    for code in (2000, 4000, 5000, 5130):
        SyncFactory(company=company, status_code=code, source_platform="Shopify")
    SyncFactory.create_batch(40, company=company, status_code=2000, source_platform="Square")
    history = _history("status,-source,destination", staff_user)
    plan = _plan(history, off=(), analyze=True, size=5)
    (combinations,) = [node for node in _all(plan) if node.get("Alias") == "combination"]
    # The first combination fills the page; the next is read only to see that it has begun.
    assert combinations["Actual Rows"] == 2, combinations


def _hourly_syncs(company, hours: int, statuses=(2000, 5130, 3000)) -> None:
    """A sync an hour for `hours`, analysed: enough for the planner to weigh a window's share
    of them."""
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    now = timezone.now()
    Sync.objects.bulk_create(
        SyncFactory.build(
            company=company,
            started_at=now - timedelta(hours=hour),
            status_code=statuses[hour % len(statuses)],
            source_platform=("Shopify", "Square")[hour % 2],
            destination_platform=("Xero", "NetSuite")[hour % 5 // 3],
            commerce=hour % 4 == 0,
        )
        for hour in range(hours)
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE syncs_sync")


@pytest.fixture
def weeks_of_syncs(company):
    _hourly_syncs(company, 2000)


@pytest.fixture
def a_year_of_syncs(company):
    _hourly_syncs(company, 24 * 365)


def _window_index_scans(plan: dict) -> list[dict]:
    return [node for node in _all(plan) if node.get("Index Name") == "sync_few_values_window"]


def test_it_reads_a_windows_syncs_of_each_combination_as_one_range_of_an_index(
    weeks_of_syncs, staff_user
):
    history = history_from(QueryDict("range=7d&sort=status,-source,destination"), staff_user)
    plan = _plan(history, off=("seqscan", "bitmapscan"))
    scans = [node for node in _all(plan) if node.get("Index Name", "").startswith("sync_few")]
    # Without every column named, the window bounds no range: all of a status's syncs are read.
    assert scans and all(
        scan["Index Name"] == "sync_few_values_window"
        and all(column in scan["Index Cond"] for column in [*FEW_VALUED, "started_at"])
        for scan in scans
    ), json.dumps(plan, indent=1)


@pytest.mark.parametrize("window", ["range=7d", "range=30d"])
def test_it_reads_a_windows_syncs_of_a_combination_from_the_index_alone_after_a_cursor(
    weeks_of_syncs, staff_user, window
):
    history = history_from(QueryDict(f"{window}&sort=source,-status,product"), staff_user)
    cursor = history.page(None, 5).next_cursor
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan"))
    scans = _window_index_scans(plan)
    # The ids after the cursor's are sorted from the index: no table row is read for them.
    assert scans and all(scan["Node Type"] == "Index Only Scan" for scan in scans), json.dumps(
        plan, indent=1
    )


def test_it_walks_complete_times_from_a_windows_start_rather_than_read_combinations_whole(
    weeks_of_syncs, staff_user
):
    history = history_from(QueryDict("range=7d&sort=status,-source,finished"), staff_user)
    plan = _plan(history, off=())
    # The branches the pick's function runs are in the plan, and none reads that index.
    branches = [node for node in _all(plan) if node.get("Alias") == "branch"]
    assert branches and _window_index_scans(plan) == [], json.dumps(plan, indent=1)


def _vacuum() -> None:
    """Every page all-visible, as in a vacuumed history: an index-only read looks cheapest."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE syncs_sync")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    "query",
    [
        "sort=source,-status,product",
        # A status named outright, by a filter or a branch of its own.
        "status=2000&status=5130&sort=source,-status,product",
        "unresolved=on&sort=source,-status,product",
        "sort=status,-source,destination",
    ],
)
def test_it_reads_no_combination_from_the_window_index_over_any_time(
    weeks_of_syncs, staff_user, query
):
    _vacuum()
    history = history_from(QueryDict(f"range=all&{query}"), staff_user)
    cursor = history.page(None, 5).next_cursor
    for at in (None, cursor):
        plan = _plan(history, at, off=("seqscan", "bitmapscan"))
        assert _window_index_scans(plan) == [], json.dumps(plan, indent=1)


def _days_back(days: int) -> str:
    return f"range=custom&start={(timezone.now() - timedelta(days=days)):%Y-%m-%dT%H:%M}"


@pytest.mark.parametrize("window", ["range=all", _days_back(60)])
@pytest.mark.parametrize("searched", ["", "&q=Bluebell"])
@pytest.mark.django_db(transaction=True)
def test_it_walks_a_combination_of_three_in_id_order_a_value_of_the_fourth_at_a_time(
    weeks_of_syncs, staff_user, window, searched, broad_searches
):
    _vacuum()
    query = f"{window}&sort=source,-status,product{searched}"
    history = history_from(QueryDict(query), staff_user)
    cursor = history.page(None, 5).next_cursor
    # Sorting is turned off as a history of millions of syncs rules it out: on these 2,000
    # a rare destination's syncs look cheap to sort.
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan", "sort"))
    scans = [node for node in _all(plan) if "combination.value" in node.get("Index Cond", "")]
    # Each destination's syncs of the combination come in id order from the cursor, and the
    # window is tested on the index entries: no combination is read whole, no table row read.
    assert len(scans) == 2 and all(
        scan["Index Name"] == "sync_few_values_id"
        and scan["Node Type"] == "Index Only Scan"
        and "destination_platform =" in scan["Index Cond"]
        for scan in scans
    ), json.dumps(plan, indent=1)


@pytest.mark.parametrize("sort", ["status,product,-source", "-destination,status,source"])
@pytest.mark.parametrize("days", [20, 60])
def test_it_pages_through_a_windows_syncs_once_in_an_order_led_by_three_few_valued_columns(
    sort, days, history_rows, company, staff_user
):
    now = timezone.now()
    for age, destination in ((3, "NetSuite"), (25, "Xero"), (45, "NetSuite"), (90, "Xero")):
        SyncFactory(
            company=company, started_at=now - timedelta(days=age), destination_platform=destination
        )
    history = history_from(QueryDict(f"{_days_back(days)}&sort={sort}"), staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


@pytest.fixture
def many_pairings(company):
    """Six statuses by three destinations, with ties on start times: 18 pairings of status
    and destination, each with a few combinations of product and source."""
    now = timezone.now()
    for n in range(60):
        SyncFactory(
            company=company,
            started_at=now - timedelta(hours=n % 9),
            status_code=(1000, 2000, 3000, 4000, 5000, 5130)[n % 6],
            destination_platform=("Xero", "NetSuite", "Sage Intacct")[n % 7 % 3],
            source_platform=("Shopify", "Square")[n % 5 % 2],
            commerce=n % 4 == 1,
        )


@pytest.mark.parametrize("sort", ["status,destination,-started", "-destination,-status,started"])
@pytest.mark.parametrize("window", ["range=all", "range=7d"])
def test_it_pages_through_many_pairings_in_start_order_once_both_ways(
    sort, window, many_pairings, staff_user
):
    history = history_from(QueryDict(f"{window}&sort={sort}"), staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    with CaptureQueriesContext(connection) as queries:
        pages, back = _walk(history)
    if connection.vendor == "postgresql":
        # Each pairing read a combination of product and source at a time.
        assert any("AS other(value)" in query["sql"] for query in queries.captured_queries)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


def test_it_reads_many_pairings_in_start_order_from_the_window_index_a_pairing_at_a_time(
    company, staff_user
):
    # 12 pairings of status and destination, each with one or two combinations of product
    # and source.
    _hourly_syncs(company, 2000, statuses=(1000, 2000, 3000, 4000, 5000, 5130))
    history = _history("status,destination,-started", staff_user)
    cursor = history.page(None, 5).next_cursor
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan", "sort"))
    scans = [node for node in _all(plan) if node.get("Index Name", "").startswith("sync_")]
    # No branch per pairing, but one for the cursor's pairing and one for those after it,
    # each reading the pairing's rows a combination of product and source at a time, a range
    # of the index on all four columns in start order: from the cursor in the cursor's.
    assert _branch_statements(history, cursor) == []
    picks = [scan for scan in scans if "combination.value" in scan.get("Index Cond", "")]
    assert len(picks) == 2 and all(
        scan["Index Name"] == "sync_few_values_window"
        and all(column in scan["Index Cond"] for column in FEW_VALUED)
        for scan in picks
    ), json.dumps(plan, indent=1)
    assert ["started_at" in scan["Index Cond"] for scan in picks] == [True, False]


@pytest.mark.parametrize("sort", ["-status", "source"])
def test_it_picks_one_few_valued_column_a_value_at_a_time_only_in_a_window(
    history_rows, staff_user, sort
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    over_any_time = _history(sort, staff_user)
    assert _branches(over_any_time) == []
    # In a window, each value's syncs are picked on their own, the value in the planner's
    # sight, on the first page and after a cursor.
    history = history_from(QueryDict(f"range=7d&sort={sort}"), staff_user)
    cursor = history.page(None, 5).next_cursor
    assert _branches(history) != [] and _branches(history, cursor) != []


@pytest.mark.parametrize("sort", ["finished", "-finished"])
def test_it_walks_the_complete_time_index_from_a_windows_start_rather_than_sort_the_window(
    a_year_of_syncs, staff_user, sort
):
    history = history_from(QueryDict(f"range=7d&sort={sort}"), staff_user)
    # Ascending, every page walks from the week's start; descending, those after the first.
    cursor = history.page(None, 5).next_cursor if sort.startswith("-") else None
    # No plan type turned off: the planner's own choice, from its own estimates.
    nodes = list(_nodes(_plan(history, cursor, off=(), size=5)))
    assert not [kind for kind, picking in nodes if picking and "Sort" in kind], nodes


@pytest.mark.parametrize(
    ("start_days", "end_days", "narrow"),
    [
        (7, None, True),
        (30, None, True),
        (100, 8, True),
        (93, None, False),
        (400, 300, False),
        (None, 1, False),
        (None, None, False),
    ],
)
def test_it_reads_each_combinations_syncs_whole_only_in_windows_of_a_quarter_or_less(
    start_days, end_days, narrow
):
    now = timezone.now()
    start = now - timedelta(days=start_days) if start_days is not None else None
    end = now - timedelta(days=end_days) if end_days is not None else None
    assert is_narrow(Window(start, end, UTC)) is narrow


@pytest.mark.parametrize("sort", ["-destination,product,-started", "source,-status,company"])
def test_it_pages_through_few_valued_columns_of_which_a_pairing_has_no_syncs(
    sort, history_rows, staff_user
):
    history = _history(sort, staff_user)
    fields = [key.field for key in sort_keys(history.sort)[:2]]
    gone = Sync.objects.values_list(*fields)[0]
    Sync.objects.filter(**dict(zip(fields, gone, strict=True))).delete()
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages


@pytest.fixture
def many_named(monkeypatch):
    """Every search as one naming more companies than it lists by id."""
    monkeypatch.setattr("syncs.filters.SyncFilter.listed", 1)


@pytest.mark.parametrize(
    "sort", ["status,-started", "-destination,company", "status,destination,-started", "company"]
)
@pytest.mark.parametrize("searched", ["narrow", "broad", "many_named"])
def test_it_pages_a_searched_companys_syncs_in_an_order_led_by_a_few_valued_column(
    sort, searched, history_rows, staff_user, request
):
    if searched == "broad":
        request.getfixturevalue("broad_searches")
    if searched == "many_named":
        request.getfixturevalue("many_named")
    history = history_from(QueryDict(f"range=all&q=Bluebell&sort={sort}"), staff_user)
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    pages, back = _walk(history)
    assert [pk for page in pages for pk in page] == [row.id for row in ordered]
    assert back == pages and len(ordered) > 4


def test_it_tests_a_search_naming_many_companies_on_each_syncs_joined_company(
    history_rows, staff_user, many_named
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    history = history_from(
        QueryDict("range=all&q=Bluebell&sort=source,-status,company"), staff_user
    )
    statements = _searching_statements(history)
    # Tested among the syncs against every company so named, the name kept PostgreSQL from
    # reading each company's syncs in name order from the company index.
    assert not [sql for sql in statements if NAMED_APART in sql], statements
    assert [sql for sql in statements if re.search(NAME_JOINED, sql)], statements


def test_it_tests_a_search_naming_many_companies_against_their_ids_in_other_orders(
    history_rows, staff_user, many_named
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    history = history_from(QueryDict("range=all&q=Bluebell&sort=status,-started"), staff_user)
    statements = _searching_statements(history)
    # Without the company joined, its name would cost a join for every sync passed.
    assert [sql for sql in statements if NAMED_APART in sql], statements
    assert not [sql for sql in statements if re.search(NAME_JOINED, sql)], statements


# A search's name tested in a subquery of the companies, or on the company joined.
NAMED_APART = 'FROM "syncs_company" U0'
NAME_JOINED = r'WHERE .*"syncs_company"\."name"'


def _searching_statements(history) -> list[str]:
    """The statements a page runs that test its search: with the company lookup before them
    left out, and a pick's branches in place of the page's query that runs them."""
    queries = _page_queries(history)[1:]
    branches = _branch_statements(history)
    return [*branches, *queries[:-1]] if branches else queries


@pytest.mark.parametrize("sort", ["status,destination,-started", "source,-status,product"])
@pytest.mark.django_db(transaction=True)
def test_it_sorts_the_syncs_of_a_search_naming_few_companies_whole(sort, history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    _vacuum()
    history = history_from(QueryDict(f"range=all&q=Bluebell&sort={sort}"), staff_user)
    cursor = history.page(None, 5).next_cursor
    assert not _picked_by_combination(_page_queries(history, cursor))
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan"))
    scans = [(node["Node Type"], node.get("Index Name")) for node in _all(plan)]
    # Walking each combination instead passes by the syncs of every other company.
    assert ("Index Only Scan", "sync_company_values") in scans, scans


def test_it_picks_a_searchs_page_by_combination_beyond_the_syncs_sorted_whole(
    history_rows, staff_user, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    searched = Sync.objects.filter(company__name="Bluebell Bakery").count()
    monkeypatch.setattr("syncs.history.FEW_SEARCHED", searched - 1)
    history = history_from(QueryDict("range=all&q=Bluebell&sort=status,-started"), staff_user)
    assert _picked_by_combination(_page_queries(history))


def test_it_sorts_a_search_with_as_many_syncs_as_are_sorted_whole_whole(
    history_rows, staff_user, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    searched = Sync.objects.filter(company__name="Bluebell Bakery").count()
    monkeypatch.setattr("syncs.history.FEW_SEARCHED", searched)
    history = history_from(QueryDict("range=all&q=Bluebell&sort=status,-started"), staff_user)
    assert not _picked_by_combination(_page_queries(history))


@pytest.mark.parametrize("beyond", [False, True])
def test_it_sorts_a_search_for_the_start_of_an_id_whole_up_to_fewer_syncs(
    beyond, history_rows, staff_user, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    # A company's id's start finds all of its syncs, and any whose own id starts so.
    start = str(history_rows[0].company_id)[:3]
    history = history_from(QueryDict(f"range=all&q={start}&sort=status,-started"), staff_user)
    searched = history.queryset.count()
    assert searched > 1
    monkeypatch.setattr("syncs.history.FEW_SEARCHED", searched)
    monkeypatch.setattr("syncs.history.FEW_BY_ID_START", searched - 1 if beyond else searched)
    assert _picked_by_combination(_page_queries(history)) is beyond


def test_it_reads_a_searchs_few_syncs_before_sorting_them(history_rows, staff_user):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    history = history_from(QueryDict("range=all&q=Bluebell&sort=status,-started"), staff_user)
    page = _page_queries(history, history.page(None, 5).next_cursor)[-1]
    # Expecting many more rows than there are, PostgreSQL would walk the order's index
    # instead and test every row it passes: "ab1", 233 syncs, took a second that way.
    assert "OFFSET 0) AS matched" in page, page


def test_it_does_not_count_the_syncs_of_a_search_naming_many_companies(
    history_rows, staff_user, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("picks by combination on PostgreSQL only; its test run covers it")
    # Both bakeries are named, one more than the search may list by id.
    monkeypatch.setattr("syncs.filters.SyncFilter.listed", 1)
    history = history_from(QueryDict("range=all&q=Bluebell&sort=status,-started"), staff_user)
    queries = _page_queries(history)
    assert _picked_by_combination(queries)
    assert not [sql for sql in queries if "OFFSET" in sql], queries


@pytest.mark.parametrize("sort", ["status,destination,-started", "source,-status,product"])
@pytest.mark.django_db(transaction=True)
def test_it_reads_a_searchs_combinations_a_value_of_the_other_columns_at_a_time_from_indexes(
    sort, many_pairings, staff_user, broad_searches
):
    if connection.vendor != "postgresql":
        pytest.skip("reads PostgreSQL's plans; the PostgreSQL test run covers it")
    _vacuum()
    history = history_from(QueryDict(f"range=all&q=Bluebell&sort={sort}"), staff_user)
    cursor = history.page(None, 5).next_cursor
    assert cursor
    plan = _plan(history, cursor, off=("seqscan", "bitmapscan", "sort"))
    picks = [node for node in _all(plan) if "combination.value" in node.get("Index Cond", "")]
    # Each range is walked to a page of the search's syncs, told from the other companies'
    # by the company each index entry carries: no table row is read for those passed by.
    assert [node for node in _all(plan) if node.get("Alias", "").startswith("other")]
    assert picks and all(scan["Node Type"] == "Index Only Scan" for scan in picks), json.dumps(
        plan, indent=1
    )


def test_it_goes_on_from_a_value_that_no_sync_has_any_more(history_rows, staff_user):
    history = _history("status,-started", staff_user)
    first = history.page(None, 2)
    gone = first.rows[-1].status_code
    Sync.objects.filter(status_code=gone).delete()
    rest = history.page(first.next_cursor, 50).rows
    ordered = history.queryset.order_by(*(key.order_by for key in sort_keys(history.sort)))
    shown = {row.id for row in first.rows}
    assert [row.id for row in rest] == [row.id for row in ordered if row.id not in shown]


def test_it_breaks_ties_by_id_in_the_direction_of_the_last_key():
    assert sort_keys(["status", "-started"])[-1].descending
    assert not sort_keys(["-status", "started"])[-1].descending


@pytest.mark.parametrize(
    "sort", ["status,-started", "destination,product", "status,source,product"]
)
def test_it_shows_an_empty_history_in_a_grouped_order(sort, staff_client):
    response = staff_client.get(reverse("home"), {"range": "all", "sort": sort})
    assert response.status_code == 200
    assert response.context["page"].rows == []


@pytest.mark.parametrize("sort", ["status,-started", "status,-source,product"])
def test_it_shows_an_empty_page_before_a_cursor_whose_status_and_those_before_are_gone(
    sort, history_rows, staff_user
):
    history = _history(sort, staff_user)
    second = history.page(history.page(None, 4).next_cursor, 4)
    Sync.objects.filter(status_code__lte=second.rows[0].status_code).delete()
    assert history.page(second.previous_cursor, 4).rows == []


@pytest.mark.parametrize(
    "sort", ["status,-started", "destination,product", "status,source,product"]
)
def test_it_shows_no_rows_for_a_search_that_matches_nothing_in_a_grouped_order(
    sort, history_rows, staff_user
):
    history = history_from(QueryDict(f"range=all&q=nowhere&sort={sort}"), staff_user)
    assert history.page(None).rows == []
