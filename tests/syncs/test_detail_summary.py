from datetime import UTC, datetime

import pytest
from django.urls import reverse

from pushitems.models import PushStatus
from syncs import status as codes

from ..factories import PushItemFactory, RetryFactory, SyncFactory, UserFactory

pytestmark = pytest.mark.django_db

CONFIG_ERROR = "No sales customer has been configured."


def _summary(client, sync, query: str = "") -> str:
    url = reverse("sync-summary", args=[sync.id])
    return client.get(f"{url}?{query}" if query else url).content.decode()


def test_it_shows_the_status_badge_with_its_code_and_reason(staff_client):
    page = _summary(staff_client, SyncFactory(failed=True))
    assert ">Push error<" in page and ">5130<" in page and "Data push error" in page


def test_it_links_a_documented_status_code_to_its_explanation(staff_client):
    assert 'href="/status-codes/#status-5130"' in _summary(staff_client, SyncFactory(failed=True))


def test_it_shows_an_undocumented_status_code_raw_without_a_link(staff_client):
    page = _summary(staff_client, SyncFactory(status_code=4200))
    assert 'title="4200 · Undocumented status code">4200<' in page
    assert "#status-4200" not in page


def test_it_shows_start_complete_and_run_time(staff_client, sync):
    page = _summary(staff_client, sync)
    started = sync.started_at.strftime("%d %b %Y %H:%M:%S UTC")
    finished = sync.finished_at.strftime("%d %b %Y %H:%M:%S UTC")
    assert started in page and finished in page and "00:00:08" in page


def test_it_says_a_running_sync_has_not_finished(staff_client):
    assert "Not finished yet" in _summary(staff_client, SyncFactory(running=True))


def test_it_shows_the_sync_id_with_a_copy_button(staff_client, sync):
    page = _summary(staff_client, sync)
    assert f'data-copy="{sync.id}" aria-label="Copy sync id"' in page


def test_it_links_the_company_to_the_history_filtered_to_it(staff_client, sync):
    page = _summary(staff_client, sync)
    assert f'href="/?q={sync.company_id}"' in page and "Bluebell Bakery" in page


def test_it_shows_product_source_and_destination(staff_client):
    page = _summary(staff_client, SyncFactory(commerce=True))
    assert "Sync for Commerce" in page and "Partner Commerce" in page and "Xero" in page


def test_it_shows_the_date_range_of_data_the_sync_covered(staff_client, sync):
    sync.data_start = datetime(2025, 3, 1, tzinfo=UTC)
    sync.data_finish = datetime(2025, 3, 2, tzinfo=UTC)
    sync.save()
    page = _summary(staff_client, sync)
    assert "01 Mar 2025 00:00:00 UTC" in page and "02 Mar 2025 00:00:00 UTC" in page


def test_it_says_when_the_date_range_was_not_recorded(staff_client, sync):
    assert "Not recorded" in _summary(staff_client, sync)


def test_it_shows_the_error_message(staff_client):
    sync = SyncFactory(failed=True)
    assert "LineItems[0].TaxAmount must be 0" in _summary(staff_client, sync)


def test_it_links_a_documented_error_message_to_its_troubleshooting_entry(staff_client):
    sync = SyncFactory(status_code=codes.CONFIGURATION_ERROR, error_message=CONFIG_ERROR)
    assert 'href="/status-codes/#error-no-sales-customer"' in _summary(staff_client, sync)


def test_it_shows_the_documented_resolution_of_the_error(staff_client):
    sync = SyncFactory(status_code=codes.CONFIGURATION_ERROR, error_message=CONFIG_ERROR)
    assert "Configure a sales customer from the options." in _summary(staff_client, sync)


def test_it_does_not_link_an_undocumented_error_message(staff_client):
    assert "#error-" not in _summary(staff_client, SyncFactory(failed=True))


