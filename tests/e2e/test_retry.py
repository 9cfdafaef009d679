"""Retrying failed items in Chromium, against the sandbox accounting platform over HTTP."""

import re

import pytest
from django.contrib.auth.models import Permission
from playwright.sync_api import expect

from retries.services import retry_request, retry_sweep

from ..factories import PushItemFactory, RecordItemFactory, SyncFactory
from ..retries.brokers import DOWN, celery_broker
from ..retries.conftest import _tasks_in_process, platform, sandbox  # noqa: F401

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("_tasks_in_process", "platform"),
]


@pytest.fixture
def retrier_page(logged_in_page, support_user):
    support_user.user_permissions.add(
        Permission.objects.get(codename="can_retry", content_type__app_label="retries")
    )
    return logged_in_page


@pytest.fixture
def failed_sync():
    sync = SyncFactory(failed=True)
    PushItemFactory(sync=sync)
    RecordItemFactory(sync=sync, unavailable=True, core_id="exp-0001")
    RecordItemFactory(sync=sync, unavailable=True, core_id="exp-0002")
    RecordItemFactory(sync=sync, invalid=True, core_id="exp-0003")
    return sync


def _items_table(page):
    return page.get_by_role(
        "table", name="Push items of this sync, in the order they were requested"
    )


def test_it_retries_the_failed_items_and_shows_the_result(failed_sync, retrier_page):
    page = retrier_page
    page.goto(f"/syncs/{failed_sync.id}/push-items/")
    page.get_by_role("button", name="Retry failed items").click()

    expect(page.locator(".message.success")).to_contain_text("was created for 3 failed items.")
    expect(page.get_by_role("heading", name=re.compile("Progress of this retry"))).to_be_visible()
    bar = page.locator("progress#retry-progress-bar")
    expect(bar).to_have_attribute("value", "3")
    expect(bar).to_have_attribute("max", "3")
    expect(page.locator("#retry-progress-text")).to_contain_text("3 of 3 items done")
    result = page.locator(".retry-result")
    expect(result).to_be_visible()
    expect(result).to_contain_text("2 succeeded, 1 still failing.")

    result.get_by_role("link", name="See the items still failing").click()
    rows = _items_table(page).locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("exp-0003")
    expect(rows.first).to_contain_text("Failed")


def test_it_shows_the_retry_on_the_original_syncs_summary(failed_sync, retrier_page):
    page = retrier_page
    page.goto(f"/syncs/{failed_sync.id}/push-items/")
    page.get_by_role("button", name="Retry failed items").click()
    expect(page.locator(".retry-result")).to_be_visible()

    page.goto(f"/syncs/{failed_sync.id}/")
    audit = page.get_by_role("table", name="Retries requested for this sync, newest first")
    expect(audit).to_contain_text("support")
    expect(audit).to_contain_text("Some items still failing")


def test_it_retries_only_the_ticked_item(failed_sync, retrier_page):
    page = retrier_page
    page.goto(f"/syncs/{failed_sync.id}/push-items/")
    page.get_by_role("checkbox", name="Select directCosts exp-0002").check()
    page.get_by_role("button", name="Retry selected").click()

    expect(page.locator(".message.success")).to_contain_text("was created for 1 failed item.")
    expect(page.locator("#retry-progress-text")).to_contain_text("1 of 1 items done")
    expect(page.locator(".retry-result")).to_contain_text("1 succeeded, 0 still failing.")
    expect(page.get_by_role("link", name="See the items still failing")).to_be_hidden()


def test_it_follows_a_retry_from_waiting_for_the_queue_to_its_end(
    failed_sync, retrier_page, support_user
):
    with celery_broker(DOWN):
        retry_request(sync=failed_sync, requested_by=support_user)
    page = retrier_page
    page.goto(f"/syncs/{failed_sync.id}/push-items/")
    expect(page.locator(".retry-waiting")).to_be_visible()
    expect(page.locator("#retry-progress-text")).to_contain_text("0 of 3 items done")
    expect(page.locator(".retry-result")).to_be_hidden()

    retry_sweep()  # the queue is back: the sweeper hands the retry over, and it runs

    expect(page.locator("#retry-progress-text")).to_contain_text("3 of 3 items done")
    expect(page.locator("progress#retry-progress-bar")).to_have_js_property("value", 3)
    expect(page.locator(".retry-waiting")).to_be_hidden()
    expect(page.locator(".retry-result")).to_contain_text("2 succeeded, 1 still failing.")
    expect(page.get_by_role("link", name="See the items still failing")).to_be_visible()

    page.get_by_role("link", name="Reload to see this page's latest statuses").click()
    expect(page.get_by_role("button", name="Retry failed items")).to_be_enabled()


def test_it_disables_retry_for_a_commerce_sync_and_says_why(retrier_page):
    sync = SyncFactory(commerce=True, failed=True)
    PushItemFactory(sync=sync, failed=True, data_type="invoices")
    page = retrier_page
    page.goto(f"/syncs/{sync.id}/push-items/")
    button = page.get_by_role("button", name="Retry failed items")
    expect(button).to_be_disabled()
    expect(button).to_have_accessible_description(
        "Retrying failed items is available for Sync for Expenses only."
    )
