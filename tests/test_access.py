import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import Preference

from .factories import SyncConfigFactory, SyncFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def customer_client(django_user_model) -> Client:
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    return client


def test_it_refuses_sync_health_to_users_who_are_not_staff(customer_client):
    response = customer_client.get(reverse("home"))
    assert response.status_code == 403
    assert "Sync Health is for support staff." in response.content.decode()


def test_it_shows_sync_health_to_staff(staff_client):
    assert staff_client.get(reverse("home")).status_code == 200


def test_it_refuses_the_config_download_to_users_who_are_not_staff(customer_client):
    sync = SyncFactory(config=SyncConfigFactory())
    response = customer_client.get(reverse("sync-config-download", args=[sync.pk]))
    assert response.status_code == 403


def test_it_refuses_column_choices_from_users_who_are_not_staff(customer_client):
    response = customer_client.post(reverse("history-columns"), {"columns": ["company"]})
    assert response.status_code == 403 and not Preference.objects.exists()
