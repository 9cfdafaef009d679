import pytest
from django.contrib.auth import get_user

from accounts.models import Preference
from accounts.selectors import preference_history_columns

pytestmark = pytest.mark.django_db


def _signed_in(client, rf, user):
    client.force_login(user)
    request = rf.get("/")
    request.session = client.session
    return get_user(request)


def test_a_signed_in_persons_column_choice_comes_with_them(
    client, rf, staff_user, django_assert_num_queries
):
    Preference.objects.create(user=staff_user, history_columns=["company", "status"])
    user = _signed_in(client, rf, staff_user)
    with django_assert_num_queries(0):
        assert preference_history_columns(user=user) == ["company", "status"]


def test_a_person_who_never_chose_has_no_column_choice_without_a_query(
    client, rf, staff_user, django_assert_num_queries
):
    user = _signed_in(client, rf, staff_user)
    with django_assert_num_queries(0):
        assert preference_history_columns(user=user) is None


def test_a_deactivated_person_is_signed_out(client, rf, staff_user):
    client.force_login(staff_user)
    staff_user.is_active = False
    staff_user.save()
    request = rf.get("/")
    request.session = client.session
    assert not get_user(request).is_authenticated
