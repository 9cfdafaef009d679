from django.http import HttpRequest, HttpResponse, QueryDict, StreamingHttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from synchealth.access import staff_required

from ..breakdown import sync_breakdown
from ..buckets import chart_kind
from ..charts import sync_activity
from ..export import csv_lines, filename
from ..filters import PRESETS
from ..history import history_from
from ..selectors import (
    MAX_SORT_KEYS,
    SORTABLE,
    Dashboard,
    sync_code_counts,
    sync_dashboard,
    sync_item_counts,
)
from ..tables import TOGGLEABLE, SyncTable


def _query(data: QueryDict, **changes) -> str:
    """The query string of `data` with `changes` applied (None drops a key); no cursor."""
    query = data.copy()
    query.pop("cursor", None)
    for key, value in changes.items():
        query.pop(key, None)
        if isinstance(value, list):
            query.setlist(key, value)
        elif value is not None:
            query[key] = value
    return query.urlencode()


def _sort_links(data: QueryDict, sort: list[str]) -> dict[str, dict]:
    """Per sortable column: the link a header click follows and its aria-sort state."""
    primary = sort[0]
    links = {}
    for name in SORTABLE:
        if primary.lstrip("-") == name:
            descending = primary.startswith("-")
            state = "descending" if descending else "ascending"
            target = name if descending else f"-{name}"
        else:
            state, target = "none", f"-{name}" if name in ("started", "finished") else name
        links[name] = {"href": "?" + _query(data, sort=target), "state": state}
    return links


def _sort_menus(sort: list[str]) -> list[list[tuple[str, str, bool]]]:
    """Per sort key the menu offers: every choice as (value, label, chosen)."""
    menus = []
    for slot, chosen in enumerate([*sort, "", ""][:MAX_SORT_KEYS]):
        options = [("", "Start Time ↓ (default)" if slot == 0 else "then…", False)]
        for key, column in SORTABLE.items():
            options.append((f"-{key}", f"{column.label} ↓ descending", chosen == f"-{key}"))
            options.append((key, f"{column.label} ↑ ascending", chosen == key))
        menus.append(options)
    return menus


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


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    history = history_from(request.GET, request.user)
    filterset = history.filterset
    window = filterset.window
    selected = filterset.form.cleaned_data.get("status") or []
    kind = chart_kind(window)
    tallies = sync_breakdown(filterset=history.counts_filterset, kind=kind)
    counts = sync_code_counts(tallies=tallies)
    page = history.page(request.GET.get("cursor"))
    item_counts = (
        sync_item_counts(sync_ids=[row.id for row in page.rows])
        if "items" in history.columns
        else {}
    )
    dashboard = sync_dashboard(counts=counts, selected=selected)
    chart = sync_activity(tallies=tallies, window=window, kind=kind, selected=selected)
    # Each bar links to the same view narrowed to its own span.
    outside = _query(request.GET, range=None, start=None, end=None)
    for bar in chart.bars:
        span = urlencode({"range": "custom", "start": bar.href_start, "end": bar.href_end})
        bar.href = f"?{outside}&{span}" if outside else f"?{span}"
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
            "history": history,
            "filter": filterset,
            "window": window,
            "presets": PRESETS,
            "counts": counts,
            "selected": selected,
            "dashboard": dashboard,
            "chart": chart,
            "table": table,
            "page": page,
            "sort_links": _sort_links(request.GET, history.sort),
            "sort_menus": _sort_menus(history.sort),
            "sort_summary": _sort_summary(history.sort),
            "toggleable": [(key, SyncTable.base_columns[key].verbose_name) for key in TOGGLEABLE],
            "query": _query(request.GET),
            "card_links": _card_links(request.GET, dashboard),
        },
    )


@require_GET
@staff_required
def export(request: HttpRequest) -> StreamingHttpResponse:
    """Every row of the current filtered, sorted view, in the visible columns, streamed."""
    history = history_from(request.GET, request.user)
    response = StreamingHttpResponse(csv_lines(history), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename(history)}"'
    return response
