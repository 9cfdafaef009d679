from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from synchealth.access import staff_required
from syncs.models import Sync

from .models import PushItem


@require_GET
@staff_required
def push_items(request: HttpRequest, sync_id) -> HttpResponse:
    sync = get_object_or_404(Sync, pk=sync_id)
    return HttpResponse(f"Push items of sync {sync.pk}")


@require_GET
@staff_required
def push_item(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_object_or_404(PushItem, pk=pk)
    return HttpResponse(f"Push item {item.pk}")
