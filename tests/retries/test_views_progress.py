"""The progress of a retry, as the progress bar polls it."""

import pytest
from django.urls import reverse

from ..factories import PushItemFactory, RetryFactory, UserFactory

pytestmark = pytest.mark.django_db


def _progress(client, pk: int):
    return client.get(reverse("retry-progress", args=[pk]))


def test_it_reports_the_items_by_outcome_and_the_state(staff_client):
    retry = RetryFactory(item_count=4)
    PushItemFactory(sync=retry.sync)
    PushItemFactory(sync=retry.sync, failed=True)
    PushItemFactory.create_batch(2, sync=retry.sync, pending=True)
    assert _progress(staff_client, retry.pk).json() == {
        "total": 4,
        "succeeded": 1,
        "failed": 1,
        "pending": 2,
        "done": 2,
        "percent": 50,
        "state": "queued",
        "outcome": "",
        "finished": False,
        "waiting_for_queue": False,
    }


def test_it_reports_a_finished_retry_and_its_outcome(staff_client):
    retry = RetryFactory(finished=True)
    PushItemFactory(sync=retry.sync, timed_out=True)
    state = _progress(staff_client, retry.pk).json()
    assert (state["finished"], state["outcome"], state["failed"], state["percent"]) == (
        True,
        "failed",
        1,
        100,
    )


def test_it_reports_a_retry_waiting_for_the_task_queue(staff_client):
    retry = RetryFactory(enqueued_at=None)
    assert _progress(staff_client, retry.pk).json()["waiting_for_queue"] is True


@pytest.mark.parametrize("pk", [987654, 2**63, 10**30])
def test_it_answers_404_for_an_unknown_retry(staff_client, pk):
    assert _progress(staff_client, pk).status_code == 404


def test_it_is_for_staff_only(client):
    client.force_login(UserFactory(is_staff=False))
    assert _progress(client, RetryFactory().pk).status_code == 403


def test_it_refuses_a_post(staff_client):
    assert staff_client.post(reverse("retry-progress", args=[RetryFactory().pk])).status_code == 405


def test_it_reads_the_progress_in_a_constant_number_of_queries(
    staff_client, django_assert_num_queries
):
    retry = RetryFactory(item_count=30)
    PushItemFactory.create_batch(30, sync=retry.sync, pending=True)
    # session, user, the retry, its state, its retry sync, its items by outcome
    with django_assert_num_queries(6):
        _progress(staff_client, retry.pk)
