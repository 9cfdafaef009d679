import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from retries.models import RETRY_PERMISSION

from ..factories import UserFactory

pytestmark = pytest.mark.django_db


def test_it_lets_the_demo_login_retry_failed_items():
    call_command("demo_login", stdout=io.StringIO())
    assert get_user_model().objects.get(username="support").has_perm(RETRY_PERMISSION)


def test_it_does_not_let_every_staff_member_retry():
    assert not UserFactory(is_staff=True).has_perm(RETRY_PERMISSION)
