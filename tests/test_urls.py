import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.converters import UUIDConverter

PUBLIC = {"login", "healthz"}
SAMPLE_UUID = "9b2b5f7e-3c1d-4e8a-9f00-0123456789ab"
SAMPLE_VALUES = {"app_label": "syncs", "object_id": "1", "content_type_id": "1"}


def _routes(resolver: URLResolver, namespace: str = ""):
    """(name, sample arguments) of every named route, including namespaced ones."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _routes(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            converters = getattr(pattern.pattern, "converters", {})
            params = {
                name: SAMPLE_VALUES.get(name, "1")
                if not isinstance(converters.get(name), UUIDConverter)
                else SAMPLE_UUID
                for name in pattern.pattern.regex.groupindex
            }
            yield f"{namespace}{pattern.name}", params


def _protected_urls() -> list[str]:
    return sorted(
        {
            reverse(name, kwargs=params)
            for name, params in _routes(get_resolver())
            if name.rsplit(":", 1)[-1] not in PUBLIC
        }
    )


@pytest.mark.django_db
@pytest.mark.parametrize("url", _protected_urls())
def test_it_sends_anonymous_visitors_to_log_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


@pytest.mark.django_db
def test_it_serves_the_login_page_to_anonymous_visitors(client):
    assert client.get(reverse("login")).status_code == 200


@pytest.mark.django_db
def test_it_answers_health_checks_without_login(client):
    assert client.get(reverse("healthz")).json() == {"status": "ok"}


@pytest.mark.django_db
def test_it_has_no_model_changes_without_a_migration():
    call_command("makemigrations", "--check", "--dry-run", verbosity=0)