def test_it_says_the_error_message_is_not_available_when_empty(staff_client, sync):
    page = _summary(staff_client, sync)
    error_panel = page[page.index("Error Message") : page.index("Notes")]
    assert "Not available" in error_panel


def test_it_says_the_notes_are_not_available_when_empty(staff_client, sync):
    page = _summary(staff_client, sync)
    notes_panel = page[page.index(">Notes<") : page.index("Internal exception")]
    assert "Not available" in notes_panel


def test_it_explains_a_please_reconcile_manually_note(staff_client):
    page = _summary(staff_client, SyncFactory(commerce=True, notes="Please reconcile manually"))
    assert "no matching original order in the accounting platform" in page


def test_it_does_not_explain_other_notes(staff_client):
    page = _summary(staff_client, SyncFactory(notes="Pushed on the second attempt"))
    assert "Pushed on the second attempt" in page and "original order" not in page


def test_it_keeps_the_internal_exception_message_collapsed(staff_client):
    sync = SyncFactory(failed=True, exception_message="NullReferenceException at Push()")
    page = _summary(staff_client, sync)
    details = page[page.index('<details class="panel internal">') :]
    assert "NullReferenceException at Push()" in details[: details.index("</details>")]


def test_it_counts_push_items_by_status(staff_client, sync):
    PushItemFactory.create_batch(3, sync=sync, failed=True)
    PushItemFactory(sync=sync)
    page = _summary(staff_client, sync)
    assert '>Failed</span> <span class="count">3<' in page
    assert '>Success</span> <span class="count">1<' in page


def test_it_links_each_count_to_the_push_items_with_that_status(staff_client, sync):
    PushItemFactory(sync=sync, failed=True)
    url = reverse("sync-push-items", args=[sync.id])
    assert f'href="{url}?status=Failed"' in _summary(staff_client, sync)


def test_it_says_when_a_sync_has_no_push_items(staff_client, sync):
    assert "This sync has no push items." in _summary(staff_client, sync)


def test_it_links_to_the_sync_this_one_retries(staff_client, sync):
    retry = SyncFactory(company=sync.company, retry_of=sync)
    page = _summary(staff_client, retry)
    assert "This sync retries" in page and reverse("sync-summary", args=[sync.id]) in page


def test_it_links_to_the_syncs_that_retried_this_one(staff_client, sync):
    retry = SyncFactory(company=sync.company, retry_of=sync)
    page = _summary(staff_client, sync)
    assert "Retried by" in page and reverse("sync-summary", args=[retry.id]) in page


def test_it_links_to_the_sync_that_resolved_this_one(staff_client):
    failed = SyncFactory(failed=True)
    retry = SyncFactory(company=failed.company, retry_of=failed)
    failed.resolved_by = retry
    failed.save()
    page = _summary(staff_client, failed)
    assert "Resolved" in page and reverse("sync-summary", args=[retry.id]) in page


def test_it_shows_no_retries_section_for_a_sync_never_retried(staff_client, sync):
    assert "Retries" not in _summary(staff_client, sync)


def test_it_carries_the_history_filters_into_retry_links(staff_client, sync):
    retry = SyncFactory(company=sync.company, retry_of=sync)
    page = _summary(staff_client, sync, "back=status%3D5130")
    assert f"{reverse('sync-summary', args=[retry.id])}?back=status%3D5130" in page


def _audit(page: str) -> str:
    return page[page.index('<table class="audit">') : page.index("</table>")]


@pytest.fixture
def finished_retry():
    retry = RetryFactory(finished=True, item_count=3, requested_by=UserFactory(username="mira"))
    PushItemFactory.create_batch(2, sync=retry.sync)
    PushItemFactory(sync=retry.sync, failed=True)
    return retry


def test_it_lists_who_requested_each_retry_when_and_for_how_many_items(
    staff_client, finished_retry
):
    audit = _audit(_summary(staff_client, finished_retry.original))
    requested = finished_retry.requested_at.strftime("%d %b %Y %H:%M:%S UTC")
    assert "<td>mira</td>" in audit and requested in audit and "<td>3</td>" in audit


