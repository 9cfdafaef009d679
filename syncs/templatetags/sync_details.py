import json
from functools import lru_cache
from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.http import urlencode

from pushitems.models import PushStatus
from syncs.status import status_for
from syncs.troubleshooting import ErrorEntry

register = template.Library()

# The status and troubleshooting page; a literal path because it is linked from here before
# that page's route is guaranteed to exist.
STATUS_CODES_PATH = "/status-codes/"

PUSH_STATUS_COLOURS = {
    PushStatus.PENDING: "blue",
    PushStatus.SUCCESS: "green",
    PushStatus.FAILED: "red",
    PushStatus.TIMED_OUT: "amber",
}
VALIDATION_FIELDS = ("itemId", "message", "validatorName")


@register.simple_tag
def troubleshooting_url(entry: ErrorEntry) -> str:
    return f"{STATUS_CODES_PATH}#{entry.anchor}"


@register.simple_tag
def status_code_url(code: int) -> str:
    return f"{STATUS_CODES_PATH}#{status_for(code).anchor}"


@register.simple_tag
@lru_cache(maxsize=64)
def push_status_badge(status: str) -> str:
    """A push item's status as a badge; a status outside the enum is shown raw, in grey."""
    try:
        known = PushStatus(status)
    except ValueError:
        return format_html('<span class="badge badge-grey">{}</span>', status)
    return format_html(
        '<span class="badge badge-{}">{}</span>', PUSH_STATUS_COLOURS[known], known.label
    )


def url_with(url: str, **params: object) -> str:
    """`url` with `params` as its query string, leaving out the empty ones."""
    query = urlencode({name: value for name, value in params.items() if value not in ("", None)})
    return f"{url}?{query}" if query else url


@register.simple_tag
def with_back(url: str, back: str) -> str:
    """`url` carrying `back`, the query string of the page to return to."""
    return url_with(url, back=back)


@register.filter
def pretty_json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@register.simple_tag
def validation_messages(validation: Any, kind: str) -> list[dict[str, str]]:
    """The `errors` or `warnings` of a push item's validation, tolerating malformed records."""
    entries = validation.get(kind) if isinstance(validation, dict) else None
    if not isinstance(entries, list):
        return []
    return [
        {field: str(entry.get(field) or "") for field in VALIDATION_FIELDS}
        if isinstance(entry, dict)
        else {"itemId": "", "message": str(entry), "validatorName": ""}
        for entry in entries
    ]
