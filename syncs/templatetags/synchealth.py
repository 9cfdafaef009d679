from datetime import UTC, datetime, timedelta

from django import template
from django.utils.html import format_html

from syncs.status import StatusCode, status_for

register = template.Library()


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
    return format_html(
        '<time datetime="{}" data-local data-utc="{}">{}</time>',
        utc.isoformat().replace("+00:00", "Z"),
        text,
        text,
    )


@register.filter
def get_item(mapping: dict, key: str):
    return mapping.get(key)