def test_it_shows_each_retrys_state_outcome_and_item_results(staff_client, finished_retry):
    audit = _audit(_summary(staff_client, finished_retry.original))
    assert "<td>Finished</td>" in audit and "<td>Some items still failing</td>" in audit
    assert "<td>2</td>\n      <td>1</td>" in audit


def test_it_links_each_requested_retry_to_its_retry_sync(staff_client, finished_retry):
    audit = _audit(_summary(staff_client, finished_retry.original, "back=status%3D5130"))
    url = reverse("sync-summary", args=[finished_retry.sync_id])
    assert f'href="{url}?back=status%3D5130"' in audit


def test_it_lists_requested_retries_newest_first(staff_client, finished_retry):
    newer = RetryFactory(original=finished_retry.original)
    audit = _audit(_summary(staff_client, finished_retry.original))
    assert audit.index(str(newer.sync_id)[:8]) < audit.index(str(finished_retry.sync_id)[:8])


def test_it_shows_a_retry_sync_who_requested_it_and_links_to_the_original(
    staff_client, finished_retry
):
    page = _summary(staff_client, finished_retry.sync)
    origin = page[page.index('class="audit-origin"') :]
    url = reverse("sync-summary", args=[finished_retry.original_id])
    assert "Requested by <strong>mira</strong>" in origin
    assert "to retry 3 failed items of" in origin and f'href="{url}"' in origin
    assert "Finished · Some items still failing · 2 succeeded, 1 failed." in origin


def test_it_does_not_list_a_requested_retry_sync_twice(staff_client, finished_retry):
    assert "Retried by" not in _summary(staff_client, finished_retry.original)


def test_it_says_which_retry_resolved_the_sync_next_to_its_status(staff_client, finished_retry):
    original = finished_retry.original
    original.resolved_by = finished_retry.sync
    original.save()
    page = _summary(staff_client, original)
    url = reverse("sync-summary", args=[finished_retry.sync_id])
    short = str(finished_retry.sync_id)[:8]
    assert f'href="{url}"' in page
    assert f"Resolved by retry <code>{short}…</code></a>" in page
    assert page.index("Resolved by retry") < page.index(">Start<")


def test_it_keeps_the_recorded_status_of_a_resolved_sync(staff_client, finished_retry):
    original = finished_retry.original
    original.resolved_by = finished_retry.sync
    original.save()
    assert ">Push error<" in _summary(staff_client, original)


def test_it_does_not_say_resolved_until_a_retry_resolved_it(staff_client, finished_retry):
    assert "Resolved by retry" not in _summary(staff_client, finished_retry.original)


@pytest.mark.parametrize("items", [10, 50])
def test_it_uses_the_same_queries_however_many_push_items(
    staff_client, django_assert_num_queries, items
):
    sync = SyncFactory(failed=True)
    PushItemFactory.create_batch(items, sync=sync, status=PushStatus.FAILED)
    SyncFactory.create_batch(2, company=sync.company, retry_of=sync)
    for _ in range(2):
        retry = RetryFactory(original=sync, finished=True)
        PushItemFactory.create_batch(items, sync=retry.sync)
    # session, user, sync with company and lineage, counts by status, retries requested
    # with who asked and their results, syncs retrying this one
    with django_assert_num_queries(6):
        staff_client.get(reverse("sync-summary", args=[sync.id]))


def test_it_uses_the_same_queries_on_a_retry_sync(staff_client, django_assert_num_queries):
    retry = RetryFactory(finished=True)
    PushItemFactory.create_batch(5, sync=retry.sync)
    # session, user, sync with company and lineage, counts by status, the request that
    # created it with who asked and its results, syncs retrying this one
    with django_assert_num_queries(6):
        staff_client.get(reverse("sync-summary", args=[retry.sync_id]))
