from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from synchealth.access import staff_required

from ..selectors import sync_recent


@require_GET
@staff_required
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "syncs/home.html", {"syncs": sync_recent()})
