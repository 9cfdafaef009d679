from collections import Counter
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from accounts.models import Preference
from syncs.buckets import bucket_floor
from syncs.models import SyncMonthlyCount
from syncs.tables import TOGGLEABLE

from ..factories import CompanyFactory, PushItemFactory, SyncFactory

pytestmark = pytest.mark.django_db


def _page(client, **params) -> str:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.content.decode()


def _shown(client, **params) -> set:
    response = client.get(reverse("home"), params)
    return {row.record.id for row in response.context["table"].rows}


def test_it_lists_syncs_with_company_short_id_and_status(staff_client, sync):
    page = _page(staff_client)
    assert sync.company.name in page and str(sync.id)[:8] in page and ">Complete<" in page


def test_it_shows_run_time_as_hours_minutes_seconds(staff_client, sync):
    assert "00:00:08" in _page(staff_client)


def test_it_shows_an_undocumented_status_code_raw(staff_client):
    SyncFactory(status_code=4200)
    assert 'title="4200 · Undocumented status code">4200<' in _page(staff_client)


def test_it_escapes_what_companies_and_sync_engines_wrote(staff_client, staff_user):
    Preference.objects.create(
        user=staff_user, history_columns=["company", "source", "destination", "notes"]
    )
    SyncFactory(
        company=CompanyFactory(name="<b>Bold</b> & Co"),
        source_platform='<img src="x">',
        destination_platform="Xero & <i>",
        notes="</td><script>alert(1)</script>",
    )
    page = _page(staff_client)
    assert "&lt;b&gt;Bold&lt;/b&gt; &amp; Co" in page and "&lt;img src=&quot;x&quot;&gt;" in page
    assert "Xero &amp; &lt;i&gt;" in page and "&lt;/td&gt;&lt;script&gt;" in page
    assert "<script>alert" not in page and "<b>Bold" not in page


def test_it_says_how_the_rows_are_sorted_and_preselects_the_sort_menus(staff_client, sync):
    page = _page(staff_client, sort=["company", "-started"])
    assert "sorted by Company ↑, Start Time ↓" in page
    assert '<option value="company" selected>Company ↑ ascending</option>' in page
    assert '<option value="-started" selected>Start Time ↓ descending</option>' in page


def test_it_shows_a_dash_for_platforms_a_sync_engine_left_blank(staff_client, staff_user):
    Preference.objects.create(user=staff_user, history_columns=["source", "destination"])
    SyncFactory(source_platform="", destination_platform="")
    page = _page(staff_client)
    assert '<td class="col-source">—</td><td class="col-destination">—</td>' in page


def test_it_says_so_when_nothing_matches(staff_client):
    assert "No syncs match these filters" in _page(staff_client)


def test_it_links_each_row_to_its_sync_keeping_the_filters(staff_client, sync):
    page = _page(staff_client, q="bluebell")
    assert f'href="/syncs/{sync.id}/?back=q%3Dbluebell"' in page


def test_it_shows_the_last_seven_days_by_default(staff_client, company):
    recent = SyncFactory(company=company)
    SyncFactory(company=company, started_at=timezone.now() - timedelta(days=8))
    assert _shown(staff_client) == {recent.id}


@pytest.mark.parametrize(
    ("preset", "age", "shown"),
    [
        ("24h", timedelta(hours=23), True),
        ("24h", timedelta(hours=25), False),
        ("30d", timedelta(days=29), True),
        ("30d", timedelta(days=31), False),
        ("all", timedelta(days=900), True),
    ],
)
def test_it_applies_a_date_preset_to_start_times(staff_client, company, preset, age, shown):
    sync = SyncFactory(company=company, started_at=timezone.now() - age)
    assert (sync.id in _shown(staff_client, range=preset)) is shown


def test_it_applies_a_custom_range_in_the_readers_time_zone(staff_client, company):
    # 23:30 in London on 1 July is 22:30 UTC: inside a London-day range, outside a UTC one.
    moment = timezone.datetime(2026, 7, 1, 22, 30, tzinfo=UTC)
    sync = SyncFactory(company=company, started_at=moment)
    london = _shown(
        staff_client, start="2026-07-01T00:00", end="2026-07-02T00:00", tz="Europe/London"
    )
    tokyo = _shown(staff_client, start="2026-07-01T00:00", end="2026-07-02T00:00", tz="Asia/Tokyo")
    assert sync.id in london and sync.id not in tokyo


