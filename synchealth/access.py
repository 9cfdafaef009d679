"""Who may see what. Sync Health pages are for support staff; everyone else gets a 403."""

from collections.abc import Callable
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def staff_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Lets staff through; login itself is enforced for every page by the middleware."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not request.user.is_staff:
            raise PermissionDenied("Sync Health is for support staff.")
        return view(request, *args, **kwargs)

    return wrapper
