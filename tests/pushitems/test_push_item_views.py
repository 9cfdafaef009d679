import pytest
from django.test import Client
from django.urls import reverse

from ..factories import PushItemFactory

pytestmark = pytest.mark.django_db


def _page(client, item, query: str = "") -> str:
    url = reverse("push-item", args=[item.pk])
    return client.get(f"{url}?{query}" if query else url).content.decode()


@pytest.fixture
def failed_item(sync):
    return PushItemFactory(
        sync=sync,
        failed=True,
        core_id="cb8869e7-e042-4bbe-9d0c-4f1a2b3c4d5e",
        parent_core_id="9f00aa11",
        attempts=3,
        validation={
            "errors": [
                {
                    "itemId": "LineItems[0].TaxAmount",
                    "message": "TaxAmount must be 0 when used with a Tax Rate of 0.",
                    "validatorName": "DirectCost",
                }
            ],
            "warnings": [
                {"itemId": "Reference", "message": "Reference was truncated.", "validatorName": "X"}
            ],
        },
    )


def test_it_shows_the_full_error_message(staff_client, failed_item):
    assert "Push failed for DirectCost: see validation for more information" in _page(
        staff_client, failed_item
    )


def test_it_shows_validation_errors_with_item_id_message_and_validator(staff_client, failed_item):
    page = _page(staff_client, failed_item)
    errors = page[page.index("Validation errors</h2>") : page.index("Validation warnings</h2>")]
    assert "LineItems[0].TaxAmount" in errors
    assert "TaxAmount must be 0 when used with a Tax Rate of 0." in errors
    assert "DirectCost" in errors


def test_it_shows_validation_warnings(staff_client, failed_item):
    page = _page(staff_client, failed_item)
    warnings = page[page.index("Validation warnings</h2>") : page.index("Payload</h2>")]
    assert "Reference was truncated." in warnings


def test_it_says_when_there_are_no_validation_messages(staff_client, sync):
    page = _page(staff_client, PushItemFactory(sync=sync))
    assert "No validation errors." in page and "No validation warnings." in page


@pytest.mark.parametrize(
    "validation",
    [[], "oops", {"errors": "oops"}, {"errors": ["just text", 7]}, {"warnings": [{}]}],
)
def test_it_shows_malformed_validation_without_failing(staff_client, sync, validation):
    item = PushItemFactory(sync=sync, failed=True, validation=validation)
    assert staff_client.get(reverse("push-item", args=[item.pk])).status_code == 200


def test_it_shows_the_payload_as_pretty_json(staff_client, sync):
    item = PushItemFactory(sync=sync, payload={"id": "x1", "totalAmount": 12.5})
    assert "{\n  &quot;id&quot;: &quot;x1&quot;,\n  &quot;totalAmount&quot;: 12.5\n}" in _page(
        staff_client, item
    )


def test_it_shows_the_timestamps_and_attempts(staff_client, failed_item):
    page = _page(staff_client, failed_item)
    assert failed_item.requested_at.strftime("%d %b %Y %H:%M:%S UTC") in page
    assert failed_item.completed_at.strftime("%d %b %Y %H:%M:%S UTC") in page
    assert "<dt>Attempts</dt><dd>3</dd>" in page


def test_it_shows_the_ids_status_and_data_type(staff_client, failed_item):
    page = _page(staff_client, failed_item)
    for text in (failed_item.core_id, "9f00aa11", ">Failed<", ">400<", "directCosts"):
        assert text in page


def test_it_says_a_pending_item_has_not_completed(staff_client, sync):
    assert "Not completed" in _page(staff_client, PushItemFactory(sync=sync, pending=True))


def test_it_links_back_to_the_syncs_push_items(staff_client, failed_item):
    url = reverse("sync-push-items", args=[failed_item.sync_id])
    assert f'<a href="{url}">← Back to the sync' in _page(staff_client, failed_item)


def test_it_links_back_to_the_push_items_as_they_were_filtered(staff_client, failed_item):
    url = reverse("sync-push-items", args=[failed_item.sync_id])
    page = _page(staff_client, failed_item, "back=status%3DFailed%26after%3D10")
    assert f'<a href="{url}?status=Failed&amp;after=10">← Back to the sync' in page


def test_it_keeps_the_history_filters_in_its_links(staff_client, failed_item):
    page = _page(staff_client, failed_item, "back=status%3DFailed%26back%3Dq%253Dbakery")
    summary = reverse("sync-summary", args=[failed_item.sync_id])
    assert f'href="{summary}?back=q%3Dbakery"' in page and 'href="/?q=bakery"' in page


def test_it_shows_a_friendly_404_for_an_unknown_item(staff_client):
    response = staff_client.get(reverse("push-item", args=[987654]))
    assert response.status_code == 404 and "We couldn't find that" in response.content.decode()


@pytest.mark.parametrize("path", ["/push-items/abc/", "/push-items/-1/"])
def test_it_shows_a_friendly_404_for_a_malformed_item_id(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 404 and "We couldn't find that" in response.content.decode()


def test_it_shows_a_friendly_404_for_an_item_id_too_large_for_the_database(staff_client):
    response = staff_client.get("/push-items/99999999999999999999999/")
    assert response.status_code == 404 and "We couldn't find that" in response.content.decode()


def test_it_refuses_the_item_to_users_who_are_not_staff(django_user_model, failed_item):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert client.get(reverse("push-item", args=[failed_item.pk])).status_code == 403


def test_it_shows_an_item_in_three_queries(staff_client, failed_item, django_assert_num_queries):
    # session, user, item with its sync and company
    with django_assert_num_queries(3):
        staff_client.get(reverse("push-item", args=[failed_item.pk]))
