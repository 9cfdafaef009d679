import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from ..factories import CompanyFactory, SyncFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def history():
    now = timezone.now()
    bakery = CompanyFactory(name="Bluebell Bakery")
    kites = CompanyFactory(name="Northwind Kites")
    syncs = {
        "push_error": SyncFactory(company=bakery, failed=True, started_at=now - timedelta(days=10)),
        "config_error": SyncFactory(
            company=bakery,
            status_code=4000,
            error_message="No sales customer has been configured.",
            started_at=now - timedelta(days=12),
        ),
        "old": SyncFactory(company=bakery, failed=True, started_at=now - timedelta(days=45)),
        "success": SyncFactory(company=bakery, started_at=now - timedelta(days=2)),
        "other_company": SyncFactory(
            company=kites, failed=True, started_at=now - timedelta(days=3)
        ),
    }
    return bakery, syncs


def test_it_narrows_sorts_and_opens_a_sync_as_a_person_would(history, logged_in_page):
    bakery, syncs = history
    page = logged_in_page
    table = page.get_by_role("table", name="Sync history")

    page.get_by_label("Search by sync id, company id or company name").fill(str(bakery.id)[:8])
    page.get_by_label("Date range", exact=True).select_option(label="Last 30 days")
    page.get_by_text("Status Code • 0").click()
    page.get_by_role("checkbox", name="4000 Configuration Error").check()
    page.get_by_role("checkbox", name="5130 Data push error").check()
    page.get_by_role("button", name="Apply").click()

    rows = table.locator("tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Northwind Kites")).to_have_count(0)
    expect(page.locator("[data-stat=failed]")).to_have_text("2")
    expect(page.get_by_text("Status Code • 2")).to_be_visible()

    page.get_by_title("Sort and choose columns").click()
    page.get_by_role("checkbox", name="Run Time").uncheck()
    page.get_by_role("button", name="Save columns").click()
    expect(page.get_by_text("Your column choice is saved.")).to_be_visible()
    expect(table.get_by_role("columnheader", name="Run Time")).to_have_count(0)
    expect(rows).to_have_count(2)

    table.get_by_role("link", name="Status").click()
    expect(table.get_by_role("columnheader", name="Status", exact=True)).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(rows.first).to_contain_text("Configuration error")
    expect(rows.last).to_contain_text("Push error")

    rows.last.get_by_role("cell").first.click()
    page.wait_for_url(f"**/syncs/{syncs['push_error'].id}/**")
    expect(page.get_by_text(str(syncs["push_error"].id)).first).to_be_attached()


def test_it_shows_times_in_the_readers_zone_with_utc_on_hover(history, logged_in_page):
    _, syncs = history
    cell = logged_in_page.locator("td.col-started time").first
    expect(cell).to_contain_text("GMT")
    expect(cell).to_have_attribute(
        "title", syncs["success"].started_at.strftime("%d %b %Y %H:%M:%S UTC")
    )


def test_it_applies_a_failed_card_as_a_filter(history, logged_in_page):
    logged_in_page.get_by_label("Date range", exact=True).select_option(label="Last 30 days")
    logged_in_page.get_by_role("button", name="Apply").click()
    logged_in_page.get_by_role("link", name="Failed syncs").click()
    rows = logged_in_page.get_by_role("table", name="Sync history").locator("tbody tr")
    expect(rows).to_have_count(3)


def test_it_offers_the_status_filter_to_the_keyboard(history, logged_in_page):
    page = logged_in_page
    page.get_by_text("Status Code • 0").focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    expect(page.get_by_role("checkbox", name="1000 In Progress")).to_be_checked()


def _search(page, text: str) -> None:
    page.get_by_label("Search by sync id, company id or company name").fill(text)
    page.get_by_label("Date range", exact=True).select_option(label="Last 30 days")
    page.get_by_role("button", name="Apply").click()


def test_it_fills_in_a_searchs_counts_after_its_rows(history, logged_in_page):
    page = logged_in_page
    _search(page, "bluebell")
    expect(page.get_by_role("table", name="Sync history").locator("tbody tr")).to_have_count(3)
    expect(page.locator("[data-stat=total]")).to_have_text("3")
    expect(page.locator("[data-stat=failed]")).to_have_text("2")
    expect(page.locator("#chart svg")).to_be_visible()
    expect(page.locator("#status-options input[value='5130'] ~ .count")).to_have_text("1")


def test_it_tells_a_screen_reader_when_a_searchs_counts_are_in(history, logged_in_page):
    _search(logged_in_page, "bluebell")
    status = logged_in_page.locator("[data-counts-status]")
    expect(status).to_have_text("Counted: 3 syncs, 2 failed.")


def test_it_keeps_status_boxes_ticked_while_a_searchs_counts_come(history, logged_in_page):
    page = logged_in_page
    held = []
    page.route("**/counts/**", lambda route: held.append(route))
    _search(page, "bluebell")
    page.get_by_text("Status Code • 0").click()
    page.get_by_role("checkbox", name="4000 Configuration Error").check()
    held[0].continue_()
    expect(page.locator("[data-stat=total]")).to_have_text("3")
    expect(page.get_by_role("checkbox", name="4000 Configuration Error")).to_be_checked()


def test_it_offers_to_count_with_the_page_when_the_counts_fail(history, logged_in_page):
    page = logged_in_page
    page.route("**/counts/**", lambda route: route.fulfill(status=502))
    _search(page, "bluebell")
    expect(page.get_by_role("alert")).to_contain_text("The counts could not be loaded.")
    page.get_by_role("link", name="Count them with the page").click()
    expect(page.locator("[data-stat=total]")).to_have_text("3")
    expect(page).to_have_url(re.compile(r"counts=now"))


def test_it_offers_to_count_with_the_page_when_the_answer_holds_no_counts(history, logged_in_page):
    page = logged_in_page
    login_page = "<html><body><form><input name=username></form></body></html>"
    page.route("**/counts/**", lambda route: route.fulfill(status=200, body=login_page))
    _search(page, "bluebell")
    expect(page.get_by_role("alert")).to_contain_text("The counts could not be loaded.")
    expect(page.locator("#cards")).not_to_have_attribute("aria-busy", "true")
