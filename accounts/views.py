from django.contrib import messages
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from synchealth.access import staff_required
from syncs.tables import TOGGLEABLE

from .services import preference_set_history_columns


@require_POST
@staff_required
def history_columns(request: HttpRequest) -> HttpResponseRedirect:
    """Saves which history columns the person wants, then returns them to their view."""
    chosen = set(request.POST.getlist("columns"))
    columns = [column for column in TOGGLEABLE if column in chosen]
    preference_set_history_columns(user=request.user, columns=columns)
    messages.success(request, "Your column choice is saved.")
    back = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("home")
    return HttpResponseRedirect(back)
