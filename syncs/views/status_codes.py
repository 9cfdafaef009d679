from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from synchealth.access import staff_required

from ..status import CODAT_STATUS_DOCS, STATUS_CODES, Family
from ..troubleshooting import CODAT_ERROR_DOCS, ERRORS, SECTIONS


@require_GET
@staff_required
def status_codes(request: HttpRequest) -> HttpResponse:
    families = [
        (family, [s for s in STATUS_CODES.values() if s.family == family])
        for family in Family
        if family != Family.UNKNOWN
    ]
    sections = [(section, [e for e in ERRORS if e.section == section]) for section in SECTIONS]
    return render(
        request,
        "syncs/status_codes.html",
        {
            "families": families,
            "sections": sections,
            "codat_status_docs": CODAT_STATUS_DOCS,
            "codat_error_docs": CODAT_ERROR_DOCS,
        },
    )
