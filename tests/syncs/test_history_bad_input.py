"""Whatever arrives in the query string, the history renders and says what it ignored."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def _problems(client, **params) -> list[str]:
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response.context["history"].problems


@pytest.mark.parametrize("value", ["26/11/2026", "yesterday", "2026-13-45", "99999-01-01"])
def test_it_explains_a_malformed_date(staff_client, value):
    assert any("Enter a date like" in p for p in _problems(staff_client, start=value))


def test_it_explains_a_range_that_ends_before_it_starts(staff_client):
    problems = _problems(staff_client, start="2026-11-20T00:00", end="2026-11-10T00:00")
    assert any("must come after its start" in p for p in problems)


@pytest.mark.parametrize("value", ["abc", "-1", "2000.5", "99999999999999999999"])
def test_it_explains_a_status_that_is_not_a_code(staff_client, value):
    assert any("Status codes are whole numbers" in p for p in _problems(staff_client, status=value))


def test_it_keeps_the_valid_filters_when_one_is_bad(staff_client, sync):
    response = staff_client.get(reverse("home"), {"q": "bluebell", "status": "nope"})
    assert [row.record.id for row in response.context["table"].rows] == [sync.id]


def test_it_treats_garbage_in_the_search_as_a_name_search(staff_client, sync):
    response = staff_client.get(reverse("home"), {"q": "'; DROP TABLE syncs_sync; --"})
    assert response.status_code == 200 and not response.context["table"].rows


def test_it_refuses_an_overlong_search(staff_client):
    assert any("200 characters" in p for p in _problems(staff_client, q="x" * 500))


def test_it_starts_over_from_a_forged_cursor(staff_client, sync):
    response = staff_client.get(reverse("home"), {"cursor": "not-a-real-cursor"})
    assert "first page is shown" in response.context["history"].problems[0]
    assert [row.record.id for row in response.context["table"].rows] == [sync.id]


def test_it_names_an_unknown_sort_and_sorts_by_the_default(staff_client):
    assert any("Can't sort by password" in p for p in _problems(staff_client, sort="password"))


def test_it_explains_an_unknown_time_zone(staff_client):
    assert any("is not a time zone" in p for p in _problems(staff_client, tz="Mars/Base"))


def test_it_explains_an_unknown_date_preset(staff_client):
    assert any("Date range" in p for p in _problems(staff_client, range="forever"))


def test_it_shows_the_problems_to_the_person(staff_client):
    page = staff_client.get(reverse("home"), {"status": "abc"}).content.decode()
    assert 'role="alert"' in page and "Status codes are whole numbers" in page


@pytest.mark.parametrize("value", ["²", "٣", "1\u00b2"])
def test_it_explains_a_status_written_in_other_digits(staff_client, value):
    assert any("Status codes are whole numbers" in p for p in _problems(staff_client, status=value))


@pytest.mark.parametrize(
    "params",
    [
        {"end": "9999-12-31T23:59"},
        {"start": "2000-01-01", "end": "9999-12-31"},
        {"range": "custom", "start": "9999-12-31T23:59"},
        {"end": "9999-12-31T23:59", "tz": "America/New_York"},
        {"start": "0001-01-01"},
    ],
)
def test_it_explains_a_date_outside_the_years_it_covers(staff_client, params):
    assert any("between 1970 and 2100" in p for p in _problems(staff_client, **params))


def test_it_reads_a_typed_offset_postgresql_cannot_store(staff_client, sync):
    response = staff_client.get(reverse("home"), {"start": "2000-01-01T12:00-23:59"})
    assert response.status_code == 200 and not response.context["history"].problems


def test_it_draws_years_for_a_range_of_decades(staff_client):
    chart = staff_client.get(reverse("home"), {"start": "1970-01-01"}).context["chart"]
    assert chart.kind == "year" and len(chart.bars) <= 131


def test_it_answers_an_export_with_a_bad_date_without_failing(staff_client, sync):
    response = staff_client.get(reverse("history-export"), {"end": "9999-12-31T23:59"})
    body = b"".join(response.streaming_content).decode()
    assert response.status_code == 200 and str(sync.id) in body


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-01-01T00:00+05:00", "end": "2026-01-02T00:00"},
        {"start": "2026-01-01T00:00", "end": "2026-01-02T00:00Z", "tz": "America/New_York"},
    ],
)
def test_it_compares_a_start_and_end_of_which_only_one_names_an_offset(staff_client, params):
    assert _problems(staff_client, **params) == []


def test_it_explains_an_end_with_an_offset_before_a_start_without_one(staff_client):
    problems = _problems(staff_client, start="2026-01-02T00:00", end="2026-01-01T00:00Z")
    assert any("must come after its start" in p for p in problems)
