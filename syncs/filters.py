"""The history's filters: search, date range, status codes, unresolved failures."""

import copy
import re
import uuid
import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta, tzinfo
from functools import cache, cached_property

import django_filters
from django import forms
from django.db.models import DateTimeField, ExpressionWrapper, F, Q, QuerySet, Value
from django.db.models.lookups import GreaterThanOrEqual
from django.utils import timezone

from .models import Company

HEX = re.compile(r"^[0-9a-f]{1,32}$")
MAX_CODE = 99_999
# The most companies a search names by their ids; beyond them, a subquery names them. Counts
# read every sync of the companies named: listed, PostgreSQL reads just theirs from the company
# index (290 companies' 66,000 syncs of 1,000,000 in 165 ms, against 330 ms by subquery). A
# page reads in its own order and stops at its last row, so a subquery serves it as well, and
# each id listed cost it about 20 µs to build, send and plan: 33 ms against 22 ms for 988.
LISTED_TO_COUNT = 1000
LISTED_TO_PAGE = 100
# Wide enough for any real sync history, narrow enough that no zone shift leaves the calendar.
FIRST_YEAR, LAST_YEAR = 1970, 2100
PRESETS = {
    "24h": "Last 24 hours",
    "today": "Today",
    "7d": "Last 7 days",
    "30d": "Last 30 days",
    "all": "Any time",
    "custom": "Custom range",
}
DEFAULT_PRESET = "7d"


@dataclass(frozen=True)
class Window:
    """The stretch of start times the history covers; open ends are None."""

    start: datetime | None
    end: datetime | None
    zone: tzinfo

    @property
    def length(self) -> timedelta | None:
        return self.end - self.start if self.start and self.end else None


def uuid_prefix_range(text: str) -> tuple[uuid.UUID, uuid.UUID] | None:
    """The ids starting with `text` (any case, dashes optional) as an index-friendly range."""
    digits = text.replace("-", "").strip().lower()
    if not HEX.match(digits):
        return None
    low = uuid.UUID(digits.ljust(32, "0"))
    high = uuid.UUID(digits.ljust(32, "f"))
    return low, high


class StatusCodesField(forms.Field):
    widget = forms.CheckboxSelectMultiple

    def to_python(self, value) -> list[int]:
        if not value:
            return []
        values = value if isinstance(value, (list, tuple)) else [value]
        codes = []
        for raw in values:
            if not (str(raw).isascii() and str(raw).isdigit()) or int(raw) > MAX_CODE:
                raise forms.ValidationError(
                    "Status codes are whole numbers such as 2000 or 5130; %(value)s is not one.",
                    params={"value": str(raw)[:20]},
                )
            codes.append(int(raw))
        return sorted(set(codes))


@cache
def _zone_names() -> frozenset[str]:
    """Every IANA zone name: read once, as listing them walks the tz database on disk."""
    return frozenset(zoneinfo.available_timezones())


class TimeZoneField(forms.CharField):
    def to_python(self, value) -> str:
        value = super().to_python(value)
        if value and value not in _zone_names():
            raise forms.ValidationError(
                "%(value)s is not a time zone.", params={"value": value[:60]}
            )
        return value


class WallClockField(forms.CharField):
    """A date, or a date and time, as a person types it; naive unless it names an offset."""

    widget = forms.DateTimeInput(attrs={"type": "datetime-local"})

    def to_python(self, value) -> datetime | None:
        value = super().to_python(value)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value.strip().replace(" ", "T"))
        except ValueError:
            raise forms.ValidationError(
                "Enter a date like 2026-11-26 or a date and time like 2026-11-26T14:30."
            ) from None
        if not FIRST_YEAR <= moment.year <= LAST_YEAR:
            raise forms.ValidationError(f"Enter a date between {FIRST_YEAR} and {LAST_YEAR}.")
        # A typed offset is kept as the instant it names; PostgreSQL stores no offset
        # beyond ±15:59, which Python allows.
        return moment.astimezone(UTC) if moment.utcoffset() is not None else moment


