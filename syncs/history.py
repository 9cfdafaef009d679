"""Turns the history's query string into what the page and the export show.

Bad parameters never fail the request: each one is dropped with a message saying why, and
the rest still apply.
"""

from dataclasses import dataclass, field
from datetime import timedelta

from django.http import QueryDict
from django.utils import timezone

from accounts.selectors import preference_history_columns

from .filters import SyncFilter, Window
from .keyset import RowBeyond
from .models import WINDOW_INDEX_CONDITION, Sync, SyncCombination
from .pagination import InvalidCursor, Page, paginate
from .selectors import SORTABLE, few_valued_lead, parse_sort, sort_keys, sync_history
from .tables import DEFAULT_COLUMNS, TOGGLEABLE

PAGE_SIZE = 50
# The longest window whose syncs of each combination of few values are read whole, from
# sync_few_values_window. Over longer ones, walking the next key's index finds a page of
# the busy combinations sooner. On 1,000,000 syncs over two years, up to a quarter reading
# whole was faster in most orders, by four times and more for those led by status, and
# twice as slow deep in Source, Status, Product; over a year it was slower in most.
NARROW_WINDOW = timedelta(days=92)
# Sorted by three of those columns and then the id, a combination's syncs are otherwise
# walked in id order a value of the fourth column at a time (sync_few_values_id), and that
# walk overtakes reading whole beyond a month: Source, Status ↓, Product, page 1 / halfway,
# ms, over 90 days 20.5 / 22.4 walked against 19.7 / 25.8 read whole, over 7 days 14.5 / 19.4
# against 12.4 / 14.1.
NARROW_WINDOW_OF_THREE = timedelta(days=31)
# The most syncs of a search sorted whole from sync_company_values rather than picked a
# combination at a time; counting up to it costs every search with more. By Status then
# Destination, searches of 30,700 and 121,900 syncs took 31-41 and 66-68 ms sorted whole
# against 89-135 and 239 walked; by Source, Status, Product the larger 66 against 48.
FEW_SEARCHED = 50_000
# The same for a search that is the start of an id: "ab1" (233 syncs) took 17-19 ms sorted
# whole against 1 s walked, "a1" (8,600) 41-43 against 26-58, "ab" (38,000) 112-122 against
# 31-160 by the order.
FEW_BY_ID_START = 10_000
# The sync fields behind each column of the table and the export.
FIELDS = {
    "company": ("company__name",),
    "sync_id": ("id",),
    "product": ("product",),
    "started": ("started_at",),
    "finished": ("finished_at",),
    "run_time": ("started_at", "finished_at"),
    "status": ("status_code",),
    "source": ("source_platform",),
    "destination": ("destination_platform",),
    "data_range": ("data_start", "data_finish"),
    "items": ("id",),
    "notes": ("notes",),
}


