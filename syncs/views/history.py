from itertools import groupby

from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.html import escape
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from synchealth.access import staff_required

from ..breakdown import sync_breakdown
from ..buckets import chart_kind
from ..charts import sync_activity
from ..export import csv_lines, filename
from ..filters import PRESETS
from ..history import History, history_from
from ..selectors import (
    MAX_SORT_KEYS,
    SORTABLE,
    CodeCount,
    Dashboard,
    sync_code_counts,
    sync_dashboard,
    sync_item_counts,
)
from ..tables import TOGGLEABLE, SyncTable


def _query(data: QueryDict, **changes) -> str:
    """The query string of `data` with `changes` applied (None drops a key); no cursor.
    Changed keys go last. Built from pairs: a QueryDict copies itself deeply."""
    pairs = [
        (key, value)
        for key, values in data.lists()
        if key != "cursor" and key not in changes
        for value in values
    ]
    for key, value in changes.items():
        if isinstance(value, list):
            pairs += [(key, item) for item in value]
        elif value is not None:
            pairs.append((key, value))
    return urlencode(pairs)


def _sort_links(data: QueryDict, sort: list[str]) -> dict[str, dict]:
    """Per sortable column: the link a header click follows and its aria-sort state."""
    primary = sort[0]
    # Every link is the current query with only the sort changed, which goes last.
    base = _query(data, sort=None)
    base = f"?{base}&" if base else "?"
    links = {}
    for name in SORTABLE:
        if primary.lstrip("-") == name:
            descending = primary.startswith("-")
            state = "descending" if descending else "ascending"
            target = name if descending else f"-{name}"
        else:
            state, target = "none", f"-{name}" if name in ("started", "finished") else name
        links[name] = {"href": f"{base}{urlencode({'sort': target})}", "state": state}
    return links


# The markup below is built here rather than by template loops, which cost a few
# milliseconds a page; every value and label in it is one of ours, never a person's text.
def _sort_menus(sort: list[str]) -> SafeString:
    """A select per sort key, each offering every column in both directions."""
    menus = []
    for slot, chosen in enumerate([*sort, "", ""][:MAX_SORT_KEYS]):
        options = [
            f'<option value="">{"Start Time ↓ (default)" if slot == 0 else "then…"}</option>'
        ]
        for key, column in SORTABLE.items():
            for value, label in ((f"-{key}", "↓ descending"), (key, "↑ ascending")):
                picked = " selected" if chosen == value else ""
                options.append(f'<option value="{value}"{picked}>{column.label} {label}</option>')
        menus.append(
            f'<select name="sort" form="filters" aria-label="Sort key {slot + 1}">'
            f"{''.join(options)}</select>"
        )
    return mark_safe("\n".join(menus))


def _status_menu(counts: list[CodeCount], selected: list[int], *, counted: bool) -> SafeString:
    """The status filter's checkboxes, a fieldset per family, each code with its count
    (an ellipsis while it is still to be `counted`)."""
    fieldsets = []
    for family, members in groupby(counts, key=lambda count: count.status.family):
        options = "".join(
            '<label class="status-option"><input type="checkbox" name="status" '
            f'value="{count.status.code}"{" checked" if count.status.code in selected else ""}>'
            f' <span class="code">{count.status.code}</span> {escape(count.status.reason)}'
            f' <span class="count">{f"{count.total:,}" if counted else "…"}</span></label>'
            for count in members
        )
        fieldsets.append(f"<fieldset><legend>{family.label}</legend>{options}</fieldset>")
    return mark_safe("".join(fieldsets))


def _sort_summary(sort: list[str]) -> str:
    """The order the rows are in, e.g. "Start Time ↓, Company ↑"."""
    return ", ".join(
        f"{SORTABLE[key.lstrip('-')].label} {'↓' if key.startswith('-') else '↑'}" for key in sort
    )


def _card_links(data: QueryDict, dashboard: Dashboard) -> dict[str, str]:
    """Clicking a card narrows the history to what the card counts."""
    return {
        "failed": "?" + _query(data, status=[str(c) for c in dashboard.failure_codes]),
        "in_progress": "?" + _query(data, status=[str(c) for c in dashboard.in_progress_codes]),
        "total": "?" + _query(data, status=None),
    }


def _counted(data: QueryDict, history: History, *, later: bool = False) -> dict:
    """The cards, the chart and the status menu's counts. Counted `later`, they are drawn
    without numbers, to be filled in from `counts`."""
    filterset = history.filterset
    window = filterset.window
    selected = filterset.form.cleaned_data.get("status") or []
    kind = chart_kind(window)
    tallies = [] if later else sync_breakdown(filterset=history.counts_filterset, kind=kind)
    counts = sync_code_counts(tallies=tallies)
    dashboard = sync_dashboard(counts=counts, selected=selected)
    chart = sync_activity(tallies=tallies, window=window, kind=kind, selected=selected)
    # Each bar links to the same view narrowed to its own span.
    outside = _query(data, range=None, start=None, end=None)
    for bar in chart.bars:
        # Its edges' ISO minutes hold no character a query escapes but ":": urlencode took
        # 1.5 ms for a quarter's 91 bars.
        span = f"range=custom&start={bar.href_start}&end={bar.href_end}".replace(":", "%3A")
        bar.href = f"?{outside}&{span}" if outside else f"?{span}"
    return {
        "counts_later": later,
        "counts": counts,
        "selected": selected,
        "dashboard": dashboard,
        "chart": chart,
        "status_menu": _status_menu(counts, selected, counted=not later),
        "card_links": _card_links(data, dashboard),
    }


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    history = history_from(request.GET, request.user)
    filterset = history.filterset
    later = "counts" not in request.GET and history.counts_later
    counted = _counted(request.GET, history, later=later)
    page = history.page(request.GET.get("cursor"))
    item_counts = (
        sync_item_counts(sync_ids=[row.id for row in page.rows])
        if "items" in history.columns
        else {}
    )
    table = SyncTable(
        page.rows,
        exclude=history.hidden,
        item_counts=item_counts,
        detail_query=request.GET.urlencode(),
    )
    return render(
        request,
        "syncs/history.html",
        {
            **counted,
            "history": history,
            "filter": filterset,
            "window": filterset.window,
            "presets": PRESETS,
            "table": table,
            "page": page,
            "sort_links": _sort_links(request.GET, history.sort),
            "sort_menus": _sort_menus(history.sort),
            "sort_summary": _sort_summary(history.sort),
            "toggleable": [(key, SyncTable.base_columns[key].verbose_name) for key in TOGGLEABLE],
            "query": _query(request.GET),
            "counts_query": _query(request.GET, counts="now"),
        },
    )


@require_GET
@staff_required
# Paging through a search asks for the same counts on every page: a broad search's take a
# second of the database's time, so the browser keeps them briefly.
@cache_control(private=True, max_age=30)
def counts(request: HttpRequest) -> HttpResponse:
    """The cards, the chart and the status menu of a history view whose page came without
    them (`History.counts_later`)."""
    history = history_from(request.GET, request.user)
    return render(request, "syncs/includes/counts.html", _counted(request.GET, history))


@require_GET
@staff_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """Every row of the current filtered, sorted view, in the visible columns, streamed."""
    history = history_from(request.GET, request.user)
    response = StreamingHttpResponse(csv_lines(history), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(history)}"'
    return response
