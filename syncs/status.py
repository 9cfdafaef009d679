"""The sync status codes, defined once.

Codes and reasons are Codat's published table (2023 wording, the one the Portal's links use).
The family of a code follows its thousands digit; codes outside the table (the API's own
example uses 4200) are kept and shown raw rather than rejected.
"""

from dataclasses import dataclass

from django.db import models

CODAT_STATUS_DOCS = "https://docs.codat.io/sfc/error-documentation#status-codes"


class Family(models.TextChoices):
    IN_PROGRESS = "in_progress", "In progress"
    SUCCESS = "success", "Success"
    CLIENT_ERROR = "client_error", "Client-side error"
    SERVER_ERROR = "server_error", "Server-side error"
    UNKNOWN = "unknown", "Unknown"

    @property
    def is_failure(self) -> bool:
        return self in (Family.CLIENT_ERROR, Family.SERVER_ERROR)


FAMILY_COLOURS = {
    Family.IN_PROGRESS: "blue",
    Family.SUCCESS: "green",
    Family.CLIENT_ERROR: "amber",
    Family.SERVER_ERROR: "red",
    Family.UNKNOWN: "grey",
}


@dataclass(frozen=True)
class StatusCode:
    code: int
    reason: str
    family: Family
    label: str
    known: bool = True

    @property
    def colour(self) -> str:
        return FAMILY_COLOURS[self.family]

    @property
    def anchor(self) -> str:
        return f"status-{self.code}"

    @property
    def is_failure(self) -> bool:
        return self.family.is_failure

    @property
    def is_in_progress(self) -> bool:
        return self.family == Family.IN_PROGRESS


def family_of(code: int) -> Family:
    return {
        1: Family.IN_PROGRESS,
        2: Family.SUCCESS,
        4: Family.CLIENT_ERROR,
        5: Family.SERVER_ERROR,
    }.get(code // 1000 if 1000 <= code <= 5999 else 0, Family.UNKNOWN)


def _known(code: int, reason: str, label: str) -> StatusCode:
    return StatusCode(code=code, reason=reason, family=family_of(code), label=label)


IN_PROGRESS = 1000
LONG_RUNNING = 1010
SUCCESS_DATA_PUSHED = 2000
SUCCESS_NO_DATA_PUSHED = 2040
CONFIGURATION_ERROR = 4000
COMPANY_DELETED = 4040
COMPANY_DEAUTHORIZED = 4220
BILLING_EXPIRY = 4260
GENERIC_SERVER_ERROR = 5000
DUPLICATION_PROTECTION = 5080
DATA_PROCESSING_ERROR = 5120
DATA_PUSH_ERROR = 5130

STATUS_CODES: dict[int, StatusCode] = {
    status.code: status
    for status in (
        _known(IN_PROGRESS, "In Progress", "In progress"),
        _known(LONG_RUNNING, "In Progress (Long running - over ten minutes)", "Long running"),
        _known(SUCCESS_DATA_PUSHED, "Success (Data pushed)", "Complete"),
        _known(SUCCESS_NO_DATA_PUSHED, "Success (No data pushed)", "Complete, no data"),
        _known(CONFIGURATION_ERROR, "Configuration Error", "Configuration error"),
        _known(COMPANY_DELETED, "Company deleted/de-authorized", "Company removed"),
        _known(COMPANY_DEAUTHORIZED, "Company deleted/de-authorized", "Company removed"),
        _known(BILLING_EXPIRY, "Accounting platform billing expiry", "Billing expired"),
        _known(GENERIC_SERVER_ERROR, "Generic Server error", "Internal error"),
        _known(DUPLICATION_PROTECTION, "Duplication protection", "Duplicate blocked"),
        _known(DATA_PROCESSING_ERROR, "Data processing error", "Processing error"),
        _known(DATA_PUSH_ERROR, "Data push error", "Push error"),
    )
}

IN_PROGRESS_CODES = frozenset(c for c, s in STATUS_CODES.items() if s.is_in_progress)
FAILURE_CODES = frozenset(c for c, s in STATUS_CODES.items() if s.is_failure)


def status_for(code: int) -> StatusCode:
    """The documented status for `code`, or a raw one for a code outside the table."""
    try:
        return STATUS_CODES[code]
    except KeyError:
        return StatusCode(
            code=code,
            reason="Undocumented status code",
            family=family_of(code),
            label=str(code),
            known=False,
        )


def codes_in_family(family: Family) -> list[int]:
    return [code for code, status in STATUS_CODES.items() if status.family == family]
