import pytest
from django.urls import reverse

from accounts.models import Preference

pytestmark = pytest.mark.django_db


def test_it_saves_the_chosen_columns_for_the_person(staff_client, staff_user):
    staff_client.post(reverse("history-columns"), {"columns": ["company", "items", "notes"]})
    assert Preference.objects.get(user=staff_user).history_columns == ["company", "items", "notes"]


def test_it_ignores_columns_that_do_not_exist(staff_client, staff_user):
    staff_client.post(reverse("history-columns"), {"columns": ["company", "password_hash"]})
    assert Preference.objects.get(user=staff_user).history_columns == ["company"]


def test_it_returns_the_person_to_the_view_they_came_from(staff_client):
    response = staff_client.post(
        reverse("history-columns"), {"columns": ["company"], "next": "/?q=bluebell&status=5130"}
    )
    assert response["Location"] == "/?q=bluebell&status=5130"


def test_it_never_redirects_to_another_site(staff_client):
    response = staff_client.post(
        reverse("history-columns"), {"columns": ["company"], "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("home")


def test_it_refuses_a_get(staff_client):
    assert staff_client.get(reverse("history-columns")).status_code == 405


def test_it_needs_a_csrf_token(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    assert client.post(reverse("history-columns"), {"columns": ["company"]}).status_code == 403


def test_it_keeps_each_persons_choice_apart(staff_client, django_user_model):
    other = django_user_model.objects.create_user(username="carol", password="x", is_staff=True)
    staff_client.post(reverse("history-columns"), {"columns": ["notes"]})
    assert not Preference.objects.filter(user=other).exists()
