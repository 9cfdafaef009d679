from datetime import UTC, datetime, timedelta
from functools import lru_cache

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from syncs.status import StatusCode, status_for

register = template.Library()


@lru_cache(maxsize=256)
def badge(status: StatusCode) -> str:
    return format_html(
        '<span class="badge badge-{}" title="{} · {}">{}</span>',
        status.colour,
        status.code,
        status.reason,
        status.label,
    )


@register.simple_tag
def status_badge(code: int) -> str:
    return badge(status_for(code))


@register.filter
def duration(value: timedelta | None) -> str:
    """A run time as hh:mm:ss, the way the Portal shows it."""
    if value is None:
        return ""
    seconds = int(value.total_seconds())
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


@register.filter
def short_id(value: object) -> str:
    return f"{str(value)[:8]}…"


@register.simple_tag
def utc_time(value: datetime | None, empty: str = "—") -> str:
    """A UTC time the reader's browser re-labels in their own zone (UTC stays in the title)."""
    if value is None:
        return empty
    utc = value.astimezone(UTC)
    text = utc.strftime("%d %b %Y %H:%M:%S UTC")
    iso = utc.isoformat().replace("+00:00", "Z")
    # Digits, month names and separators only, so nothing to escape: this runs for every
    # time on every page, where format_html's escaping was a measurable share of a page.
    return mark_safe(f'<time datetime="{iso}" data-local data-utc="{text}">{text}</time>')


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)
