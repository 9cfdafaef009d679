import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_it_logs_a_user_in_and_lands_on_the_history(client, staff_user):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct horse battery"}
    )
    assert response.status_code == 302 and response["Location"] == reverse("home")


def test_it_says_why_a_login_failed(client, staff_user):
    response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert "Please enter a correct username and password" in response.content.decode()


def test_it_logs_out_on_post(staff_client):
    staff_client.post(reverse("logout"))
    assert staff_client.get(reverse("home")).status_code == 302


def test_it_requires_a_csrf_token_to_log_in(staff_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "alice", "password": "x"})
    assert response.status_code == 403
