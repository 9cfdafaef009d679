import pytest
from django.test import Client
from django.urls import reverse

from ..factories import PushItemFactory

pytestmark = pytest.mark.django_db

TABS = ("sync-summary", "sync-config", "sync-push-items")


def _page(client, name: str, sync, query: str = "") -> str:
    url = reverse(name, args=[sync.id])
    return client.get(f"{url}?{query}" if query else url).content.decode()


@pytest.mark.parametrize("name", TABS)
def test_it_renders_every_tab_on_the_server(staff_client, sync, name):
    page = _page(staff_client, name, sync)
    assert "<h1>Sync Details</h1>" in page and 'role="tablist"' in page


@pytest.mark.parametrize(
    ("name", "label"),
    [("sync-summary", "Summary"), ("sync-config", "Config"), ("sync-push-items", "Push Items")],
)
def test_it_marks_the_current_tab_selected(staff_client, sync, name, label):
    selected = 'aria-selected="true" aria-current="page" aria-controls="sync-tab-panel"'
    assert f"{selected}>{label}<" in _page(staff_client, name, sync)


@pytest.mark.parametrize("name", TABS)
def test_it_marks_the_other_tabs_unselected(staff_client, sync, name):
    assert _page(staff_client, name, sync).count('aria-selected="false"') == 2


@pytest.mark.parametrize("name", TABS)
def test_it_labels_the_tab_panel_with_its_tab(staff_client, sync, name):
    page = _page(staff_client, name, sync)
    slug = {"sync-summary": "summary", "sync-config": "config", "sync-push-items": "push-items"}
    assert f'role="tabpanel" id="sync-tab-panel" aria-labelledby="tab-{slug[name]}"' in page


@pytest.mark.parametrize("name", TABS)
def test_it_carries_the_history_filters_to_every_tab(staff_client, sync, name):
    page = _page(staff_client, name, sync, "back=status%3D5130%26q%3Dbakery")
    for tab in TABS:
        assert f'{reverse(tab, args=[sync.id])}?back=status%3D5130%26q%3Dbakery"' in page


@pytest.mark.parametrize("name", TABS)
def test_it_goes_back_to_the_history_with_its_filters(staff_client, sync, name):
    page = _page(staff_client, name, sync, "back=status%3D5130%26q%3Dbakery")
    assert '<a href="/?status=5130&amp;q=bakery">← Back to history</a>' in page


def test_it_goes_back_to_the_unfiltered_history_without_filters(staff_client, sync):
    assert '<a href="/">← Back to history</a>' in _page(staff_client, "sync-summary", sync)


@pytest.mark.parametrize(
    "back", ["https://evil.example/", "//evil.example", "javascript:alert(1)", "/\\evil.example"]
)
def test_it_never_goes_back_anywhere_but_the_history(staff_client, sync, back):
    page = _page(staff_client, "sync-summary", sync, f"back={back}")
    link = page[page.index('<p class="back-link"><a href="') :].split('"')[3]
    assert link.startswith("/?") and "//" not in link and ":" not in link


def test_it_drops_a_back_query_with_too_many_fields(staff_client, sync):
    page = _page(staff_client, "sync-summary", sync, "back=" + "%26".join(["a=1"] * 1500))
    assert '<a href="/">← Back to history</a>' in page


def test_it_carries_the_history_filters_into_the_push_item_counts(staff_client, sync):
    PushItemFactory(sync=sync, failed=True)
    page = _page(staff_client, "sync-summary", sync, "back=q%3Dbakery")
    url = reverse("sync-push-items", args=[sync.id])
    assert f"{url}?status=Failed&amp;back=q%3Dbakery" in page


@pytest.mark.parametrize("name", TABS)
def test_it_shows_a_friendly_404_for_an_unknown_sync(staff_client, name):
    response = staff_client.get(reverse(name, args=["9b2b5f7e-3c1d-4e8a-9f00-0123456789ab"]))
    assert response.status_code == 404
    assert "We couldn't find that" in response.content.decode()


@pytest.mark.parametrize(
    "path",
    ["/syncs/not-a-sync/", "/syncs/9b2b5f7e-3c1d/config/", "/syncs/123/push-items/"],
)
def test_it_shows_a_friendly_404_for_a_malformed_sync_id(staff_client, path):
    response = staff_client.get(path)
    assert response.status_code == 404
    assert "We couldn't find that" in response.content.decode()


@pytest.mark.parametrize("name", TABS)
def test_it_refuses_the_tabs_to_users_who_are_not_staff(django_user_model, sync, name):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert client.get(reverse(name, args=[sync.id])).status_code == 403


@pytest.mark.parametrize("name", [*TABS, "sync-config-download"])
def test_it_answers_only_get_requests(staff_client, sync, name):
    assert staff_client.post(reverse(name, args=[sync.id])).status_code == 405
