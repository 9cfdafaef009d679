import zoneinfo
from datetime import timedelta
from unittest import mock

import pytest
from django.http import QueryDict
from django.utils import timezone

from syncs import filters
from syncs.filters import SyncFilter
from syncs.models import Sync

from ..factories import CompanyFactory, SyncFactory


def test_it_reads_the_list_of_time_zones_once_not_per_request(monkeypatch):
    # Listing the zones walks the tz database on disk (about 10 ms), and browsers send a zone
    # with every history request.
    calls = []
    listed = zoneinfo.available_timezones()
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: calls.append(1) or listed)
    for _ in range(3):
        filterset = SyncFilter(QueryDict("tz=Europe/London"), queryset=Sync.objects.none())
        assert filterset.is_valid()
    assert len(calls) <= 1


@pytest.mark.django_db
def test_without_status_keeps_every_other_filter_but_drops_the_status_codes():
    company = CompanyFactory(name="Acme")
    failed = SyncFactory(company=company, status_code=5130)
    succeeded = SyncFactory(company=company, status_code=2000)
    SyncFactory(status_code=2000)  # another company's
    filterset = SyncFilter(QueryDict("q=Acme&status=5130&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    counts = filterset.without_status()
    assert set(counts.qs) == {failed, succeeded}
    assert list(filterset.qs) == [failed]


@pytest.mark.django_db
def test_a_whole_id_is_searched_by_equality_which_the_planner_can_estimate():
    # As a range from an id to itself, PostgreSQL guessed a company's syncs at 8,000 rather
    # than 170 and walked every start time for them: 250 ms instead of 5.
    sync = SyncFactory()
    filterset = SyncFilter(QueryDict(f"q={sync.company_id}&range=all"), queryset=Sync.objects.all())
    sql = str(filterset.qs.query)
    assert "BETWEEN" not in sql and ">=" not in sql
    assert list(filterset.qs) == [sync]


@pytest.mark.django_db
def test_the_counts_cover_the_same_relative_window_as_the_page():
    start = timezone.now()
    clock = (start + timedelta(seconds=tick) for tick in range(100))
    with mock.patch("django.utils.timezone.now", side_effect=lambda: next(clock)):
        filterset = SyncFilter(QueryDict("range=24h&status=5130"), queryset=Sync.objects.all())
        assert filterset.is_valid()
        counts = filterset.without_status()
        assert counts.window == filterset.window


@pytest.mark.django_db
def test_a_start_stated_unestimated_keeps_the_same_syncs_from_the_same_moment():
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(days=2)
    at_start = SyncFactory(started_at=start, status_code=5130)
    later = SyncFactory(started_at=start + timedelta(hours=1), status_code=5130)
    SyncFactory(started_at=start - timedelta(microseconds=1), status_code=5130)
    SyncFactory(started_at=start + timedelta(hours=2), status_code=2000)
    data = QueryDict(f"range=custom&start={start:%Y-%m-%dT%H:%M}&tz=UTC&status=5130")
    filterset = SyncFilter(data, queryset=Sync.objects.all())
    assert filterset.is_valid(), filterset.errors
    unestimated = filterset.with_start_unestimated()
    assert unestimated.window == filterset.window
    assert set(unestimated.qs) == set(filterset.qs) == {at_start, later}


@pytest.mark.django_db
def test_a_page_names_fewer_companies_by_id_than_its_counts(monkeypatch):
    monkeypatch.setattr(filters, "LISTED_TO_COUNT", 3)
    monkeypatch.setattr(SyncFilter, "listed", 2)
    syncs = {SyncFactory(company=CompanyFactory(name=f"Kite Works {n}")) for n in range(3)}
    SyncFactory(company=CompanyFactory(name="Bluebell Bakery"))
    page = SyncFilter(QueryDict("q=kite&range=all"), queryset=Sync.objects.all())
    assert page.is_valid()
    counts = page.without_status()
    assert "SELECT" in str(page.qs.query).split("WHERE", 1)[1]
    assert "SELECT" not in str(counts.qs.query).split("WHERE", 1)[1]
    assert set(page.qs) == set(counts.qs) == syncs


@pytest.mark.django_db
def test_a_search_finds_few_companies_only_once_it_has_looked_them_up():
    CompanyFactory(name="Kite Works")
    filterset = SyncFilter(QueryDict("q=kite&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    assert not filterset.finds_few_companies()
    assert list(filterset.qs) == []
    assert filterset.finds_few_companies()


@pytest.mark.django_db
def test_a_search_naming_more_companies_than_it_lists_does_not_find_few(monkeypatch):
    monkeypatch.setattr(SyncFilter, "listed", 1)
    syncs = {SyncFactory(company=CompanyFactory(name=f"Kite Works {n}")) for n in range(2)}
    filterset = SyncFilter(QueryDict("q=kite&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    assert set(filterset.qs) == syncs
    assert not filterset.finds_few_companies()


@pytest.mark.django_db
def test_a_search_for_the_start_of_an_id_starts_an_id():
    SyncFactory(company=CompanyFactory(name="Cafe Rouge"))
    filterset = SyncFilter(QueryDict("q=cafe&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    assert filterset.starts_an_id()


@pytest.mark.django_db
def test_a_search_for_a_whole_id_does_not_start_an_id():
    sync = SyncFactory(company=CompanyFactory(name="Cafe Rouge"))
    filterset = SyncFilter(QueryDict(f"q={sync.company_id}&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    assert not filterset.starts_an_id()


@pytest.mark.django_db
def test_a_search_for_a_name_does_not_start_an_id():
    filterset = SyncFilter(QueryDict("q=Rouge&range=all"), queryset=Sync.objects.all())
    assert filterset.is_valid()
    assert not filterset.starts_an_id()


@pytest.mark.django_db
def test_a_search_naming_more_companies_than_it_lists_tests_joined_companies_names():
    for name in ("Bluebell Bakery", "Bluebell Books", "Acme"):
        SyncFactory.create_batch(2, company=CompanyFactory(name=name))
    filterset = SyncFilter(QueryDict("q=bluebell&range=all"), queryset=Sync.objects.all())
    filterset.listed = 1
    assert filterset.is_valid()
    joined = filterset.with_names_joined()
    # The same syncs, found by their companies' ids among those so named, or by the name of
    # the company each is joined to.
    assert set(joined.qs) == set(filterset.qs) and len(filterset.qs) == 4
    assert 'FROM "syncs_company" U0' in str(filterset.qs.query)
    assert 'FROM "syncs_company" U0' not in str(joined.qs.query)
