from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from synchealth.access import staff_required

from ..models import Sync


@require_GET
@staff_required
def summary(request: HttpRequest, sync_id) -> HttpResponse:
    sync = get_object_or_404(Sync, pk=sync_id)
    return HttpResponse(f"Sync {sync.pk}")


@require_GET
@staff_required
def config(request: HttpRequest, sync_id) -> HttpResponse:
    sync = get_object_or_404(Sync, pk=sync_id)
    return HttpResponse(f"Config of sync {sync.pk}")


@require_GET
@staff_required
def config_download(request: HttpRequest, sync_id) -> HttpResponse:
    sync = get_object_or_404(Sync, pk=sync_id)
    return HttpResponse(f"Config of sync {sync.pk}")