@dataclass
class History:
    filterset: SyncFilter
    counts_filterset: SyncFilter
    sort: list[str]
    columns: list[str]
    problems: list[str] = field(default_factory=list)

    @property
    def hidden(self) -> list[str]:
        return [column for column in TOGGLEABLE if column not in self.columns]

    @property
    def fields(self) -> set[str]:
        """The sync fields the visible columns and the sort need. The sync id always shows,
        and the company is always joined (`sync_history`)."""
        always = ["sync_id", "company"]
        shown = {field for column in [*always, *self.columns] for field in FIELDS[column]}
        sorted_by = {SORTABLE[name.lstrip("-")] for name in self.sort}
        return shown | {
            field
            for sortable in sorted_by
            for field in sortable.fields
            if field not in dict(sortable.annotations)
        }

    @property
    def queryset(self):
        return self._shown(self.filterset)

    def _shown(self, filterset: SyncFilter):
        # Only what shows: a page of every column read and parsed 20 fields per row.
        return sync_history(queryset=filterset.qs, sort=self.sort).only(*self.fields)

    @property
    def counts_later(self) -> bool:
        """Whether this view's counts come after its page, from a request of their own. Only
        a search's syncs are counted one by one, as no counts are kept per company: a broad
        one's took 650 ms and more on 1,000,000 syncs, a narrow one's 9 to 30 ms, and no
        cheaper test tells them apart (reading a page's worth of matches to tell cost as much
        as counting a company's). So every search shows its rows first."""
        return bool(self.counts_filterset.form.cleaned_data.get("q"))

    def page(self, cursor: str | None, size: int = PAGE_SIZE) -> Page:
        keys = sort_keys(self.sort)
        filterset, bound = self.filterset, None
        start = filterset.window.start
        grouped = few_valued_lead(self.sort, windowed=bool(start))
        # A combination of few values at a time, an order walks the index of the key after them.
        walked = self.sort[grouped] if grouped < len(self.sort) else None
        walked_by = SORTABLE[walked.lstrip("-")] if walked else None
        newest_first = bool(walked) and walked.startswith("-") and not cursor
        if walked_by and walked_by.lowest_from and start and not newest_first:
            # Only implied by the window, but without it the database reads the order's
            # index from its far end: every earlier sync to find a page of the last week's,
            # or after the last page of them. The newest page needs no bound.
            lowest = walked_by.lowest_from(start)
            bound = RowBeyond(walked_by.fields, lowest, descending=False, inclusive=True)
            filterset = filterset.with_start_unestimated()
        searching = bool(filterset.form.cleaned_data.get("q"))
        joined = any(SORTABLE[name.lstrip("-")].joined for name in self.sort)
        if searching and joined:
            filterset = filterset.with_names_joined()
        if searching or joined:
            # Neither a search's syncs, found through the company index, nor the syncs of
            # each company in name order come out of an index in page order: the page is
            # picked among index entries, and only its own rows are read.
            picked = sync_history(queryset=filterset.qs, sort=self.sort)
            whole = sync_history(queryset=Sync.objects.all(), sort=self.sort).only(*self.fields)
        else:
            picked, whole = self._shown(filterset), None
        if bound is not None:
            picked = picked.filter(bound)
        # Walked from the window's start, complete times are bounded by it and the start,
        # unestimated, bounds no range of the window's index: no combination is read whole.
        longest = NARROW_WINDOW_OF_THREE if grouped >= 3 else NARROW_WINDOW
        narrow = bound is None and is_narrow(filterset.window, longest)
        if narrow:
            picked = picked.filter(WINDOW_INDEX_CONDITION)
        started = walked_by is SORTABLE["started"]
        options = {
            "whole": whole,
            "grouped": grouped,
            "combinations": SyncCombination,
            "narrow": narrow,
            # sync_few_values_window holds each combination of few values in start order.
            "in_order": WINDOW_INDEX_CONDITION if started else None,
            # The syncs of a search naming a few companies are sorted whole when there are
            # few enough. A search naming more is broad enough for the walk, and telling how
            # many syncs it has would cost as much.
            "few": _few_searched(filterset) if searching else 0,
        }
        try:
            return paginate(picked, keys, cursor, size, **options)
        except InvalidCursor:
            self.problems.append(
                "That page link is not valid for this view any more, so the first page is shown."
            )
            return paginate(picked, keys, None, size, **options)


def _few_searched(filterset: SyncFilter) -> int:
    if not filterset.finds_few_companies():
        return 0
    # The syncs found by their ids' start are read from the table, which alone holds their
    # sort columns beside their ids.
    return FEW_BY_ID_START if filterset.starts_an_id() else FEW_SEARCHED


def is_narrow(window: Window, longest: timedelta = NARROW_WINDOW) -> bool:
    """Whether `window` is no longer than `longest`, short enough for its syncs of each
    combination of few values to be read whole."""
    if window.start is None:
        return False
    return (window.end or timezone.now()) - window.start <= longest


def _valid_filters(data: QueryDict, problems: list[str]) -> SyncFilter:
    filterset = SyncFilter(data, queryset=Sync.objects.all())
    if filterset.is_valid():
        return filterset
    form = filterset.form
    kept = data.copy()
    for name, messages in form.errors.items():
        label = form.fields[name].label if name in form.fields else "Filters"
        problems.extend(f"{label}: {message}" for message in messages)
        kept.pop(name, None)
    filterset = SyncFilter(kept, queryset=Sync.objects.all())
    filterset.is_valid()
    return filterset


def history_from(data: QueryDict, user) -> History:
    problems: list[str] = []
    filterset = _valid_filters(data, problems)
    sort, refused = parse_sort(data.getlist("sort"))
    if refused:
        problems.append(f"Can't sort by {', '.join(refused)}; sorted by the remaining choice.")
    chosen = preference_history_columns(user=user)
    columns = [c for c in TOGGLEABLE if c in chosen] if chosen is not None else DEFAULT_COLUMNS
    return History(filterset, filterset.without_status(), sort, columns, problems)
