from uuid import UUID

from django.core.exceptions import TooManyFieldsSent
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from pushitems.models import PushStatus
from pushitems.selectors import push_item_counts
from retries.selectors import retry_audit
from synchealth.access import staff_required

from ..config import config_json
from ..models import Sync
from ..templatetags.sync_details import url_with, with_back
from ..troubleshooting import entry_for

TABS = (
    ("summary", "Summary", "sync-summary"),
    ("config", "Config", "sync-config"),
    ("push-items", "Push Items", "sync-push-items"),
)
# Problems first: that is what a support person opens a sync to find.
COUNTED_STATUSES = (PushStatus.FAILED, PushStatus.TIMED_OUT, PushStatus.PENDING, PushStatus.SUCCESS)
RECONCILE_NOTE = "please reconcile manually"
NO_CONFIG = "No configuration snapshot was recorded for this sync."


def safe_query(raw: str) -> str:
    """`raw` parsed and re-encoded, so it can only ever be a query string, never a URL."""
    try:
        return QueryDict(raw).urlencode()
    except TooManyFieldsSent:
        return ""


def back_query(request: HttpRequest) -> str:
    """The query string of the page to go back to, from the `back` parameter."""
    return safe_query(request.GET.get("back", ""))


def history_url(back: str) -> str:
    return f"{reverse('home')}?{back}" if back else reverse("home")


def tab_context(request: HttpRequest, sync: Sync, current: str) -> dict:
    """What every tab of the Sync Details page needs: the sync, the tabs and the way back."""
    back = back_query(request)
    return {
        "sync": sync,
        "back": back,
        "history_url": history_url(back),
        "tabs": [
            {
                "slug": slug,
                "label": label,
                "url": with_back(reverse(name, args=[sync.pk]), back),
                "selected": slug == current,
            }
            for slug, label, name in TABS
        ],
        "current_tab": current,
    }


@require_GET
@staff_required
def summary(request: HttpRequest, sync_id: UUID) -> HttpResponse:
    sync = get_object_or_404(
        Sync.objects.select_related("company", "retry_of", "resolved_by"), pk=sync_id
    )
    context = tab_context(request, sync, "summary")
    counts = push_item_counts(sync=sync)
    items_url = reverse("sync-push-items", args=[sync.pk])
    audit = retry_audit(sync=sync)
    audited = {retry.sync_id for retry in audit.requested}
    context.update(
        error_entry=entry_for(sync.error_message),
        needs_reconciling=RECONCILE_NOTE in sync.notes.lower(),
        company_url=url_with(reverse("home"), q=sync.company_id),
        audit=audit,
        # Retry syncs with no recorded request (imported history) still need a link.
        retries=[retry for retry in sync.retries.all() if retry.pk not in audited],
        items_url=with_back(items_url, context["back"]),
        item_total=sum(counts.values()),
        item_counts=[
            {
                "status": status,
                "count": counts[status],
                "url": url_with(items_url, status=status.value, back=context["back"]),
            }
            for status in COUNTED_STATUSES
        ],
    )
    return render(request, "syncs/detail/summary.html", context)


@require_GET
@staff_required
def config(request: HttpRequest, sync_id: UUID) -> HttpResponse:
    sync = get_object_or_404(Sync.objects.select_related("company", "config"), pk=sync_id)
    context = tab_context(request, sync, "config")
    context.update(
        config_text=config_json(sync.config.data) if sync.config else None,
        no_config=NO_CONFIG,
    )
    return render(request, "syncs/detail/config.html", context)


@require_GET
@staff_required
def config_download(request: HttpRequest, sync_id: UUID) -> HttpResponse:
    sync = get_object_or_404(Sync.objects.select_related("config"), pk=sync_id)
    if sync.config is None:
        raise Http404(NO_CONFIG)
    response = HttpResponse(config_json(sync.config.data), content_type="application/json")
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=f"sync-{sync.pk}-config.json"
    )
    return response
