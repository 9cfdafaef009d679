"""The "Retry failed items" and "Retry selected" buttons' POST."""

import pytest
from django.test import Client
from django.urls import reverse

from pushitems.models import PushStatus
from retries.models import Retry, RetryState
from syncs.models import Sync

from ..factories import PushItemFactory, RecordItemFactory, RetrierFactory, SyncFactory
from .brokers import DOWN, celery_broker

pytestmark = pytest.mark.django_db


@pytest.fixture
def failed_sync():
    sync = SyncFactory(failed=True)
    PushItemFactory(sync=sync)
    RecordItemFactory(sync=sync, unavailable=True)
    RecordItemFactory(sync=sync, invalid=True)
    return sync


def _url(sync, query: str = "") -> str:
    url = reverse("sync-retry", args=[sync.id])
    return f"{url}?{query}" if query else url


def _post(client, sync, data=None, query: str = "", **kwargs):
    return client.post(_url(sync, query), data or {}, **kwargs)


def _messages(response) -> str:
    page = response.content.decode()
    return page[page.index('<ul class="messages"') : page.index("</ul>", page.index("messages"))]


def test_it_creates_one_retry_sync_of_the_failed_items(retrier_client, failed_sync, retrier):
    _post(retrier_client, failed_sync)
    retry = Retry.objects.get(original=failed_sync)
    assert (retry.requested_by, retry.item_count, retry.sync.retry_of) == (retrier, 2, failed_sync)


def test_it_redirects_to_the_retry_syncs_push_items(retrier_client, failed_sync):
    response = _post(retrier_client, failed_sync)
    retry = Retry.objects.get(original=failed_sync)
    assert response.status_code == 302
    assert response["Location"] == reverse("sync-push-items", args=[retry.sync_id])


def test_it_keeps_the_history_filters_when_redirecting(retrier_client, failed_sync):
    response = _post(retrier_client, failed_sync, query="back=q%3Dbakery")
    assert response["Location"].endswith("/push-items/?back=q%3Dbakery")


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("platform")
def test_it_names_the_new_retry_sync_in_a_success_message(retrier_client, failed_sync):
    response = _post(retrier_client, failed_sync, follow=True)
    retry = Retry.objects.get(original=failed_sync)
    url = reverse("sync-push-items", args=[retry.sync_id])
    assert "message success" in _messages(response)
    assert f'Retry sync <a href="{url}"><code>{str(retry.sync_id)[:8]}…</code></a>' in (
        _messages(response)
    )
    assert "was created for 2 failed items." in _messages(response)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("platform")
def test_it_has_pushed_the_items_by_the_time_the_page_shows_with_tasks_in_process(
    retrier_client, failed_sync
):
    _post(retrier_client, failed_sync)
    retry = Retry.objects.get(original=failed_sync)
    assert (retry.state, retry.outcome) == (RetryState.FINISHED, "failed")


def test_it_refuses_a_commerce_sync_with_the_portals_reason(retrier_client):
    sync = SyncFactory(commerce=True, failed=True)
    PushItemFactory(sync=sync, failed=True, data_type="invoices")
    response = _post(retrier_client, sync, follow=True)
    assert "Retrying failed items is available for Sync for Expenses only." in _messages(response)
    assert not Retry.objects.exists()


def test_it_refuses_a_sync_without_failed_items(retrier_client, sync):
    PushItemFactory(sync=sync)
    response = _post(retrier_client, sync, follow=True)
    assert "This sync has no failed items to retry." in _messages(response)
    assert not Retry.objects.exists()


def test_it_sends_a_refused_request_back_to_the_syncs_push_items(retrier_client, sync):
    response = _post(retrier_client, sync, query="back=q%3Dbakery")
    assert response["Location"] == f"/syncs/{sync.id}/push-items/?back=q%3Dbakery"


