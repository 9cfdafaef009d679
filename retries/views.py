"""Pages for retrying failed push items: one sync, every sync the history shows, progress."""

from collections.abc import Callable
from functools import wraps
from uuid import UUID

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_GET, require_POST

from pushitems.models import PushStatus
from synchealth.access import staff_required
from syncs.filters import PRESETS
from syncs.history import History, history_from
from syncs.models import Sync
from syncs.templatetags.sync_details import with_back
from syncs.templatetags.synchealth import short_id
from syncs.views.detail import back_query, history_url, safe_query

from .models import RETRY_PERMISSION, Retry
from .selectors import retry_preview, retry_progress
from .services import (
    RetryAlreadyRunning,
    RetryBatch,
    RetryNotAllowed,
    retry_request,
    retry_request_many,
)

NO_PERMISSION = "Your account is not allowed to retry failed items."
BAD_SELECTION = "The selected items could not be read. Tick the failed items to retry again."
NOTHING_SELECTED = "Tick at least one failed item to retry."
QUEUE_DOWN = "The task queue cannot be reached, so it will start when the task queue is back."
# Ids are 64-bit; a larger one can only be forged, and would overflow the database's type.
MAX_ID = 2**63 - 1


def retry_permission_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.has_perm(RETRY_PERMISSION):
            raise PermissionDenied(NO_PERMISSION)
        return view(request, *args, **kwargs)

    return wrapper


def items_url(sync_id: UUID, back: str) -> str:
    return with_back(reverse("sync-push-items", args=[sync_id]), back)


def failing_url(sync_id: UUID, back: str) -> str:
    """The push items of `sync_id` that are still failing."""
    query = QueryDict(mutable=True)
    query.setlist("status", [PushStatus.FAILED, PushStatus.TIMED_OUT])
    if back:
        query["back"] = back
    return f"{reverse('sync-push-items', args=[sync_id])}?{query.urlencode()}"


def _selection(data: QueryDict) -> list[int] | None:
    """The ticked item ids, None when the whole sync is retried; ValueError if unreadable."""
    if "selection" not in data and "items" not in data:
        return None
    ids = [int(raw) for raw in data.getlist("items")]
    if any(not 0 < pk <= MAX_ID for pk in ids):
        raise ValueError("not an item id")
    return ids


def _sync_link(sync_id: UUID, back: str) -> str:
    return format_html(
        '<a href="{}"><code>{}</code></a>', items_url(sync_id, back), short_id(sync_id)
    )


@require_POST
@staff_required
@retry_permission_required
def retry(request: HttpRequest, sync_id: UUID) -> HttpResponse:
    sync = get_object_or_404(Sync, pk=sync_id)
    back = back_query(request)
    try:
        item_ids = _selection(request.POST)
    except ValueError:
        messages.error(request, BAD_SELECTION)
        return redirect(items_url(sync.pk, back))
    if item_ids == []:
        messages.error(request, NOTHING_SELECTED)
        return redirect(items_url(sync.pk, back))
    try:
        started = retry_request(sync=sync, requested_by=request.user, item_ids=item_ids)
    except RetryAlreadyRunning as running:
        link = items_url(running.retry.sync_id, back)
        messages.error(request, format_html('{} <a href="{}">See it</a>.', running.reason, link))
        return redirect(items_url(sync.pk, back))
    except RetryNotAllowed as refusal:
        messages.error(request, refusal.reason)
        return redirect(items_url(sync.pk, back))
    count = started.item_count
    text = format_html(
        "Retry sync {} was created for {} failed item{}.",
        _sync_link(started.sync_id, back),
        count,
        "" if count == 1 else "s",
    )
    if started.waiting_for_queue:
        messages.warning(request, format_html("{} {}", text, QUEUE_DOWN))
    else:
        messages.success(request, text)
    return redirect(items_url(started.sync_id, back))


def _history_query(data: QueryDict) -> str:
    """The history's query string, re-encoded and without its page cursor."""
    query = QueryDict(safe_query(data.urlencode()), mutable=True)
    query.pop("cursor", None)
    return query.urlencode()


def _filter_summary(history: History) -> list[str]:
    """The filters a bulk retry applies, in words."""
    filterset = history.filterset
    data = filterset.form.cleaned_data
    summary = []
    if data.get("q"):
        summary.append(f"Search: “{data['q'].strip()}”")
    if filterset.preset == "custom":
        start, end = data.get("start"), data.get("end")
        summary.append(f"Started from {start or 'any time'} until {end or 'now'}")
    else:
        summary.append(f"Date range: {PRESETS[filterset.preset]}")
    if data.get("status"):
        summary.append("Status codes: " + ", ".join(str(code) for code in data["status"]))
    if data.get("unresolved"):
        summary.append("Unresolved failures only")
    return summary


@require_GET
@staff_required
@retry_permission_required
def confirm(request: HttpRequest) -> HttpResponse:
    history = history_from(request.GET, request.user)
    query = _history_query(request.GET)
    return render(
        request,
        "retries/confirm.html",
        {
            "preview": retry_preview(syncs=history.filterset.qs),
            "filters": _filter_summary(history),
            "problems": history.problems,
            "query": query,
            "history_url": history_url(query),
        },
    )


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _batch_message(batch: RetryBatch) -> str:
    if batch.retries:
        text = (
            f"Started {_plural(len(batch.retries), 'retry sync')} for "
            f"{_plural(batch.items, 'failed item')}."
        )
    else:
        text = "No retry was started."
    skipped = [
        (batch.skipped_commerce, "Sync for Commerce"),
        (batch.skipped_busy, "already being retried or still in progress"),
        (batch.skipped_nothing_failed, "nothing left to retry"),
    ]
    reasons = [f"{count} ({why})" for count, why in skipped if count]
    if reasons:
        text += " Syncs skipped: " + ", ".join(reasons) + "."
    if batch.waiting_for_queue:
        text += " The task queue cannot be reached, so they will start when it is back."
    return text


@require_POST
@staff_required
@retry_permission_required
def retry_many(request: HttpRequest) -> HttpResponse:
    # The filters, never the counts, come from the client; they are parsed again here.
    query = _history_query(QueryDict(request.POST.get("query", "")))
    history = history_from(QueryDict(query), request.user)
    if history.problems:
        # A filter dropped here would widen what gets written to the platform.
        messages.error(
            request,
            "Some of the filters could not be read, so nothing was retried: "
            + " ".join(history.problems),
        )
        return redirect(history_url(query))
    batch = retry_request_many(syncs=history.filterset.qs, requested_by=request.user)
    level = messages.SUCCESS if batch.retries and not batch.waiting_for_queue else messages.WARNING
    messages.add_message(request, level, _batch_message(batch))
    return redirect(history_url(query))


@require_GET
@staff_required
def progress(request: HttpRequest, pk: int) -> JsonResponse:
    state = retry_progress(retry=get_object_or_404(Retry, pk=pk))
    return JsonResponse(
        {
            "total": state.total,
            "succeeded": state.succeeded,
            "failed": state.failed,
            "pending": state.pending,
            "done": state.done,
            "percent": state.percent,
            "state": state.state,
            "outcome": state.outcome,
            "finished": state.finished,
            "waiting_for_queue": state.waiting_for_queue,
        }
    )
