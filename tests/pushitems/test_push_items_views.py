import re

import pytest
from django.urls import reverse

from pushitems.models import PushStatus
from pushitems.selectors import PAGE_SIZE
from retries.services import retry_request

from ..factories import PushItemFactory, RetrierFactory, RetryFactory, SyncFactory

pytestmark = pytest.mark.django_db

DISABLED_RETRY = '<button type="button" class="primary" disabled'
RETRY_BUTTON = '<button type="submit" class="primary">Retry failed items</button>'


def _get(client, sync, query: str = ""):
    url = reverse("sync-push-items", args=[sync.id])
    return client.get(f"{url}?{query}" if query else url)


def _page(client, sync, query: str = "") -> str:
    return _get(client, sync, query).content.decode()


@pytest.fixture
def retrier_client(client):
    client.force_login(RetrierFactory())
    return client


@pytest.fixture
def failed_sync():
    sync = SyncFactory(failed=True)
    PushItemFactory(sync=sync)
    return sync


def _checkboxes(page: str) -> list[str]:
    return re.findall(r'<input type="checkbox" name="items" value="(\d+)"', page)


def _core_ids(page: str) -> list[str]:
    return re.findall(r'/push-items/\d+/[^"]*" class="mono">([^<]+)<', page)


def test_it_lists_the_columns_of_a_push_item(staff_client, sync):
    PushItemFactory(sync=sync, failed=True, core_id="cb8869e7", parent_core_id="9f00aa11")
    page = _page(staff_client, sync)
    for text in ("cb8869e7", "9f00aa11", "directCosts", ">Failed<", ">400<", ">1<"):
        assert text in page
    assert "Push failed for DirectCost" in page


def test_it_escapes_what_the_sync_engine_and_platform_wrote(staff_client, sync):
    PushItemFactory(
        sync=sync,
        failed=True,
        core_id='"><b>core',
        parent_core_id="<i>parent",
        error_message="<script>alert(1)</script>",
    )
    page = _page(staff_client, sync)
    assert "&quot;&gt;&lt;b&gt;core" in page and "&lt;i&gt;parent" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page and "<b>core" not in page


def test_it_shows_column_headers(staff_client, sync):
    PushItemFactory(sync=sync)
    headers = re.findall(r'<th scope="col"[^>]*>\s*(.*?)\s*</th>', _page(staff_client, sync))
    assert headers == [
        "Core Id",
        "Parent Core Id",
        "Data Type",
        "Status",
        "Code",
        "Attempts",
        "Last error",
        "Completed",
    ]


def test_it_shortens_a_long_last_error_and_keeps_it_whole_in_the_tooltip(staff_client, sync):
    message = "Timeout " + "waiting for the platform " * 10
    PushItemFactory(sync=sync, failed=True, error_message=message)
    page = _page(staff_client, sync)
    assert f'title="{message}"' in page and f">{message}<" not in page


def test_it_shows_the_completion_time(staff_client, sync):
    item = PushItemFactory(sync=sync)
    assert item.completed_at.strftime("%d %b %Y %H:%M:%S UTC") in _page(staff_client, sync)


def test_it_links_each_item_to_its_drill_down(staff_client, sync):
    item = PushItemFactory(sync=sync)
    assert f'href="{reverse("push-item", args=[item.pk])}' in _page(staff_client, sync)


def test_it_lets_the_drill_down_come_back_to_the_same_filtered_list(staff_client, sync):
    item = PushItemFactory(sync=sync, failed=True)
    page = _page(staff_client, sync, "status=Failed")
    assert f'{reverse("push-item", args=[item.pk])}?back=status%3DFailed"' in page


def test_it_lists_items_in_the_order_they_were_created(staff_client, sync):
    for core_id in ("c", "a", "b"):
        PushItemFactory(sync=sync, core_id=core_id)
    assert _core_ids(_page(staff_client, sync)) == ["c", "a", "b"]


def test_it_lists_only_this_syncs_items(staff_client, sync):
    PushItemFactory(sync=sync, core_id="mine")
    PushItemFactory(core_id="theirs")
    assert _core_ids(_page(staff_client, sync)) == ["mine"]


def test_it_searches_by_core_id(staff_client, sync):
    PushItemFactory(sync=sync, core_id="cb8869e7")
    PushItemFactory(sync=sync, core_id="aa112233")
    assert _core_ids(_page(staff_client, sync, "q=cb88")) == ["cb8869e7"]


