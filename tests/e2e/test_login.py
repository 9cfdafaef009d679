import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_logs_in_and_shows_synced_companies(logged_in_page):
    expect(logged_in_page.get_by_role("heading", name="Synced Companies")).to_be_visible()


def test_it_tells_a_person_when_the_password_is_wrong(page, support_user):
    page.goto("/login/")
    page.get_by_label("Username").fill("support")
    page.get_by_label("Password").fill("not it")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("alert")).to_contain_text("correct username and password")