def test_it_searches_a_whole_sync_id(staff_client, sync):
    SyncFactory()
    assert _shown(staff_client, q=str(sync.id)) == {sync.id}


@pytest.mark.parametrize(
    "transform", [lambda s: s[:8], lambda s: s[:13].upper(), lambda s: s.replace("-", "")[:11]]
)
def test_it_searches_a_sync_id_prefix_in_any_case_with_or_without_dashes(
    staff_client, sync, transform
):
    assert sync.id in _shown(staff_client, q=transform(str(sync.id)))


def test_it_searches_a_company_id_prefix(staff_client, sync):
    other = SyncFactory()
    shown = _shown(staff_client, q=str(sync.company_id)[:6])
    assert sync.id in shown and (
        other.id not in shown or str(other.company_id)[:6] == str(sync.company_id)[:6]
    )


def test_it_searches_company_names(staff_client, sync):
    SyncFactory(company=CompanyFactory(name="Northwind Kites"))
    assert _shown(staff_client, q="bakery") == {sync.id}


def test_it_filters_by_several_status_codes(staff_client, company):
    wanted = {SyncFactory(company=company, status_code=code).id for code in (4000, 5130)}
    SyncFactory(company=company, status_code=2000)
    assert _shown(staff_client, status=["4000", "5130"]) == wanted


def test_it_filters_by_an_undocumented_code(staff_client, company):
    odd = SyncFactory(company=company, status_code=4200)
    SyncFactory(company=company, status_code=4000)
    assert _shown(staff_client, status="4200") == {odd.id}


def test_it_shows_only_unresolved_failures_when_asked(staff_client, company):
    unresolved = SyncFactory(company=company, failed=True)
    retry = SyncFactory(company=company)
    SyncFactory(company=company, failed=True, resolved_by=retry)
    assert _shown(staff_client, unresolved="true") == {unresolved.id}


def test_it_combines_search_status_and_range(staff_client, sync):
    match = SyncFactory(company=sync.company, failed=True)
    SyncFactory(failed=True)
    SyncFactory(company=sync.company, failed=True, started_at=timezone.now() - timedelta(days=40))
    assert _shown(staff_client, q="bluebell", status="5130", range="30d") == {match.id}


def test_it_counts_each_status_code_under_the_other_filters(staff_client, company):
    SyncFactory.create_batch(2, company=company, failed=True)
    SyncFactory(status_code=5130)
    response = staff_client.get(reverse("history-counts"), {"q": "bluebell", "status": "2000"})
    counts = {c.status.code: c.total for c in response.context["counts"]}
    assert counts[5130] == 2 and counts[2000] == 0 and set(counts) >= {1000, 1010, 2040, 4260}


def test_it_lists_undocumented_codes_present_in_the_data(staff_client):
    SyncFactory(status_code=4200)
    page = _page(staff_client)
    assert 'name="status" value="4200"' in page


def test_it_counts_failed_in_progress_and_total_for_the_filters(staff_client, company):
    SyncFactory.create_batch(2, company=company, failed=True)
    SyncFactory(company=company, status_code=4200)
    SyncFactory(company=company, running=True)
    SyncFactory(company=company)
    dashboard = staff_client.get(reverse("home")).context["dashboard"]
    assert (dashboard.failed, dashboard.in_progress, dashboard.total) == (3, 1, 5)


def test_it_counts_only_the_selected_codes_on_the_cards(staff_client, company):
    SyncFactory(company=company, failed=True)
    SyncFactory(company=company, running=True)
    dashboard = staff_client.get(reverse("home"), {"status": "1000"}).context["dashboard"]
    assert (dashboard.failed, dashboard.in_progress, dashboard.total) == (0, 1, 1)