def test_it_says_a_retry_is_already_running_and_links_to_it(retrier_client, failed_sync):
    _post(retrier_client, failed_sync)
    running = Retry.objects.get(original=failed_sync)
    messages = _messages(_post(retrier_client, failed_sync, follow=True))
    assert "A retry of this sync is already running." in messages
    assert f'<a href="{reverse("sync-push-items", args=[running.sync_id])}">See it</a>' in messages


def test_it_creates_nothing_on_a_second_request_while_one_runs(retrier_client, failed_sync):
    _post(retrier_client, failed_sync)
    other = Client()
    other.force_login(RetrierFactory())
    _post(other, failed_sync)
    assert (Retry.objects.count(), Sync.objects.filter(retry_of=failed_sync).count()) == (1, 1)


def test_it_rejects_a_post_without_a_csrf_token(retrier, failed_sync):
    client = Client(enforce_csrf_checks=True)
    client.force_login(retrier)
    assert _post(client, failed_sync).status_code == 403
    assert not Retry.objects.exists()


def test_it_forbids_staff_not_allowed_to_retry(staff_client, failed_sync):
    response = _post(staff_client, failed_sync)
    assert response.status_code == 403
    assert "Your account is not allowed to retry failed items." in response.content.decode()
    assert not Retry.objects.exists()


def test_it_forbids_people_who_are_not_staff(client, failed_sync):
    user = RetrierFactory(is_staff=False)
    client.force_login(user)
    assert _post(client, failed_sync).status_code == 403


def test_it_refuses_a_get(retrier_client, failed_sync):
    assert retrier_client.get(_url(failed_sync)).status_code == 405
    assert not Retry.objects.exists()


def test_it_answers_404_for_an_unknown_sync(retrier_client):
    url = reverse("sync-retry", args=["9b2b5f7e-3c1d-4e8a-9f00-0123456789ab"])
    assert retrier_client.post(url).status_code == 404


def test_it_retries_only_the_selected_items(retrier_client, failed_sync):
    chosen = failed_sync.push_items.get(status=PushStatus.FAILED, status_code=503)
    _post(retrier_client, failed_sync, {"selection": "1", "items": [chosen.pk]})
    retry = Retry.objects.get(original=failed_sync)
    assert [item.retry_of for item in retry.sync.push_items.all()] == [chosen]


def test_it_refuses_a_selected_item_that_did_not_fail(retrier_client, failed_sync):
    succeeded = failed_sync.push_items.get(status=PushStatus.SUCCESS)
    response = _post(retrier_client, failed_sync, {"items": [succeeded.pk]}, follow=True)
    assert "Some of the selected items are not failed items of this sync" in _messages(response)
    assert not Retry.objects.exists()


def test_it_asks_for_a_selection_when_nothing_is_ticked(retrier_client, failed_sync):
    response = _post(retrier_client, failed_sync, {"selection": "1"}, follow=True)
    assert "Tick at least one failed item to retry." in _messages(response)
    assert not Retry.objects.exists()


@pytest.mark.parametrize(
    "items", [["abc"], ["-1"], ["0"], ["1.5"], [""], ["99999999999999999999999"], ["²"]]
)
def test_it_says_so_when_the_selected_ids_cannot_be_read(retrier_client, failed_sync, items):
    response = _post(retrier_client, failed_sync, {"items": items}, follow=True)
    assert response.status_code == 200
    assert "The selected items could not be read." in _messages(response)
    assert not Retry.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_it_saves_the_retry_as_queued_when_the_task_queue_is_down(retrier_client, failed_sync):
    with celery_broker(DOWN):
        response = _post(retrier_client, failed_sync)
    retry = Retry.objects.get(original=failed_sync)
    assert response.status_code == 302
    assert (retry.state, retry.waiting_for_queue) == (RetryState.QUEUED, True)


@pytest.mark.django_db(transaction=True)
def test_it_says_the_retry_starts_when_the_task_queue_is_back(retrier_client, failed_sync):
    with celery_broker(DOWN):
        response = _post(retrier_client, failed_sync, follow=True)
    messages = _messages(response)
    assert "message warning" in messages
    assert "it will start when the task queue is back." in messages
