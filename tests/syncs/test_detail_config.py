import html
import re

import pytest
from django.urls import reverse

from syncs.config import config_json

from ..factories import SyncConfigFactory, SyncFactory

pytestmark = pytest.mark.django_db

SNAPSHOT = {
    "accountingSoftwareCompanyName": "Café Rouge",
    "bankAccount": {"id": "89"},
    "supplier": {"id": "124"},
    "customer": {"id": "140"},
    "partnerApiToken": "tok_live_123",
    "connection": {"clientSecret": "shh", "credentials": [{"password": "hunter2"}]},
}
SECRETS = ("tok_live_123", "shh", "hunter2")


@pytest.fixture
def configured(company):
    config = SyncConfigFactory(company=company, data=SNAPSHOT)
    return SyncFactory(company=company, config=config)


def _shown_json(page: str) -> str:
    match = re.search(r'<pre class="json"[^>]*>(.*?)</pre>', page, re.DOTALL)
    return html.unescape(match.group(1))


def _config_page(client, sync) -> str:
    return client.get(reverse("sync-config", args=[sync.id])).content.decode()


def _download(client, sync):
    return client.get(reverse("sync-config-download", args=[sync.id]))


def test_it_shows_the_snapshot_the_sync_ran_with(staff_client, configured):
    shown = _shown_json(_config_page(staff_client, configured))
    assert '"bankAccount": {\n    "id": "89"\n  }' in shown


def test_it_redacts_secrets_in_the_view(staff_client, configured):
    page = _config_page(staff_client, configured)
    assert not any(secret in page for secret in SECRETS)
    assert '"partnerApiToken": "[redacted]"' in _shown_json(page)


def test_it_shows_the_sections_in_codat_order(staff_client, company):
    data = {"configuration": {"fees": {}, "sales": {}}, "schedule": {}, "companyId": "c"}
    sync = SyncFactory(company=company, config=SyncConfigFactory(company=company, data=data))
    shown = _shown_json(_config_page(staff_client, sync))
    assert shown.index('"schedule"') < shown.index('"configuration"')
    assert shown.index('"sales"') < shown.index('"fees"')


def test_it_says_when_no_snapshot_was_recorded(staff_client, sync):
    page = _config_page(staff_client, sync)
    assert "No configuration snapshot was recorded for this sync." in page


def test_it_offers_no_download_without_a_snapshot(staff_client, sync):
    assert reverse("sync-config-download", args=[sync.id]) not in _config_page(staff_client, sync)


def test_it_links_to_the_download(staff_client, configured):
    page = _config_page(staff_client, configured)
    assert f'href="{reverse("sync-config-download", args=[configured.id])}"' in page


def test_it_downloads_the_snapshot_as_a_json_attachment(staff_client, configured):
    response = _download(staff_client, configured)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert (
        response["Content-Disposition"]
        == f'attachment; filename="sync-{configured.id}-config.json"'
    )


def test_it_redacts_secrets_in_the_download(staff_client, configured):
    body = _download(staff_client, configured).content.decode()
    assert not any(secret in body for secret in SECRETS)
    assert '"clientSecret": "[redacted]"' in body


def test_it_downloads_exactly_what_the_view_shows(staff_client, configured):
    shown = _shown_json(_config_page(staff_client, configured))
    assert _download(staff_client, configured).content == shown.encode()


def test_it_downloads_the_pretty_printed_redacted_snapshot(staff_client, configured):
    assert _download(staff_client, configured).content.decode() == config_json(SNAPSHOT)


def test_it_downloads_nothing_for_a_sync_without_a_snapshot(staff_client, sync):
    assert _download(staff_client, sync).status_code == 404


def test_it_shows_the_config_in_three_queries(staff_client, configured, django_assert_num_queries):
    # session, user, sync with company and config
    with django_assert_num_queries(3):
        staff_client.get(reverse("sync-config", args=[configured.id]))


def test_it_downloads_in_three_queries(staff_client, configured, django_assert_num_queries):
    # session, user, sync with config
    with django_assert_num_queries(3):
        _download(staff_client, configured)