def test_it_filters_by_status(staff_client, sync):
    PushItemFactory(sync=sync, core_id="bad", failed=True)
    PushItemFactory(sync=sync, core_id="good")
    assert _core_ids(_page(staff_client, sync, "status=Failed")) == ["bad"]


def test_it_filters_by_several_statuses(staff_client, sync):
    PushItemFactory(sync=sync, core_id="bad", failed=True)
    PushItemFactory(sync=sync, core_id="slow", timed_out=True)
    PushItemFactory(sync=sync, core_id="good")
    assert _core_ids(_page(staff_client, sync, "status=Failed&status=TimedOut")) == ["bad", "slow"]


def test_it_filters_by_data_type(staff_client, sync):
    PushItemFactory(sync=sync, core_id="bill", data_type="bills")
    PushItemFactory(sync=sync, core_id="cost", data_type="directCosts")
    assert _core_ids(_page(staff_client, sync, "data_type=bills")) == ["bill"]


def test_it_keeps_the_chosen_filters_in_the_form(staff_client, sync):
    page = _page(staff_client, sync, "status=Failed&q=cb88")
    assert 'value="Failed" checked' in page and 'value="cb88"' in page


def test_it_labels_every_filter_control(staff_client, sync):
    page = _page(staff_client, sync)
    assert '<label for="id_q">Search</label>' in page and 'id="id_q"' in page
    assert "<legend>Status</legend>" in page
    assert '<label><input type="checkbox" name="status" value="Failed"> Failed</label>' in page
    assert '<label for="id_data_type">Data type</label>' in page and 'id="id_data_type"' in page


@pytest.mark.parametrize(
    "query", ["status=Exploded", "data_type=widgets", "q=" + "x" * 101, "status=Failed&status=%00"]
)
def test_it_shows_a_form_error_for_a_bad_filter(staff_client, sync, query):
    PushItemFactory(sync=sync)
    response = _get(staff_client, sync, query)
    assert response.status_code == 200
    assert 'class="form-error" role="alert"' in response.content.decode()


def test_it_lists_nothing_while_a_filter_is_bad(staff_client, sync):
    PushItemFactory(sync=sync, core_id="good")
    assert _core_ids(_page(staff_client, sync, "status=Exploded")) == []


def test_it_says_when_a_sync_has_no_push_items(staff_client, sync):
    assert "This sync has no push items." in _page(staff_client, sync)


def test_it_says_when_no_item_matches_the_filters(staff_client, sync):
    PushItemFactory(sync=sync)
    assert "No push items match these filters." in _page(staff_client, sync, "status=Failed")


def test_it_keeps_the_history_filters_when_filtering(staff_client, sync):
    page = _page(staff_client, sync, "back=q%3Dbakery")
    assert '<input type="hidden" name="back" value="q=bakery">' in page


class TestPages:
    @pytest.fixture
    def items(self, sync):
        return PushItemFactory.create_batch(PAGE_SIZE * 2 + 5, sync=sync)

    def test_it_shows_one_page_of_items_at_a_time(self, staff_client, sync, items):
        assert len(_core_ids(_page(staff_client, sync))) == PAGE_SIZE

    def test_it_links_to_the_next_page_after_the_last_item_shown(self, staff_client, sync, items):
        page = _page(staff_client, sync)
        assert f'?after={items[PAGE_SIZE - 1].pk}" rel="next"' in page

    def test_it_shows_the_items_after_the_cursor(self, staff_client, sync, items):
        page = _page(staff_client, sync, f"after={items[PAGE_SIZE - 1].pk}")
        assert _core_ids(page) == [item.core_id for item in items[PAGE_SIZE : PAGE_SIZE * 2]]

    def test_it_shows_the_items_before_the_cursor(self, staff_client, sync, items):
        page = _page(staff_client, sync, f"before={items[PAGE_SIZE * 2].pk}")
        assert _core_ids(page) == [item.core_id for item in items[PAGE_SIZE : PAGE_SIZE * 2]]

    def test_it_links_back_to_the_previous_page(self, staff_client, sync, items):
        page = _page(staff_client, sync, f"after={items[PAGE_SIZE - 1].pk}")
        assert f'?before={items[PAGE_SIZE].pk}" rel="prev"' in page

    def test_it_has_no_next_link_on_the_last_page(self, staff_client, sync, items):
        page = _page(staff_client, sync, f"after={items[PAGE_SIZE * 2 - 1].pk}")
        assert len(_core_ids(page)) == 5 and 'rel="next"' not in page

    def test_it_has_no_previous_link_on_the_first_page(self, staff_client, sync, items):
        assert 'rel="prev"' not in _page(staff_client, sync)

    def test_it_has_no_previous_link_when_paging_back_reaches_the_start(
        self, staff_client, sync, items
    ):
        assert 'rel="prev"' not in _page(staff_client, sync, f"before={items[PAGE_SIZE].pk}")

    def test_it_keeps_the_filters_when_paging(self, staff_client, sync, items):
        page = _page(staff_client, sync, "status=Success&back=q%3Dbakery")
        assert f"?status=Success&amp;back=q%3Dbakery&amp;after={items[PAGE_SIZE - 1].pk}" in page

    @pytest.mark.parametrize(
        "cursor",
        ["after=abc", "after=-5", "before=1e9", "after=99999999999999999999999", "after=%C2%B2"],
    )
    def test_it_shows_the_first_page_for_a_garbage_cursor(self, staff_client, sync, items, cursor):
        response = _get(staff_client, sync, cursor)
        assert response.status_code == 200
        assert _core_ids(response.content.decode())[0] == items[0].core_id

    def test_it_says_so_when_a_forged_cursor_is_past_the_last_item(self, staff_client, sync, items):
        page = _page(staff_client, sync, f"after={items[-1].pk + 1000}")
        assert "There are no push items on this page." in page