def test_it_counts_unresolved_failures_apart(staff_client, company):
    SyncFactory(company=company, failed=True, resolved_by=SyncFactory(company=company))
    SyncFactory(company=company, failed=True)
    dashboard = staff_client.get(reverse("home")).context["dashboard"]
    assert (dashboard.failed, dashboard.unresolved_failed) == (2, 1)


def test_it_links_the_failed_card_to_every_failure_code(staff_client, company):
    SyncFactory(company=company, status_code=4200)
    link = staff_client.get(reverse("home")).context["card_links"]["failed"]
    assert "status=4200" in link and "status=5130" in link and "status=2000" not in link


def test_it_sorts_by_a_column_ascending(staff_client, company):
    for code in (5130, 2000, 4000):
        SyncFactory(company=company, status_code=code)
    rows = staff_client.get(reverse("home"), {"sort": "status"}).context["table"].rows
    assert [row.record.status_code for row in rows] == [2000, 4000, 5130]


def test_it_sorts_by_several_columns(staff_client):
    now = timezone.now()
    a = SyncFactory(company=CompanyFactory(name="Acme"), started_at=now - timedelta(hours=2))
    b = SyncFactory(company=CompanyFactory(name="Zinnia"), started_at=now - timedelta(hours=1))
    c = SyncFactory(company=a.company, started_at=now - timedelta(hours=3))
    rows = (
        staff_client.get(reverse("home"), {"sort": ["company", "-started"]}).context["table"].rows
    )
    assert [row.record.id for row in rows] == [a.id, c.id, b.id]


def test_it_sorts_running_syncs_last_by_run_time(staff_client, company):
    running = SyncFactory(company=company, running=True)
    quick = SyncFactory(company=company)
    rows = staff_client.get(reverse("home"), {"sort": "run_time"}).context["table"].rows
    assert [row.record.id for row in rows] == [quick.id, running.id]


def test_it_marks_the_sorted_column_for_assistive_technology(staff_client, sync):
    assert 'aria-sort="descending" class="col-started"' in _page(staff_client)


def test_it_pages_with_a_cursor(staff_client, company):
    SyncFactory.create_batch(55, company=company)
    first = staff_client.get(reverse("home"))
    cursor = first.context["page"].next_cursor
    second = staff_client.get(reverse("home"), {"cursor": cursor})
    assert len(first.context["page"].rows) == 50 and len(second.context["page"].rows) == 5


def test_it_hides_columns_the_person_chose_not_to_see(staff_client, staff_user, sync):
    Preference.objects.create(user=staff_user, history_columns=["company", "status"])
    page = _page(staff_client)
    assert 'class="col-run_time"' not in page and "00:00:08" not in page
    assert "Bluebell Bakery" in page


def test_it_shows_failed_and_total_items_when_chosen(staff_client, staff_user, sync):
    Preference.objects.create(user=staff_user, history_columns=["items"])
    PushItemFactory(sync=sync, failed=True)
    PushItemFactory.create_batch(2, sync=sync)
    assert '<span class="failed-count">1</span>/3' in _page(staff_client)


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_however_many_rows(
    staff_client, staff_user, company, django_assert_num_queries, rows
):
    Preference.objects.create(user=staff_user, history_columns=["company", "items", "status"])
    for sync in SyncFactory.create_batch(rows, company=company):
        PushItemFactory(sync=sync)
    # session, user with their preferences, the counts (monthly, daily, hourly and the
    # window's part-hours in one), page of syncs, their item counts
    with django_assert_num_queries(5):
        staff_client.get(reverse("home"))


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_however_many_rows_over_any_time(
    staff_client, company, django_assert_num_queries, rows
):
    SyncFactory.create_batch(rows, company=company)
    # session, user with their preferences, the oldest hour counted, the counts, page of syncs
    with django_assert_num_queries(5):
        staff_client.get(reverse("home"), {"range": "all"})


def test_it_looks_up_the_companies_a_search_names_once(
    staff_client, company, django_assert_num_queries
):
    SyncFactory.create_batch(3, company=company)
    # session, user with their preferences, companies so named, page of syncs (the counts
    # come later)
    with django_assert_num_queries(4):
        response = staff_client.get(reverse("home"), {"q": company.name})
    assert len(response.context["page"].rows) == 3