class StatusCodesFilter(django_filters.Filter):
    field_class = StatusCodesField


class WallClockFilter(django_filters.Filter):
    field_class = WallClockField


class TimeZoneFilter(django_filters.Filter):
    field_class = TimeZoneField


class HistoryForm(forms.Form):
    def clean(self) -> dict:
        data = super().clean()
        # Either end may name its own offset; the other is read in the reader's zone.
        zone = zoneinfo.ZoneInfo(data.get("tz") or timezone.get_current_timezone_name())
        start, end = _in_zone(data.get("start"), zone), _in_zone(data.get("end"), zone)
        if start and end and start >= end:
            self.add_error("end", "The end of the date range must come after its start.")
        return data


class SyncFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label="Search", method="no_op", max_length=200,
        help_text="Sync id, company id (whole or the first characters) or company name",
    )  # fmt: skip
    range = django_filters.ChoiceFilter(
        label="Date range", choices=list(PRESETS.items()), method="no_op", empty_label=None
    )
    start = WallClockFilter(label="From", method="no_op")
    end = WallClockFilter(label="To", method="no_op")
    tz = TimeZoneFilter(method="no_op", label="Time zone")
    status = StatusCodesFilter(method="by_status", label="Status Code")
    unresolved = django_filters.BooleanFilter(
        label="Unresolved failures only", method="only_unresolved", widget=forms.CheckboxInput
    )

    class Meta:
        form = HistoryForm
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The ids of companies named like a search, shared with the copy `without_status`
        # makes: the history filters the syncs twice, once for the page and once for counts.
        self._named: dict[str, list] = {}

    def no_op(self, queryset: QuerySet, name: str, value) -> QuerySet:
        # Applied in `filter_queryset`: the window's fields only mean something as a set, and
        # a search depends on the filterset running it, while a filter's method stays bound
        # to the one it was made for, not to a copy (`_copy`).
        return queryset

    def search(self, queryset: QuerySet, value: str) -> QuerySet:
        value = value.strip()
        if not value:
            return queryset
        # In no order: in name order the lookup walked the name index and every company's
        # row, 8 ms rather than 3.5 ms over 5,000 companies.
        named = Company.objects.filter(name__icontains=value).order_by()
        named = named.values_list("id", flat=True)
        if value not in self._named:
            self._named[value] = list(named[: LISTED_TO_COUNT + 1])
        ids = self._named[value]
        if len(ids) <= self.listed:
            matches = Q(company__in=ids)
        elif self.names_joined:
            matches = Q(company__name__icontains=value)
        else:
            matches = Q(company__in=named)
        prefix = uuid_prefix_range(value)
        if prefix and prefix[0] == prefix[1]:
            # A whole id: PostgreSQL estimates an equality from its statistics, but a range
            # from an id to itself as if it held thousands of syncs.
            matches |= Q(id=prefix[0]) | Q(company_id=prefix[0])
        elif prefix:
            low, high = prefix
            matches |= Q(id__range=prefix) | Q(company_id__gte=low, company_id__lte=high)
        return queryset.filter(matches)

    @property
    def searched(self) -> str:
        return (self.form.cleaned_data.get("q") or "").strip()

    def finds_few_companies(self) -> bool:
        """Whether the search names at most `listed` companies, by their ids. Not before the
        syncs are filtered, which looks the companies up."""
        named = self._named.get(self.searched)
        return named is not None and len(named) <= self.listed

    def starts_an_id(self) -> bool:
        """Whether the search also finds the syncs whose ids, or whose companies' ids, start
        with it: a share of every company's, not just those of one sync and one company."""
        prefix = uuid_prefix_range(self.searched)
        return prefix is not None and prefix[0] != prefix[1]

    def by_status(self, queryset: QuerySet, name: str, value: list[int]) -> QuerySet:
        return queryset.filter(status_code__in=value) if value else queryset

    def only_unresolved(self, queryset: QuerySet, name: str, value: bool) -> QuerySet:
        return queryset.unresolved_failed() if value else queryset

    @property
    def preset(self) -> str:
        data = self.form.cleaned_data
        return data.get("range") or (
            "custom" if data.get("start") or data.get("end") else DEFAULT_PRESET
        )

    @cached_property
    def window(self) -> Window:
        """Read once: a relative window ("last 7 days") must not move between the filter,
        the counts and the pages read after them, as a long export's pages are."""
        data = self.form.cleaned_data
        zone = zoneinfo.ZoneInfo(data.get("tz") or timezone.get_current_timezone_name())
        now = timezone.now()
        start, end = data.get("start"), data.get("end")
        preset = self.preset
        if preset == "custom":
            return Window(_in_zone(start, zone), _in_zone(end, zone), zone)
        if preset == "all":
            return Window(None, None, zone)
        if preset == "today":
            midnight = datetime.combine(now.astimezone(zone).date(), time(), tzinfo=zone)
            return Window(midnight, None, zone)
        hours = {"24h": 24, "7d": 24 * 7, "30d": 24 * 30}[preset]
        return Window(now - timedelta(hours=hours), None, zone)

    # Whether the window's start is stated so that the database cannot estimate it (see
    # `with_start_unestimated`).
    start_unestimated = False
    # How many companies a search may name by their ids (`LISTED_TO_PAGE`).
    listed = LISTED_TO_PAGE
    # Whether the syncs come joined to their companies, whose names a search then tests
    # (see `with_names_joined`).
    names_joined = False

    def without_status(self) -> "SyncFilter":
        """These filters but for the status codes, from the form already validated: the
        history counts every code that the other filters leave. They name more companies by
        id (`LISTED_TO_COUNT`)."""
        form = copy.copy(self.form)
        form.cleaned_data = {**self.form.cleaned_data, "status": []}
        other = self._copy()
        other._form = form  # where django-filter keeps the form it builds
        other.listed = LISTED_TO_COUNT
        return other

    def with_start_unestimated(self) -> "SyncFilter":
        """These filters with the window's start stated as a test that PostgreSQL cannot
        estimate. A page walking complete times from the window's start bounds them too, and
        the planner takes the two bounds as independent: it expects a hundredth of the
        window's syncs (92 of 9,400 over 7 days), so it reads and sorts the whole window
        rather than walk the index to the page's first rows."""
        other = self._copy()
        other.start_unestimated = True
        return other

    def with_names_joined(self) -> "SyncFilter":
        """These filters for syncs read joined to their companies, as an order by company
        reads them: a search naming more companies than it lists tests each joined company's
        name. Tested among the syncs instead, against the ids of every company so named,
        the test kept PostgreSQL from reading each company's syncs in name order from the
        company index: it read all of a pairing's syncs to sort them by name, 9.5 ms
        against 2.7 for the 4,300 syncs of "a" in Source, Status ↓, Company's first."""
        other = self._copy()
        other.names_joined = True
        return other

    def _copy(self) -> "SyncFilter":
        other = copy.copy(self)
        other.__dict__.pop("_qs", None)
        other.__dict__["window"] = self.window  # the same moment as the page's
        return other

    def filter_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().filter_queryset(queryset)
        queryset = self.search(queryset, self.form.cleaned_data.get("q") or "")
        window = self.window
        if window.start and self.start_unestimated:
            started = ExpressionWrapper(
                F("started_at") + Value(timedelta(0)), output_field=DateTimeField()
            )
            queryset = queryset.filter(GreaterThanOrEqual(started, window.start))
        elif window.start:
            queryset = queryset.filter(started_at__gte=window.start)
        if window.end:
            queryset = queryset.filter(started_at__lt=window.end)
        return queryset


def _in_zone(moment: datetime | None, zone: tzinfo) -> datetime | None:
    """A typed-in time means wall-clock time in the reader's zone unless it names its own."""
    if moment is None:
        return None
    return moment.replace(tzinfo=zone) if timezone.is_naive(moment) else moment
