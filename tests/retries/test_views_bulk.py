"""Retrying the failed items of every sync the history shows, once confirmed."""

import pytest
from django.test import Client
from django.urls import reverse

from retries.models import Retry

from ..factories import CompanyFactory, PushItemFactory, SyncFactory
from .brokers import DOWN, celery_broker

pytestmark = pytest.mark.django_db


def _failed_sync(failed_items: int = 1, **traits):
    sync = SyncFactory(failed=True, **traits)
    PushItemFactory.create_batch(failed_items, sync=sync, failed=True)
    return sync


def _post(client, query: str = "", **kwargs):
    return client.post(reverse("retry-many"), {"query": query}, **kwargs)


def _messages(response) -> str:
    page = response.content.decode()
    return page[page.index('<ul class="messages"') : page.index("</ul>", page.index("messages"))]


def test_it_creates_one_retry_per_sync(retrier_client):
    first, second = _failed_sync(2), _failed_sync(1)
    _post(retrier_client)
    assert sorted(Retry.objects.values_list("original_id", "item_count")) == sorted(
        [(first.pk, 2), (second.pk, 1)]
    )


def test_it_retries_only_the_syncs_matching_the_filters(retrier_client):
    wanted = _failed_sync(company=CompanyFactory(name="Bluebell Bakery"))
    _failed_sync(company=CompanyFactory(name="Harbour Hardware"))
    _post(retrier_client, "q=bluebell")
    assert list(Retry.objects.values_list("original_id", flat=True)) == [wanted.pk]


def test_it_records_who_asked(retrier_client, retrier):
    _failed_sync()
    _post(retrier_client)
    assert Retry.objects.get().requested_by == retrier


def test_it_redirects_to_the_history_with_the_same_filters(retrier_client):
    response = _post(retrier_client, "q=bakery&range=all")
    assert response["Location"] == f"{reverse('home')}?q=bakery&range=all"


def test_it_summarises_what_it_started_and_what_it_skipped(retrier_client):
    _failed_sync(2)
    _failed_sync(1)
    _failed_sync(3, commerce=True)
    SyncFactory(failed=True)
    messages = _messages(_post(retrier_client, follow=True))
    assert "Started 2 retry syncs for 3 failed items." in messages
    assert "Syncs skipped: 1 (Sync for Commerce), 1 (nothing left to retry)." in messages


def test_it_counts_syncs_already_being_retried_as_skipped(retrier_client):
    _failed_sync()
    _post(retrier_client)
    messages = _messages(_post(retrier_client, follow=True))
    assert "No retry was started." in messages
    assert "1 (already being retried or still in progress)" in messages


@pytest.mark.django_db(transaction=True)
def test_it_says_the_retries_start_when_the_task_queue_is_back(retrier_client):
    _failed_sync()
    with celery_broker(DOWN):
        messages = _messages(_post(retrier_client, follow=True))
    assert "message warning" in messages
    assert "they will start when it is back." in messages
    assert Retry.objects.get().waiting_for_queue


def test_it_retries_nothing_when_a_filter_cannot_be_read(retrier_client):
    _failed_sync()
    response = _post(retrier_client, "status=abc&%zz=&start=never", follow=True)
    assert response.status_code == 200 and not Retry.objects.exists()
    assert "nothing was retried" in response.content.decode()


def test_it_forbids_staff_not_allowed_to_retry(staff_client):
    _failed_sync()
    assert _post(staff_client).status_code == 403
    assert not Retry.objects.exists()


def test_it_rejects_a_post_without_a_csrf_token(retrier):
    _failed_sync()
    client = Client(enforce_csrf_checks=True)
    client.force_login(retrier)
    assert _post(client).status_code == 403
    assert not Retry.objects.exists()


def test_it_refuses_a_get(retrier_client):
    assert retrier_client.get(reverse("retry-many")).status_code == 405
