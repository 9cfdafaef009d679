"""Time buckets in the reader's zone: hours, days, months or years, by how long the window is."""

from datetime import UTC, datetime, timedelta, tzinfo

from django.utils import timezone

from .filters import Window


def chart_kind(window: Window) -> str:
    """Hours for up to two days, days for up to three months, months for up to ten years,
    years beyond: never more than about a hundred and thirty bars."""
    if window.start is None:
        return "month"
    length = (window.end or timezone.now()) - window.start
    if length <= timedelta(days=2):
        return "hour"
    if length <= timedelta(days=92):
        return "day"
    return "month" if length <= timedelta(days=3653) else "year"


def bucket_floor(moment: datetime, kind: str, zone: tzinfo) -> datetime:
    """The start, in `zone`, of the `kind` bucket holding `moment`."""
    local = moment.astimezone(zone)
    if kind == "hour":
        return local.replace(minute=0, second=0, microsecond=0)
    local = local.replace(hour=0, minute=0, second=0, microsecond=0)
    if kind == "year":
        return local.replace(month=1, day=1)
    return local.replace(day=1) if kind == "month" else local


def bucket_after(moment: datetime, kind: str, zone: tzinfo) -> datetime:
    """The start of the bucket after the one starting at `moment`."""
    if kind == "hour":
        # Add in UTC so a daylight-saving change never repeats or skips an hour.
        return (moment.astimezone(UTC) + timedelta(hours=1)).astimezone(zone)
    if kind == "day":
        return (moment + timedelta(days=1)).replace(tzinfo=zone)
    if kind == "year":
        return moment.replace(year=moment.year + 1)
    year, month = divmod(moment.month, 12)
    return moment.replace(year=moment.year + year, month=month + 1)