def test_it_disables_retry_for_commerce_syncs_and_says_why(retrier_client):
    sync = SyncFactory(commerce=True, failed=True)
    PushItemFactory(sync=sync, failed=True)
    page = _page(retrier_client, sync)
    assert DISABLED_RETRY in page
    assert "Retrying failed items is available for Sync for Expenses only." in page


def test_it_disables_retry_when_no_item_failed(retrier_client, sync):
    PushItemFactory(sync=sync)
    page = _page(retrier_client, sync)
    assert DISABLED_RETRY in page and "This sync has no failed items to retry." in page


def test_it_disables_retry_for_staff_not_allowed_to_retry(staff_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    page = _page(staff_client, failed_sync)
    assert DISABLED_RETRY in page
    assert "Your account is not allowed to retry failed items." in page


def test_it_disables_retry_while_a_retry_runs_and_links_to_it(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    running = RetryFactory(original=failed_sync)
    page = _page(retrier_client, failed_sync)
    assert DISABLED_RETRY in page and "A retry of this sync is already running." in page
    assert f'href="{reverse("sync-push-items", args=[running.sync_id])}">See the running' in page


def test_it_enables_retry_as_a_form_posting_to_the_retry_url(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    page = _page(retrier_client, failed_sync)
    form = page[page.index('id="retry-all"') - 60 : page.index(RETRY_BUTTON)]
    assert f'action="{reverse("sync-retry", args=[failed_sync.id])}"' in form
    assert 'name="csrfmiddlewaretoken"' in form


def test_it_keeps_the_history_filters_in_the_retry_url(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    page = _page(retrier_client, failed_sync, "back=q%3Dbakery")
    assert f'action="{reverse("sync-retry", args=[failed_sync.id])}?back=q%3Dbakery"' in page


def test_it_offers_a_checkbox_for_each_failed_or_timed_out_item_only(retrier_client, failed_sync):
    failed = PushItemFactory(sync=failed_sync, failed=True)
    timed_out = PushItemFactory(sync=failed_sync, timed_out=True)
    assert _checkboxes(_page(retrier_client, failed_sync)) == [str(failed.pk), str(timed_out.pk)]


def test_it_labels_each_checkbox_with_the_item_it_selects(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True, core_id="cb8869e7")
    assert 'aria-label="Select directCosts cb8869e7"' in _page(retrier_client, failed_sync)


def test_it_ties_the_checkboxes_to_the_retry_selected_form(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    page = _page(retrier_client, failed_sync)
    assert 'form="retry-selected"' in page
    assert '<form method="post" action="' in page and 'id="retry-selected"' in page
    assert '<input type="hidden" name="selection" value="1">' in page


def test_it_offers_no_checkboxes_to_staff_not_allowed_to_retry(staff_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    assert _checkboxes(_page(staff_client, failed_sync)) == []


def test_it_shows_no_progress_for_a_sync_never_retried(retrier_client, failed_sync):
    assert "data-retry-progress" not in _page(retrier_client, failed_sync)


def test_it_shows_the_progress_of_a_running_retry_on_the_original(retrier_client, failed_sync):
    PushItemFactory(sync=failed_sync, failed=True)
    PushItemFactory(sync=failed_sync, failed=True)
    retry = retry_request(sync=failed_sync, requested_by=RetrierFactory())
    page = _page(retrier_client, failed_sync)
    assert f'data-retry-progress="{reverse("retry-progress", args=[retry.pk])}"' in page
    assert '<progress id="retry-progress-bar" max="2" value="0"' in page


def test_it_shows_the_progress_on_the_retry_sync(retrier_client):
    retry = RetryFactory(item_count=3)
    PushItemFactory(sync=retry.sync)
    PushItemFactory.create_batch(2, sync=retry.sync, pending=True)
    page = _page(retrier_client, retry.sync)
    assert "Progress of this retry" in page
    assert '<progress id="retry-progress-bar" max="3" value="1"' in page


def test_it_shows_the_result_of_a_finished_retry_with_a_link_to_what_still_fails(
    retrier_client,
):
    retry = RetryFactory(finished=True, item_count=3)
    PushItemFactory.create_batch(2, sync=retry.sync)
    PushItemFactory(sync=retry.sync, failed=True)
    page = _page(retrier_client, retry.original)
    result = page[page.index('class="retry-result"') :]
    assert "2</span> succeeded, <span" in result and "1</span> still failing" in result
    url = reverse("sync-push-items", args=[retry.sync_id])
    assert f'href="{url}?status=Failed&amp;status=TimedOut">See the items still failing' in result


def test_it_hides_the_result_until_the_retry_has_finished(retrier_client):
    retry = RetryFactory()
    PushItemFactory(sync=retry.sync, pending=True)
    assert 'class="retry-result" data-show="finished" role="status" hidden' in _page(
        retrier_client, retry.sync
    )


def test_it_says_a_retry_waits_for_the_task_queue(retrier_client):
    retry = RetryFactory(enqueued_at=None)
    PushItemFactory(sync=retry.sync, pending=True)
    page = _page(retrier_client, retry.sync)
    assert '<p class="retry-waiting" data-show="waiting">' in page


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_however_many_rows(
    retrier_client, django_assert_num_queries, failed_sync, rows
):
    PushItemFactory.create_batch(rows, sync=failed_sync, status=PushStatus.FAILED)
    # session, user, sync with company, failed items to retry, the active retry, the
    # user's and their groups' permissions, the latest retry (requested for this sync, else
    # the one that created it), one page of items
    with django_assert_num_queries(9):
        _get(retrier_client, failed_sync, "status=Failed&q=")


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_while_a_retry_runs(
    retrier_client, django_assert_num_queries, failed_sync, rows
):
    PushItemFactory.create_batch(rows, sync=failed_sync, status=PushStatus.FAILED)
    retry_request(sync=failed_sync, requested_by=RetrierFactory())
    # session, user, sync with company, failed items to retry, the active retry, the latest
    # retry, its state, its retry sync, its items by outcome, one page of items
    with django_assert_num_queries(10):
        _get(retrier_client, failed_sync)


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_on_a_later_page(
    staff_client, django_assert_num_queries, sync, rows
):
    items = PushItemFactory.create_batch(rows, sync=sync)
    # session, user, sync with company, failed items to retry, the active retry, the latest
    # retry (requested for this sync, else the one that created it), one page of items
    with django_assert_num_queries(7):
        _get(staff_client, sync, f"after={items[0].pk}")


def test_it_never_counts_all_the_items(staff_client, django_assert_max_num_queries, sync):
    PushItemFactory.create_batch(3, sync=sync)
    with django_assert_max_num_queries(8) as captured:
        _get(staff_client, sync)
    counted = [q["sql"] for q in captured.captured_queries if "COUNT(" in q["sql"].upper()]
    # The only count is of the failed items the button would retry, never of the whole list.
    assert len(counted) == 1 and "pushitems_pushitem" in counted[0]


def test_it_reads_one_row_more_than_a_page_to_know_if_there_is_another(
    staff_client, django_assert_max_num_queries, sync
):
    PushItemFactory(sync=sync)
    with django_assert_max_num_queries(8) as captured:
        _get(staff_client, sync)
    assert any(f"LIMIT {PAGE_SIZE + 1}" in query["sql"] for query in captured.captured_queries)
