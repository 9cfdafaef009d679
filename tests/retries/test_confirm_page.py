"""The confirmation before retrying the failed items of every sync the history shows."""

import pytest
from django.urls import reverse

from ..factories import CompanyFactory, PushItemFactory, SyncFactory

pytestmark = pytest.mark.django_db


def _failed_sync(failed_items: int, **traits):
    sync = SyncFactory(failed=True, **traits)
    PushItemFactory.create_batch(failed_items, sync=sync, failed=True)
    PushItemFactory(sync=sync)
    return sync


def _page(client, query: str = "") -> str:
    url = reverse("retry-confirm")
    return client.get(f"{url}?{query}" if query else url).content.decode()


def test_it_says_how_many_items_in_how_many_syncs_it_will_retry(retrier_client):
    _failed_sync(2)
    _failed_sync(1)
    assert "This will retry 3 failed items in 2 syncs" in _page(retrier_client)


def test_it_counts_only_the_syncs_matching_the_history_filters(retrier_client):
    _failed_sync(2, company=CompanyFactory(name="Bluebell Bakery"))
    _failed_sync(5, company=CompanyFactory(name="Harbour Hardware"))
    assert "This will retry 2 failed items in 1 sync:" in _page(retrier_client, "q=bluebell")


def test_it_leaves_out_commerce_syncs(retrier_client):
    _failed_sync(2)
    _failed_sync(4, commerce=True)
    assert "This will retry 2 failed items in 1 sync:" in _page(retrier_client)


def test_it_counts_every_matching_sync_beyond_a_page_of_history(retrier_client):
    for _ in range(55):
        _failed_sync(1)
    assert "This will retry 55 failed items in 55 syncs" in _page(retrier_client)


def test_it_summarises_the_filters(retrier_client):
    page = _page(retrier_client, "q=bakery&range=30d&status=5130&status=5100&unresolved=true")
    for line in (
        "Search: “bakery”",
        "Date range: Last 30 days",
        "Status codes: 5100, 5130",
        "Unresolved failures only",
    ):
        assert f"<li>{line}</li>" in page


def test_it_carries_the_filters_to_the_post_in_a_hidden_field(retrier_client):
    _failed_sync(1)
    page = _page(retrier_client, "status=5130&range=all&cursor=abc")
    assert '<input type="hidden" name="query" value="status=5130&amp;range=all">' in page


def test_it_offers_a_button_posting_to_the_bulk_retry(retrier_client):
    _failed_sync(1)
    page = _page(retrier_client)
    assert f'<form method="post" action="{reverse("retry-many")}"' in page
    assert '<button type="submit" class="primary">Retry 1 failed item</button>' in page


def test_it_says_there_is_nothing_to_retry_and_offers_no_button(retrier_client):
    SyncFactory(failed=True)
    page = _page(retrier_client)
    assert "There is nothing to retry" in page
    assert 'type="submit" class="primary"' not in page


def test_it_shows_a_bad_filter_as_a_problem_rather_than_failing(retrier_client):
    url = reverse("retry-confirm")
    response = retrier_client.get(f"{url}?status=abc&start=yesterday")
    assert response.status_code == 200
    assert "Some of the filters could not be read" in response.content.decode()


def test_it_offers_no_button_while_a_filter_cannot_be_read(retrier_client):
    _failed_sync(2)
    page = _page(retrier_client, "status=abc")
    assert 'type="submit" class="primary"' not in page


def test_it_forbids_staff_not_allowed_to_retry(staff_client):
    response = staff_client.get(reverse("retry-confirm"))
    assert response.status_code == 403
    assert "Your account is not allowed to retry failed items." in response.content.decode()


def test_it_links_the_history_page_to_the_confirmation_with_its_filters(retrier_client):
    page = retrier_client.get(f"{reverse('home')}?q=bakery").content.decode()
    assert f'href="{reverse("retry-confirm")}?q=bakery">Retry failed items…</a>' in page
