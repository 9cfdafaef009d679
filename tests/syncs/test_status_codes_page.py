import pytest
from django.urls import reverse

from syncs.status import STATUS_CODES
from syncs.troubleshooting import ERRORS

from ..shared import codat_file, markdown_table

pytestmark = pytest.mark.django_db


@pytest.fixture
def page(staff_client) -> str:
    return staff_client.get(reverse("status-codes")).content.decode()


def test_it_lists_every_documented_code_with_its_reason(page):
    rows = markdown_table(codat_file("README.md").read_text(), "### 1.1 Status codes")
    for code, reason, _ in rows:
        assert f'<tr id="status-{code}">' in page
        assert f"<td>{reason}</td>" in page


def test_it_gives_the_codes_a_section_to_link_to(page):
    assert 'id="status-codes"' in page and 'id="error-messages"' in page


def test_it_names_each_codes_family(page):
    assert "Client-side error" in page and "Server-side error" in page and len(STATUS_CODES) == 12


def test_it_explains_every_documented_error_with_cause_and_resolution(page):
    for entry in ERRORS:
        assert f'id="{entry.anchor}"' in page
        assert entry.resolution in page.replace("&#x27;", "'")


def test_it_is_only_for_staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert client.get(reverse("status-codes")).status_code == 403
