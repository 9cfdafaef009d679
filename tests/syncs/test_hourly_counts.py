import random
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.http import QueryDict
from django.utils import timezone

from syncs.breakdown import LEVELS, _floor, _from_syncs, sync_breakdown
from syncs.buckets import chart_kind
from syncs.filters import SyncFilter
from syncs.models import (
    Sync,
    SyncDailyCount,
    SyncHourlyCount,
    SyncMonthlyCount,
    SyncQuarterHourCount,
)
from syncs.rollup import sync_counts_rebuild

from ..factories import CompanyFactory, SyncFactory

pytestmark = pytest.mark.django_db

HOUR = datetime(2026, 11, 20, 14, 0, tzinfo=UTC)
DAY = HOUR.replace(hour=0)


def _counted(model=SyncHourlyCount) -> dict[tuple, int]:
    return {
        (getattr(c, model.unit), c.status_code, c.resolved): c.total
        for c in model.objects.all()
        if c.total
    }


def _daily() -> dict[tuple, int]:
    return _counted(SyncDailyCount)


def _monthly() -> dict[tuple, int]:
    return _counted(SyncMonthlyCount)


def test_it_counts_a_new_sync_in_its_hour():
    SyncFactory(started_at=HOUR + timedelta(minutes=42))
    assert _counted() == {(HOUR, 2000, False): 1}


def test_it_moves_a_sync_whose_status_changes():
    sync = SyncFactory(started_at=HOUR, running=True)
    sync.status_code, sync.finished_at = 2000, HOUR + timedelta(minutes=1)
    sync.save()
    assert _counted() == {(HOUR, 2000, False): 1}


def test_it_moves_a_failed_sync_once_it_is_resolved():
    failed = SyncFactory(started_at=HOUR, failed=True)
    failed.resolved_by = SyncFactory(started_at=HOUR + timedelta(hours=1))
    failed.save()
    assert _counted() == {(HOUR, 5130, True): 1, (HOUR + timedelta(hours=1), 2000, False): 1}


def test_it_moves_a_sync_whose_start_changes():
    sync = SyncFactory(started_at=HOUR)
    sync.started_at = HOUR - timedelta(hours=3)
    sync.finished_at = sync.started_at + timedelta(seconds=8)
    sync.save()
    assert _counted() == {(HOUR - timedelta(hours=3), 2000, False): 1}


def test_it_forgets_a_deleted_sync():
    SyncFactory(started_at=HOUR).delete()
    assert _counted() == {}


def test_it_leaves_the_counts_alone_when_other_fields_change():
    sync = SyncFactory(started_at=HOUR)
    sync.notes = "Please reconcile manually"
    sync.save()
    assert SyncHourlyCount.objects.get().total == 1


def test_it_rebuilds_the_same_counts_from_the_syncs():
    for minutes in (0, 59, 61, 300, 600):
        SyncFactory(started_at=HOUR + timedelta(minutes=minutes), status_code=4000)
    SyncFactory(started_at=HOUR - timedelta(days=40), status_code=2000)
    before = [_counted(model) for model in LEVELS]
    for model in LEVELS:
        model.objects.all().delete()
    sync_counts_rebuild()
    assert [_counted(model) for model in LEVELS] == before and before[-1]


def test_it_counts_a_new_sync_in_its_quarter_hour():
    SyncFactory(started_at=HOUR + timedelta(minutes=44, seconds=59))
    assert _counted(SyncQuarterHourCount) == {(HOUR + timedelta(minutes=30), 2000, False): 1}


def test_it_moves_a_quarter_hour_count_when_the_start_changes_quarter():
    sync = SyncFactory(started_at=HOUR + timedelta(minutes=15))
    sync.started_at = HOUR + timedelta(minutes=14)
    sync.save()
    assert _counted(SyncQuarterHourCount) == {(HOUR, 2000, False): 1}


def test_it_counts_a_new_sync_in_its_utc_month():
    first = datetime(2026, 11, 1, tzinfo=UTC)
    SyncFactory(started_at=first - timedelta(seconds=1))
    SyncFactory(started_at=first, failed=True)
    assert _monthly() == {
        (datetime(2026, 10, 1, tzinfo=UTC), 2000, False): 1,
        (first, 5130, False): 1,
    }


def test_it_counts_a_new_sync_in_its_utc_day():
    SyncFactory(started_at=DAY + timedelta(hours=23, minutes=59))
    SyncFactory(started_at=DAY + timedelta(days=1))
    assert _daily() == {(DAY, 2000, False): 1, (DAY + timedelta(days=1), 2000, False): 1}


