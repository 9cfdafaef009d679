import pytest
from django.urls import reverse

from ..factories import SyncFactory

pytestmark = pytest.mark.django_db


def test_it_lists_the_latest_syncs_with_company_and_status(staff_client, sync):
    page = staff_client.get(reverse("home")).content.decode()
    assert sync.company.name in page and str(sync.id)[:8] in page and "Complete" in page


def test_it_shows_run_time_as_hours_minutes_seconds(staff_client, sync):
    assert "00:00:08" in staff_client.get(reverse("home")).content.decode()


def test_it_shows_an_undocumented_status_code_raw(staff_client):
    SyncFactory(status_code=4200)
    page = staff_client.get(reverse("home")).content.decode()
    assert 'title="4200 · Undocumented status code">4200<' in page


def test_it_says_so_when_there_are_no_syncs(staff_client):
    assert "No syncs yet" in staff_client.get(reverse("home")).content.decode()


@pytest.mark.parametrize("rows", [10, 50])
def test_it_uses_the_same_queries_however_many_rows(staff_client, django_assert_num_queries, rows):
    SyncFactory.create_batch(rows)
    # session, user, syncs with their companies
    with django_assert_num_queries(3):
        staff_client.get(reverse("home"))
