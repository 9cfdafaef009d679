import pytest
from django.test import Client

from .factories import CompanyFactory, SyncFactory


@pytest.fixture(autouse=True)
def _plain_static_files(settings):
    # The manifest storage needs `collectstatic`; tests render templates without running it.
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def staff_user(django_user_model):
    return django_user_model.objects.create_user(
        username="alice", password="correct horse battery", is_staff=True
    )


@pytest.fixture
def staff_client(staff_user) -> Client:
    client = Client()
    client.force_login(staff_user)
    return client


@pytest.fixture
def company():
    return CompanyFactory(name="Bluebell Bakery")


@pytest.fixture
def sync(company):
    return SyncFactory(company=company)