def test_it_moves_a_day_count_once_the_sync_is_resolved():
    failed = SyncFactory(started_at=HOUR, failed=True)
    failed.resolved_by = SyncFactory(started_at=HOUR + timedelta(days=2))
    failed.save()
    assert _daily() == {(DAY, 5130, True): 1, (DAY + timedelta(days=2), 2000, False): 1}


def test_it_moves_a_day_count_when_the_start_changes_day():
    sync = SyncFactory(started_at=HOUR)
    sync.started_at = HOUR - timedelta(days=3)
    sync.finished_at = sync.started_at + timedelta(seconds=8)
    sync.save()
    assert _daily() == {(DAY - timedelta(days=3), 2000, False): 1}


def test_it_forgets_a_deleted_sync_in_its_day():
    SyncFactory(started_at=HOUR).delete()
    assert _daily() == {}


@pytest.fixture
def history():
    rng = random.Random(4)
    now = timezone.now()
    companies = [CompanyFactory() for _ in range(3)]
    # Spread over ten days, and some in the last minutes so that "today" has syncs even
    # just after midnight.
    ages = [rng.randint(0, 60 * 24 * 10) for _ in range(120)] + [0, 1, 2]
    for age in ages:
        started = now - timedelta(minutes=age)
        code = rng.choice([2000, 2040, 4000, 4200, 5130, 1000])
        SyncFactory(
            company=rng.choice(companies),
            started_at=started,
            status_code=code,
            finished_at=None if code == 1000 else started + timedelta(seconds=5),
        )
    retry = Sync.objects.filter(status_code=2000).first()
    resolved = Sync.objects.filter(status_code=5130).values_list("pk", flat=True)[:4]
    Sync.objects.filter(pk__in=list(resolved)).update(resolved_by=retry)


def _both(params: str) -> tuple[list, list]:
    filterset = SyncFilter(QueryDict(params), queryset=Sync.objects.all())
    assert filterset.is_valid()
    kind = chart_kind(filterset.window)

    def key(tallies):
        return sorted((t.bucket, t.code, t.total, t.unresolved) for t in tallies if t.total)

    expected = _from_syncs(filterset.qs, kind, filterset.window.zone)
    return key(sync_breakdown(filterset=filterset, kind=kind)), key(expected)


@pytest.mark.parametrize(
    "params",
    [
        "",
        "range=24h",
        "range=30d",
        "range=all",
        "range=today&tz=Europe/London",
        "range=7d&tz=America/New_York",
        "range=7d&unresolved=true",
        "start=2020-01-01T10:17&tz=Asia/Kolkata&range=custom",
        "range=all&tz=Asia/Kolkata",
        "range=7d&tz=Asia/Kolkata",
        "range=24h&tz=America/St_Johns",
        "range=30d&tz=Australia/Adelaide&unresolved=true",
        # Filters the counts cannot apply send the breakdown to the syncs.
        "range=7d&status=5130",
        "range=all&q=Company",
    ],
)
def test_it_counts_the_same_from_hourly_counts_as_from_the_syncs(history, params):
    counted, expected = _both(params)
    assert counted == expected and expected


