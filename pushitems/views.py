from uuid import UUID

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from retries.models import RETRY_PERMISSION
from retries.selectors import retry_availability, retry_latest, retry_progress
from retries.views import NO_PERMISSION, failing_url
from synchealth.access import staff_required
from syncs.models import Sync
from syncs.templatetags.sync_details import with_back
from syncs.views.detail import back_query, history_url, safe_query, tab_context

from .filters import PushItemFilter
from .models import PushItem
from .selectors import KeysetPage, push_item_list, push_item_page
from .tables import PushItemTable

CURSORS = ("after", "before")
# Ids are 64-bit; a larger cursor can only be forged, and would overflow the database's type.
MAX_ID = 2**63 - 1


def _cursor(value: str | None) -> int | None:
    """A page cursor from the query string; anything but a plausible id means no cursor."""
    try:
        cursor = int(value or "")
    except ValueError:
        return None
    return cursor if 0 <= cursor <= MAX_ID else None


def _page_url(request: HttpRequest, **cursor: int) -> str:
    query = request.GET.copy()
    for name in CURSORS:
        query.pop(name, None)
    for name, value in cursor.items():
        query[name] = str(value)
    encoded = query.urlencode()
    return f"{request.path}?{encoded}" if encoded else request.path


@require_GET
@staff_required
def push_items(request: HttpRequest, sync_id: UUID) -> HttpResponse:
    sync = get_object_or_404(Sync.objects.select_related("company"), pk=sync_id)
    filterset = PushItemFilter(request.GET, queryset=push_item_list(sync=sync))
    after, before = _cursor(request.GET.get("after")), _cursor(request.GET.get("before"))
    if filterset.is_valid():
        page = push_item_page(items=filterset.qs, after=after, before=before)
    else:
        # A filter that cannot be applied lists nothing, rather than everything it would hide.
        page = KeysetPage(items=[], next_after=None, previous_before=None)
    availability = retry_availability(sync=sync)
    # Only asked when the button could be enabled: otherwise the sync's reason is what counts.
    may_retry = availability.allowed and request.user.has_perm(RETRY_PERMISSION)
    retry = retry_latest(sync=sync)
    context = tab_context(request, sync, "push-items")
    context.update(
        form=filterset.form,
        table=PushItemTable(page.items, back=request.GET.urlencode(), selectable=may_retry),
        page=page,
        on_later_page=after is not None or before is not None,
        filtered=any(request.GET.get(name) for name in filterset.filters),
        clear_url=with_back(request.path, context["back"]),
        first_url=_page_url(request),
        next_url=_page_url(request, after=page.next_after) if page.next_after else None,
        previous_url=(
            _page_url(request, before=page.previous_before) if page.previous_before else None
        ),
        availability=availability,
        may_retry=may_retry,
        no_permission=NO_PERMISSION,
        retry=retry,
        progress=retry_progress(retry=retry) if retry else None,
        failing_url=failing_url(retry.sync_id, context["back"]) if retry else None,
    )
    return render(request, "pushitems/push_items.html", context)


@require_GET
@staff_required
def push_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PushItem.objects.select_related("sync__company"), pk=pk)
    list_query = back_query(request)
    history_back = safe_query(QueryDict(list_query).get("back", ""))
    items_url = reverse("sync-push-items", args=[item.sync_id])
    return render(
        request,
        "pushitems/push_item.html",
        {
            "item": item,
            "history_url": history_url(history_back),
            "summary_url": with_back(reverse("sync-summary", args=[item.sync_id]), history_back),
            "items_url": f"{items_url}?{list_query}" if list_query else items_url,
        },
    )
