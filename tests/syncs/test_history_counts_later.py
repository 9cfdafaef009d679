"""A search's page comes without its counts, which come from a request of their own."""

import pytest
from django.test import Client
from django.urls import reverse

from ..factories import CompanyFactory, SyncFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def four_failed(company):
    return SyncFactory.create_batch(4, company=company, failed=True)


def _home(client, **params):
    response = client.get(reverse("home"), params)
    assert response.status_code == 200
    return response


def _counts(client, **params):
    response = client.get(reverse("history-counts"), params)
    assert response.status_code == 200
    return response


def test_a_search_shows_its_rows_without_counts(staff_client, four_failed):
    response = _home(staff_client, q="bluebell")
    page = response.content.decode()
    assert response.context["counts_later"] and len(response.context["page"].rows) == 4
    assert 'data-stat="total">…<' in page and "Counting the syncs this search matches:" in page


def test_a_blank_search_is_counted_with_its_page(staff_client, four_failed):
    response = _home(staff_client, q="   ")
    assert not response.context["counts_later"]
    assert 'data-stat="total">4<' in response.content.decode()


def test_a_view_without_a_search_is_counted_with_its_page(staff_client, four_failed):
    response = _home(staff_client)
    assert not response.context["counts_later"]
    assert response.context["dashboard"].failed == 4


def test_the_page_links_to_its_counts_with_its_filters_but_not_its_cursor(
    staff_client, four_failed
):
    page = _home(staff_client, q="bluebell", range="30d", cursor="a-later-page").content.decode()
    counts_url = f"{reverse('history-counts')}?q=bluebell&amp;range=30d"
    assert f'data-counts-url="{counts_url}"' in page


def test_the_counts_request_counts_what_the_page_left(staff_client, four_failed, company):
    SyncFactory(company=company)
    SyncFactory(company=CompanyFactory(name="Northwind Kites"), failed=True)
    response = _counts(staff_client, q="bluebell")
    dashboard = response.context["dashboard"]
    assert (dashboard.total, dashboard.failed, dashboard.unresolved_failed) == (5, 4, 4)
    assert 'data-stat="total">5<' in response.content.decode()


def test_the_counts_request_draws_the_chart_and_the_status_menu(staff_client, four_failed):
    page = _counts(staff_client, q="bluebell", status="5130").content.decode()
    assert 'id="chart"' in page and "<svg" in page
    assert 'value="5130" checked> <span class="code">5130</span>' in page
    assert '<span class="count">4</span>' in page


def test_the_status_menu_waits_for_the_counts_without_a_number(staff_client, four_failed):
    page = _home(staff_client, q="bluebell").content.decode()
    assert '<span class="count">…</span>' in page and '<span class="count">4</span>' not in page


def test_counts_now_counts_a_broad_search_with_its_page(staff_client, four_failed):
    response = _home(staff_client, q="bluebell", counts="now")
    assert not response.context["counts_later"]
    assert response.context["dashboard"].total == 4


def test_the_page_offers_counting_with_it_to_browsers_without_script(staff_client, four_failed):
    page = _home(staff_client, q="bluebell").content.decode()
    assert '<noscript> <a href="?q=bluebell&amp;counts=now">' in page


def test_a_search_page_counts_nothing(staff_client, four_failed, django_assert_num_queries):
    # session, user with their preferences, companies so named, page of syncs
    with django_assert_num_queries(4):
        _home(staff_client, q="bluebell")


def test_the_counts_request_counts_in_one_query(
    staff_client, four_failed, django_assert_num_queries
):
    # session, user with their preferences, companies so named, the counts
    with django_assert_num_queries(4):
        _counts(staff_client, q="bluebell")


def test_the_counts_request_drops_bad_filters_rather_than_fail(staff_client, four_failed):
    response = _counts(staff_client, q="bluebell", status="nope", start="yesterday")
    assert response.context["dashboard"].total == 4


def test_the_counts_are_for_staff_only(django_user_model, four_failed):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert client.get(reverse("history-counts"), {"q": "bluebell"}).status_code == 403


def test_the_counts_need_a_login(four_failed):
    response = Client().get(reverse("history-counts"), {"q": "bluebell"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_counts_refuse_a_post(staff_client):
    assert staff_client.post(reverse("history-counts")).status_code == 405


def test_the_browser_keeps_a_searchs_counts_briefly_for_its_other_pages(staff_client, four_failed):
    response = _counts(staff_client, q="bluebell")
    assert set(response["Cache-Control"].split(", ")) == {"private", "max-age=30"}


def test_a_refused_counts_request_is_not_kept(django_user_model):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert "max-age" not in client.get(reverse("history-counts")).get("Cache-Control", "")
