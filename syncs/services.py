"""Writes to syncs. The rule "a sync with any failed push item is a failed sync" lives here."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from uuid import UUID

from django.db import transaction
from django.utils import timezone

from pushitems.models import UNSUCCESSFUL_STATUSES, PushItem, PushStatus

from . import status as status_codes
from .models import Sync

PUSH_ERROR_TEXT = "PushError"
SUMMARY_ERRORS_SHOWN = 3


class PushResultError(ValueError):
    """A push result that cannot be recorded (unknown item, not a final status)."""


@dataclass(frozen=True)
class PushResult:
    push_operation_key: UUID
    status: PushStatus
    status_code: int | None = None
    error_message: str = ""
    validation: dict = field(default_factory=lambda: {"errors": [], "warnings": []})
    platform_record_id: str = ""
    completed_at: datetime | None = None


def sync_record_push_results(*, sync: Sync, results: Iterable[PushResult]) -> Sync:
    """Records final outcomes of `sync`'s push items; a finished sync with a failed item fails.

    The sync row stays locked while results land, so concurrent recorders cannot each
    conclude that no item has failed.
    """
    results = list(results)
    if any(result.status not in (s.value for s in PushStatus) for result in results):
        raise PushResultError(
            "A push result needs a status of Pending, Success, Failed or TimedOut."
        )
    with transaction.atomic():
        sync = Sync.objects.select_for_update().get(pk=sync.pk)
        keys = {result.push_operation_key for result in results}
        items = {
            i.push_operation_key: i for i in sync.push_items.filter(push_operation_key__in=keys)
        }
        missing = keys - items.keys()
        if missing:
            raise PushResultError(
                f"No push item of sync {sync.pk} has key {sorted(map(str, missing))[0]}."
            )
        now = timezone.now()
        for result in results:
            item = items[result.push_operation_key]
            item.status = result.status
            item.status_code = result.status_code
            item.error_message = result.error_message
            item.validation = result.validation
            item.platform_record_id = result.platform_record_id
            item.attempts += 1
            item.completed_at = (
                None if result.status == PushStatus.PENDING else result.completed_at or now
            )
        PushItem.objects.bulk_update(
            items.values(),
            [
                "status",
                "status_code",
                "error_message",
                "validation",
                "platform_record_id",
                "attempts",
                "completed_at",
            ],
        )
        if not sync.in_progress:
            _fail_if_items_failed(sync)
    return sync


def sync_finish(
    *,
    sync: Sync,
    status_code: int,
    status_text: str = "",
    error_message: str = "",
    exception_message: str = "",
    notes: str = "",
    data_pushed: bool = False,
    finished_at: datetime | None = None,
) -> Sync:
    """Records how a sync ended; an outcome of success over failed items becomes 5130."""
    with transaction.atomic():
        sync = Sync.objects.select_for_update().get(pk=sync.pk)
        sync.status_code = status_code
        sync.status_text = status_text
        sync.error_message = error_message
        sync.exception_message = exception_message
        sync.notes = notes
        sync.data_pushed = data_pushed
        sync.finished_at = None if sync.in_progress else finished_at or timezone.now()
        sync.save()
        if not sync.in_progress:
            _fail_if_items_failed(sync)
    return sync


def _fail_if_items_failed(sync: Sync) -> None:
    if sync.is_failed:
        return  # a recorded failure keeps its own, more specific code and message
    failed = sync.push_items.filter(status__in=UNSUCCESSFUL_STATUSES)
    count = failed.count()
    if not count:
        return
    shown = list(failed.order_by("id")[:SUMMARY_ERRORS_SHOWN])
    data_types = sorted({item.data_type for item in shown})
    reasons = "; ".join(item.error_message or item.get_status_display() for item in shown)
    more = f" (and {count - len(shown)} more)" if count > len(shown) else ""
    sync.status_code = status_codes.DATA_PUSH_ERROR
    sync.status_text = PUSH_ERROR_TEXT
    sync.error_message = (
        f"Push failed for {', '.join(data_types)}: {count} item"
        f"{'s' if count != 1 else ''} failed; {reasons}{more}"
    )
    sync.save(update_fields=["status_code", "status_text", "error_message"])