def test_it_counts_whole_days_from_the_daily_counts_in_zones_half_an_hour_off_utc():
    # A count with no sync behind it shows whether the daily counts were read at all.
    day = (timezone.now() - timedelta(days=2)).replace(hour=0, minute=0, second=0, microsecond=0)
    SyncDailyCount.objects.create(day=day, status_code=2000, resolved=False, total=5)
    filterset = SyncFilter(QueryDict("range=7d&tz=Asia/Kolkata"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    tallies = sync_breakdown(filterset=filterset, kind=chart_kind(filterset.window))
    assert sum(t.total for t in tallies) == 5


def test_it_counts_the_half_hours_of_zones_half_an_hour_off_utc_from_quarter_hours():
    # India's days start at 18:30 UTC. Counts with no sync behind them show that the half hour
    # after that start was read from the quarter-hour counts, not from the syncs.
    day = (timezone.now() - timedelta(days=3)).replace(hour=18, minute=30, second=0, microsecond=0)
    for model in (SyncQuarterHourCount, SyncHourlyCount, SyncDailyCount, SyncMonthlyCount):
        start = day if model is SyncQuarterHourCount else _floor(day, model.unit)
        model.objects.create(**{model.unit: start}, status_code=2000, resolved=False, total=4)
    filterset = SyncFilter(QueryDict("range=7d&tz=Asia/Kolkata"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    tallies = sync_breakdown(filterset=filterset, kind=chart_kind(filterset.window))
    assert {(t.bucket.astimezone(UTC), t.total) for t in tallies} == {(day, 4)}


# Windows of days and of hours, from the start of a UTC month two months back: each edge of
# the coarser level's units rounds to one inside the window.
@pytest.mark.parametrize(
    "level, start, end",
    [
        (SyncMonthlyCount, timedelta(days=2), timedelta(days=28)),
        (SyncDailyCount, timedelta(days=4, hours=1), timedelta(days=4, hours=23)),
    ],
)
def test_it_reads_no_counts_coarser_than_the_charts_buckets(level, start, end):
    month = (timezone.now().astimezone(UTC) - timedelta(days=62)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    started = month + (start + end) / 2
    SyncFactory(started_at=started)
    # A count with no sync behind it shows whether that level was read at all: its units
    # each hold bucket edges, so finer counts would be read again to move them back.
    level.objects.filter(**{level.unit: _floor(started, level.unit)}).update(total=7)
    span = "&".join(
        f"{name}={(month + offset).strftime('%Y-%m-%dT%H:%M')}"
        for name, offset in (("start", start), ("end", end))
    )
    filterset = SyncFilter(QueryDict(f"range=custom&{span}&tz=UTC"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    tallies = sync_breakdown(filterset=filterset, kind=chart_kind(filterset.window))
    assert sum(t.total for t in tallies) == 1


ZONES = ["UTC", "Europe/London", "America/New_York", "Asia/Kolkata", "Pacific/Chatham"]


@pytest.fixture
def long_history():
    """Fifteen months of syncs, with some a minute either side of each month's start in each
    zone, where a month bucket and the UTC days it is read from disagree."""
    rng = random.Random(9)
    now = timezone.now()
    company = CompanyFactory()
    starts = [now - timedelta(minutes=rng.randint(0, 60 * 24 * 450)) for _ in range(150)]
    for name in ZONES:
        month = now.astimezone(ZoneInfo(name)).replace(day=1, hour=0, minute=0, second=0)
        for _ in range(15):
            starts += [month - timedelta(minutes=1), month + timedelta(minutes=1)]
            month = (month - timedelta(days=1)).replace(day=1)
    for started in starts:
        code = rng.choice([2000, 4000, 5130])
        SyncFactory(company=company, started_at=started, status_code=code)
    retry = Sync.objects.filter(status_code=2000).first()
    resolved = Sync.objects.filter(status_code=5130).values_list("pk", flat=True)[:9]
    Sync.objects.filter(pk__in=list(resolved)).update(resolved_by=retry)


@pytest.mark.parametrize(
    "params",
    [
        *(f"range=all&tz={zone}" for zone in ZONES),
        "range=all&tz=Europe/London&unresolved=true",
        "range=custom&start=2000-01-01T00:00&tz=America/New_York",
        "range=30d&tz=UTC",
        "range=30d&tz=Asia/Kolkata",
        # Searches and status codes: the syncs themselves, counted between the same edges.
        *(f"range=all&q=Company&tz={zone}" for zone in ZONES),
        "range=all&q=Company&tz=Europe/London&unresolved=true",
        "range=30d&q=Company&tz=Asia/Kolkata",
        "range=all&status=4000&tz=America/New_York",
    ],
)
def test_it_counts_months_and_years_from_the_daily_counts_as_from_the_syncs(long_history, params):
    counted, expected = _both(params)
    assert counted == expected and expected


@pytest.mark.parametrize("search", ["", "&q=Company"])
@pytest.mark.parametrize("zone", ZONES)
def test_it_counts_custom_windows_from_the_counts_as_from_the_syncs(long_history, zone, search):
    now = timezone.now().astimezone(ZoneInfo(zone))

    def at(moment: datetime) -> str:
        return moment.strftime("%Y-%m-%dT%H:%M")

    windows = [
        (now - timedelta(days=40, hours=3, minutes=15), now - timedelta(days=3, hours=7)),
        (now - timedelta(days=10, minutes=50), now - timedelta(days=10, minutes=20)),
        (now - timedelta(days=5), now + timedelta(days=2)),
        (now - timedelta(days=300, minutes=7), now - timedelta(days=20)),
    ]
    for start, end in windows:
        params = f"range=custom&start={at(start)}&end={at(end)}&tz={zone}{search}"
        counted, expected = _both(params)
        assert counted == expected, params


@pytest.mark.parametrize("zone", ["UTC", "America/New_York", "Asia/Kolkata"])
def test_it_counts_whole_months_from_the_monthly_counts(zone):
    SyncFactory(started_at=timezone.now() - timedelta(days=400))
    month = (timezone.now() - timedelta(days=200)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    SyncMonthlyCount.objects.create(month=month, status_code=2000, resolved=False, total=7)
    filterset = SyncFilter(QueryDict(f"range=all&tz={zone}"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    tallies = sync_breakdown(filterset=filterset, kind=chart_kind(filterset.window))
    assert sum(t.total for t in tallies) == 8


@pytest.mark.parametrize("search", ["", "&q=Company"])
def test_it_counts_a_sync_dated_in_the_future_in_its_own_bucket(search):
    now = timezone.now()
    SyncFactory(started_at=now - timedelta(hours=1))
    SyncFactory(started_at=now + timedelta(days=2))
    counted, expected = _both(f"range=7d&tz=UTC{search}")
    assert counted == expected


@pytest.mark.parametrize(
    ("zone", "syncs", "window"),
    [
        # 01:30 summer time, then 01:30 winter time: the hour the clocks go back repeats.
        ("America/New_York", ["2026-11-01T05:30", "2026-11-01T06:30"], "2026-11-01T00:00"),
        # Lord Howe Island moves its clocks by half an hour.
        ("Australia/Lord_Howe", ["2026-04-04T16:40", "2026-04-04T14:10"], "2026-04-05T00:00"),
    ],
)
def test_it_counts_hours_across_a_clock_change_as_from_the_syncs(zone, syncs, window):
    for started in syncs:
        SyncFactory(started_at=datetime.fromisoformat(started).replace(tzinfo=UTC))
    start = datetime.fromisoformat(window)
    end = (start + timedelta(hours=6)).isoformat(timespec="minutes")
    counted, expected = _both(f"range=custom&start={window}&end={end}&tz={zone}")
    assert counted == expected and expected


@pytest.mark.parametrize(
    ("now", "params", "syncs"),
    [
        # Windows starting in UTC ("the last 24 hours"), not in the reader's zone.
        ("2026-11-02T03:00", "range=24h&tz=America/New_York", ["11-01T05:30", "11-01T06:30"]),
        ("2026-04-05T00:00", "range=today&tz=Australia/Lord_Howe", ["04-04T14:50", "04-04T15:10"]),
        ("2026-04-05T00:00", "range=24h&tz=Pacific/Chatham", ["04-04T13:50", "04-04T14:10"]),
        # Windows that end after now, across a change still to come.
        ("2026-04-04T10:00", "range=custom&start=2026-04-04T20:00&end=2026-04-05T12:00"
         "&tz=Australia/Lord_Howe", ["04-04T14:50", "04-04T15:10"]),
        ("2026-10-31T20:00", "range=custom&start=2026-10-31T12:00&end=2026-11-01T12:00"
         "&tz=America/New_York", ["11-01T05:30", "11-01T06:30"]),
    ],
)  # fmt: skip
def test_it_counts_hours_across_a_clock_change_in_other_windows_as_from_the_syncs(
    monkeypatch, now, params, syncs
):
    moment = datetime.fromisoformat(now).replace(tzinfo=UTC)
    monkeypatch.setattr(timezone, "now", lambda: moment)
    for started in syncs:
        SyncFactory(started_at=datetime.fromisoformat(f"2026-{started}").replace(tzinfo=UTC))
    counted, expected = _both(params)
    assert counted == expected and expected


def test_it_counts_a_history_reaching_back_a_century_in_a_half_hour_zone():
    # One edge per month since 1900 would be more ranges than SQLite parses in one query.
    SyncFactory(started_at=datetime(1900, 1, 1, tzinfo=UTC))
    SyncFactory(started_at=timezone.now() - timedelta(days=3))
    counted, expected = _both("range=all&tz=Asia/Kolkata")
    assert counted == expected


@pytest.mark.parametrize(
    ("model", "text"),
    [
        (SyncQuarterHourCount, "2026-11-20 14:00 5130: 3"),
        (SyncHourlyCount, "2026-11-20 14:00 5130: 3"),
        (SyncDailyCount, "2026-11-20 5130: 3"),
        (SyncMonthlyCount, "2026-11 5130: 3"),
    ],
)
def test_it_names_a_count_by_its_hour_day_or_month(model, text):
    count = model(**{model.unit: HOUR}, status_code=5130, resolved=False, total=3)
    assert str(count) == text


@pytest.mark.parametrize(
    "model", [SyncQuarterHourCount, SyncHourlyCount, SyncDailyCount, SyncMonthlyCount]
)
def test_it_keeps_each_count_in_its_unique_index_on_postgresql(model):
    # The breakdown then reads the counts from the index alone.
    if connection.vendor != "postgresql":
        pytest.skip("SQLite indexes hold no extra columns; the PostgreSQL test run covers it")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            [model._meta.constraints[0].name],
        )
        (definition,) = cursor.fetchone()
    assert definition.endswith(f"({model.unit}, status_code, resolved) INCLUDE (total)")
