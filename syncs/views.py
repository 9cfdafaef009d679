from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .selectors import sync_recent


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "syncs/home.html", {"syncs": sync_recent()})
