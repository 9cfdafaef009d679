"""Writes to push items: claiming them for a run, and writing one to the accounting platform."""

import random
import time
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import timedelta
from typing import Self
from uuid import UUID

from django.conf import settings
from django.utils import timezone

from syncs.models import Sync
from syncs.services import PushResult

from .clients import PlatformClient, PlatformError, PushOperation, connection_id
from .models import PushItem, PushStatus

# Codat's code for a write that did not finish in time, as the seeded timed-out items carry.
TIMED_OUT_CODE = 504
FIRST_POLL_SECONDS = 0.05
LAST_POLL_SECONDS = 2.0


@dataclass(frozen=True)
class PushPolicy:
    """How hard one item is pushed: attempts, the backoff between them, patience with Pending."""

    max_attempts: int
    backoff: float
    backoff_cap: float
    pending_timeout: float

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            max_attempts=settings.RETRY_MAX_ATTEMPTS,
            backoff=settings.RETRY_BACKOFF_SECONDS,
            backoff_cap=settings.RETRY_BACKOFF_MAX_SECONDS,
            pending_timeout=settings.PLATFORM_PENDING_TIMEOUT,
        )

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed attempt number `attempt`, never less than the platform
        asked for; None when it asked for longer than this policy ever waits."""
        if retry_after is not None and retry_after > self.backoff_cap:
            return None
        ceiling = min(self.backoff_cap, self.backoff * 2 ** (attempt - 1))
        # Half the ceiling for sure and the rest at random, so writes that failed together
        # do not all come back together.
        return max(ceiling / 2 + random.uniform(0, ceiling / 2), retry_after or 0.0)


@dataclass(frozen=True)
class PushTarget:
    """Where a sync's records are written: its company's connection to its destination."""

    company_id: UUID
    connection_id: UUID

    @classmethod
    def of(cls, sync: Sync) -> Self:
        return cls(
            company_id=sync.company_id,
            connection_id=connection_id(
                company_id=sync.company_id, platform=sync.destination_platform
            ),
        )


def push_item_claim(*, sync: Sync, token: UUID, limit: int, lease: timedelta) -> list[PushItem]:
    """Claims for the run `token` up to `limit` pending items of `sync` that no run holds.

    A conditional UPDATE decides: of two runs picking the same rows, only the first to update
    a row gets it, so no item is pushed by two runs at once.
    """
    now = timezone.now()
    free = PushItem.objects.filter(sync=sync).claimable(now)
    ids = list(free.order_by("id").values_list("id", flat=True)[:limit])
    if not ids or not free.filter(id__in=ids).update(claim_token=token, claimed_until=now + lease):
        return []
    return list(PushItem.objects.filter(id__in=ids, claim_token=token).order_by("id"))


def push_item_renew_claims(*, ids: Collection[int], token: UUID, lease: timedelta) -> int:
    """Extends the run `token`'s claims on the items it is still pushing; returns how many."""
    return PushItem.objects.filter(id__in=ids, claim_token=token, status=PushStatus.PENDING).update(
        claimed_until=timezone.now() + lease
    )


def push_item_send(
    *,
    item: PushItem,
    target: PushTarget,
    client: PlatformClient,
    policy: PushPolicy,
    report: Callable[[PushResult], None],
) -> PushResult:
    """Writes one item, retrying transient failures with backoff, and returns the final result.

    Every attempt carries the item's idempotency key, so a write the platform already took is
    answered with its first result rather than made again. `report` hears each failed attempt.
    """
    attempt = 1
    while True:
        try:
            operation = client.push(
                company_id=target.company_id,
                connection_id=target.connection_id,
                data_type=item.data_type,
                record=item.payload,
                idempotency_key=item.idempotency_key,
            )
            return _outcome(item, _settle(operation, target=target, client=client, policy=policy))
        except PlatformError as error:
            delay = (
                policy.delay(attempt, error.retry_after)
                if error.transient and attempt < policy.max_attempts
                else None
            )
            if delay is None:
                return _failure(item, error, attempt=attempt, policy=policy)
            report(
                PushResult(
                    push_operation_key=item.push_operation_key,
                    status=PushStatus.PENDING,
                    status_code=error.status_code,
                    error_message=f"{error} Attempt {attempt} of {policy.max_attempts} failed; "
                    f"trying again in {delay:.1f}s.",
                )
            )
            time.sleep(delay)
            attempt += 1


def _settle(
    operation: PushOperation, *, target: PushTarget, client: PlatformClient, policy: PushPolicy
) -> PushOperation | None:
    """The write once the platform has finished it; None if it is still Pending at the end of
    the policy's patience."""
    deadline = time.monotonic() + policy.pending_timeout
    pause = FIRST_POLL_SECONDS
    while operation.status == PushStatus.PENDING:
        if time.monotonic() + pause > deadline:
            return None
        time.sleep(pause)
        pause = min(pause * 2, LAST_POLL_SECONDS)
        operation = client.push_operation(company_id=target.company_id, key=operation.key)
    return operation


def _outcome(item: PushItem, operation: PushOperation | None) -> PushResult:
    if operation is None:
        return PushResult(
            push_operation_key=item.push_operation_key,
            status=PushStatus.TIMED_OUT,
            status_code=TIMED_OUT_CODE,
            error_message="The accounting platform accepted the write but had not finished it "
            "in time; the record may still be written.",
        )
    failed = operation.status != PushStatus.SUCCESS
    return PushResult(
        push_operation_key=item.push_operation_key,
        status=operation.status,
        status_code=operation.status_code,
        error_message=operation.error_message or (f"Push {operation.status}" if failed else ""),
        validation=operation.validation,
        platform_record_id=operation.record_id,
    )


def _failure(
    item: PushItem, error: PlatformError, *, attempt: int, policy: PushPolicy
) -> PushResult:
    if not error.transient:
        message = str(error)
    elif error.retry_after is not None and error.retry_after > policy.backoff_cap:
        message = f"{error} That is longer than a retry waits ({policy.backoff_cap:g}s)."
    else:
        message = f"{error} Gave up after {attempt} attempt{'s' if attempt != 1 else ''}."
    return PushResult(
        push_operation_key=item.push_operation_key,
        status=PushStatus.TIMED_OUT if error.timed_out else PushStatus.FAILED,
        status_code=TIMED_OUT_CODE if error.timed_out else error.status_code,
        error_message=message,
    )
