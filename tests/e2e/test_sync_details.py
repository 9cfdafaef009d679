import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from syncs.config import config_json

from ..factories import PushItemFactory, SyncConfigFactory, SyncFactory

pytestmark = pytest.mark.django_db(transaction=True)

SNAPSHOT = {
    "bankAccount": {"id": "89"},
    "supplier": {"id": "124"},
    "customer": {"id": "140"},
    "partnerApiToken": "tok_live_s3cr3t",
}
TAX_RULE = "LineItems[0].TaxAmount must be 0"


@pytest.fixture
def failed_sync():
    sync = SyncFactory(failed=True, config=SyncConfigFactory(data=SNAPSHOT))
    PushItemFactory.create_batch(2, sync=sync, failed=True)
    PushItemFactory(sync=sync, data_type="directIncomes")
    return sync


def _items_table(page):
    return page.get_by_role(
        "table", name="Push items of this sync, in the order they were requested"
    )


def test_it_diagnoses_a_failed_expenses_sync_from_the_history(failed_sync, logged_in_page):
    page = logged_in_page
    page.get_by_role("link", name=f"{str(failed_sync.id)[:8]}…").click()

    expect(page.get_by_role("heading", name="Sync Details")).to_be_visible()
    expect(page.get_by_role("tab", name="Summary")).to_have_attribute("aria-selected", "true")
    expect(page.locator(".error-message")).to_contain_text(TAX_RULE)

    page.get_by_role("tab", name="Config").click()
    expect(page.get_by_role("tab", name="Config")).to_have_attribute("aria-selected", "true")
    shown = page.get_by_label("Configuration snapshot as JSON")
    expect(shown).to_contain_text('"partnerApiToken": "[redacted]"')
    with page.expect_download() as download:
        page.get_by_role("link", name="Download JSON").click()
    assert download.value.suggested_filename == f"sync-{failed_sync.id}-config.json"
    body = Path(download.value.path()).read_text()
    assert body == config_json(SNAPSHOT) and "s3cr3t" not in body
    assert body == shown.text_content()

    page.get_by_role("tab", name="Push Items").click()
    expect(_items_table(page).locator("tbody tr")).to_have_count(3)
    page.get_by_role("checkbox", name="Failed").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"status=Failed"))
    rows = _items_table(page).locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Failed")).to_have_count(2)
    expect(page.get_by_role("button", name="Retry failed items")).to_be_disabled()


def test_it_drills_into_a_failed_item_and_comes_back_to_the_filtered_list(
    failed_sync, logged_in_page
):
    page = logged_in_page
    page.goto(f"/syncs/{failed_sync.id}/push-items/?status=Failed")
    _items_table(page).locator("tbody tr").first.get_by_role("link").click()

    expect(page.get_by_role("heading", name="Push item")).to_be_visible()
    errors = page.get_by_role("table", name="Validation errors")
    expect(errors).to_contain_text(TAX_RULE)
    expect(errors).to_contain_text("DirectCost")

    page.get_by_role("link", name="← Back to the sync's push items").click()
    expect(page).to_have_url(re.compile(r"/push-items/\?status=Failed$"))
    expect(page.get_by_role("checkbox", name="Failed")).to_be_checked()


def test_it_moves_between_tabs_with_the_arrow_keys(failed_sync, logged_in_page):
    page = logged_in_page
    page.goto(f"/syncs/{failed_sync.id}/")
    page.get_by_role("tab", name="Summary").focus()
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("tab", name="Config")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.get_by_role("tab", name="Config")).to_have_attribute("aria-selected", "true")