def test_it_reads_every_shown_column_without_a_query_per_row(
    staff_client, staff_user, company, django_assert_num_queries
):
    # A page reads only the fields of the shown columns; one it missed would be read row by row.
    Preference.objects.create(user=staff_user, history_columns=TOGGLEABLE)
    start = timezone.now() - timedelta(days=3)
    SyncFactory.create_batch(
        20, company=company, notes="Reconciled by hand", data_start=start, data_finish=start
    )
    with django_assert_num_queries(5):
        page = staff_client.get(reverse("home")).content.decode()
    assert page.count("Reconciled by hand") == 20


def test_it_pages_by_a_hidden_column_without_a_query_per_row(
    staff_client, staff_user, company, django_assert_num_queries
):
    Preference.objects.create(user=staff_user, history_columns=["company"])
    SyncFactory.create_batch(55, company=company)
    first = staff_client.get(reverse("home"), {"sort": "destination"})
    # On PostgreSQL, a page in a window also lists the column's values, to pick their syncs
    # a value at a time.
    with django_assert_num_queries(5 if connection.vendor == "postgresql" else 4):
        second = staff_client.get(
            reverse("home"), {"sort": "destination", "cursor": first.context["page"].next_cursor}
        )
    assert len(second.context["page"].rows) == 5


def test_it_draws_a_bar_per_hour_for_the_last_day(staff_client, sync):
    chart = staff_client.get(reverse("home"), {"range": "24h"}).context["chart"]
    assert chart.kind == "hour" and 24 <= len(chart.bars) <= 25


def test_it_draws_a_bar_per_day_for_a_week(staff_client, sync):
    chart = staff_client.get(reverse("home")).context["chart"]
    assert chart.kind == "day" and 7 <= len(chart.bars) <= 8


def test_it_stacks_bars_by_family(staff_client, company):
    SyncFactory(company=company, failed=True)
    SyncFactory.create_batch(2, company=company)
    chart = staff_client.get(reverse("home"), {"range": "24h"}).context["chart"]
    totals = {s.family: 0 for s in chart.bars[0].segments}
    for bar in chart.bars:
        for segment in bar.segments:
            totals[segment.family] += segment.count
    assert totals == {"success": 2, "failed": 1, "running": 0}


@pytest.mark.parametrize("zone", ["America/New_York", "Asia/Kolkata"])
def test_it_puts_each_sync_in_the_bar_of_its_day_in_the_readers_zone(staff_client, company, zone):
    now = timezone.now()
    syncs = [
        SyncFactory(company=company, started_at=now - timedelta(hours=hours))
        for hours in (1, 20, 26, 30, 49, 50, 100, 160)
    ]
    chart = staff_client.get(reverse("home"), {"range": "7d", "tz": zone}).context["chart"]
    expected = Counter(bucket_floor(s.started_at, "day", ZoneInfo(zone)) for s in syncs)
    assert {bar.start: bar.total for bar in chart.bars if bar.total} == expected


def test_it_links_a_bar_to_its_own_time_range(staff_client, sync):
    params = {"range": "24h", "tz": "Europe/London"}
    bar = staff_client.get(reverse("home"), params).context["chart"].bars[-1]
    span = {"range": "custom", "start": bar.href_start, "end": bar.href_end}
    assert bar.href == "?" + urlencode({"tz": "Europe/London", **span})


def test_it_groups_the_thousands_of_large_counts(staff_client):
    SyncFactory(started_at=timezone.now() - timedelta(days=400))
    month = (timezone.now() - timedelta(days=200)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    SyncMonthlyCount.objects.create(month=month, status_code=5130, resolved=False, total=12344)
    page = _page(staff_client, range="all", tz="UTC")
    assert 'data-stat="total">12,345<' in page and 'data-stat="failed">12,344<' in page
    assert '<span class="count">12,344</span>' in page and "peak 12,344 per month" in page
    assert ": 0 succeeded, 12,344 failed, 0 in progress" in page
