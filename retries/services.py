"""Writes for retries: asking for one, handing it to the task queue, and sweeping up."""

import logging
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import NoReturn

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from kombu.exceptions import OperationalError

from pushitems.models import PushItem, PushStatus
from syncs import status as codes
from syncs.models import Product, Sync

from . import tasks
from .models import ACTIVE_STATES, Retry, RetryState
from .selectors import (
    ALREADY_RUNNING,
    NOT_RETRYABLE,
    NOTHING_TO_RETRY,
    retry_availability,
    retryable_syncs,
    syncs_with_failures,
)

logger = logging.getLogger(__name__)

COPY_BATCH = 1000
# A queued retry whose message has waited this long was lost (say, Redis restarted empty).
LOST_AFTER = timedelta(minutes=10)


class RetryNotAllowed(Exception):
    """The sync's failed items cannot be retried now; `reason` says why, for the person."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class RetryAlreadyRunning(RetryNotAllowed):
    """A retry of the sync is active; `retry` is that one, to link to."""

    def __init__(self, retry: Retry) -> None:
        super().__init__(ALREADY_RUNNING)
        self.retry = retry


@dataclass(frozen=True)
class RetryBatch:
    """What retrying every failed item of a set of syncs started, and what it left alone."""

    retries: list[Retry] = field(default_factory=list)
    items: int = 0
    skipped_commerce: int = 0
    skipped_busy: int = 0
    skipped_nothing_failed: int = 0

    @property
    def waiting_for_queue(self) -> bool:
        return any(retry.waiting_for_queue for retry in self.retries)


def retry_request(
    *, sync: Sync, requested_by: AbstractBaseUser, item_ids: Collection[int] | None = None
) -> Retry:
    """Starts a retry of `sync`'s failed items (or of the selected ones among them).

    In one transaction it creates the retry sync with copies of the items and the retry
    itself, of which a sync has at most one active (a database constraint). The task is
    enqueued once that commits; while the queue is down the retry waits, queued, for the sweeper.
    """
    with transaction.atomic():
        retry = _create(sync=sync, requested_by=requested_by, item_ids=item_ids)
        transaction.on_commit(partial(retry_enqueue, retry=retry))
    return retry


def retry_request_many(*, syncs: QuerySet[Sync], requested_by: AbstractBaseUser) -> RetryBatch:
    """Retries every failed item of each of `syncs` that can be retried: one retry per sync.

    Each retry is created in its own transaction, so one refused sync spoils no other. Once
    the queue is found down, the rest are left queued for the sweeper rather than each waiting
    on it in turn.
    """
    # Counted before any retry sync exists: those match the same filters as their originals.
    asked = syncs.count()
    failing = syncs_with_failures(syncs=syncs)
    commerce = failing.exclude(product=Product.EXPENSES).count()
    busy = (
        failing.filter(product=Product.EXPENSES)
        .filter(
            Q(status_code__in=codes.IN_PROGRESS_CODES) | Q(retry_requests__state__in=ACTIVE_STATES)
        )
        .distinct()
        .count()
    )
    retries = []
    # Ids first: the loop writes syncs, which must not shift a query still being read.
    eligible = retryable_syncs(syncs=syncs).order_by("started_at", "id")
    for pk in list(eligible.values_list("pk", flat=True)):
        try:
            retries.append(_create(sync=Sync.objects.get(pk=pk), requested_by=requested_by))
        except RetryAlreadyRunning:
            busy += 1  # another request got there first
        except RetryNotAllowed:
            continue  # its failed items were resolved meanwhile
    transaction.on_commit(partial(_enqueue_in_turn, retries))
    return RetryBatch(
        retries=retries,
        items=sum(retry.item_count for retry in retries),
        skipped_commerce=commerce,
        skipped_busy=busy,
        skipped_nothing_failed=asked - len(retries) - commerce - busy,
    )


def retry_enqueue(*, retry: Retry) -> bool:
    """Hands `retry` to the task queue; False, leaving it queued, when the broker is down.

    The hand-over is recorded first: the task may start at once, on a worker or a background
    thread, and a write to the retry after it would race the task's own."""
    previous, now = retry.enqueued_at, timezone.now()
    Retry.objects.filter(pk=retry.pk).update(enqueued_at=now)
    try:
        tasks.run_retry.delay(retry.pk)
    except OperationalError:
        Retry.objects.filter(pk=retry.pk).update(enqueued_at=previous)
        logger.warning("Task queue unreachable: retry %s waits for the sweeper.", retry.pk)
        return False
    retry.enqueued_at = now
    return True


def retry_sweep() -> int:
    """Enqueues the retries no worker is on, and returns how many it handed over.

    Those are queued ones never handed over (the queue was down) or whose message was lost,
    and running ones whose worker stopped renewing its claims (it died). A sweep that finds
    the queue still down stops, and the next one tries again.
    """
    now = timezone.now()
    stale = now - timedelta(seconds=settings.RETRY_LEASE_SECONDS)
    due = Retry.objects.filter(
        Q(state=RetryState.QUEUED, enqueued_at__isnull=True)
        | Q(state=RetryState.QUEUED, enqueued_at__lt=now - LOST_AFTER)
        | (
            Q(state=RetryState.RUNNING, heartbeat_at__lt=stale)
            & (Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=stale))
        )
    ).order_by("requested_at", "id")
    enqueued = 0
    for retry in list(due):
        if not retry_enqueue(retry=retry):
            break
        enqueued += 1
    return enqueued


def _enqueue_in_turn(retries: list[Retry]) -> None:
    for retry in retries:
        if not retry_enqueue(retry=retry):
            return


def _create(
    *, sync: Sync, requested_by: AbstractBaseUser, item_ids: Collection[int] | None = None
) -> Retry:
    availability = retry_availability(sync=sync)
    if not availability.allowed:
        _refuse(sync, availability.reason)
    items = sync.push_items.retryable()
    if item_ids is not None:
        wanted = set(item_ids)
        items = items.filter(id__in=wanted)
    ids = list(items.order_by("id").values_list("id", flat=True))
    if item_ids is not None and (not ids or len(ids) != len(wanted)):
        _refuse(sync, NOT_RETRYABLE)
    if not ids:
        _refuse(sync, NOTHING_TO_RETRY)
    try:
        with transaction.atomic():
            now = timezone.now()
            retry_sync = Sync.objects.create(
                company_id=sync.company_id,
                product=sync.product,
                status_code=codes.IN_PROGRESS,
                status_text="Started",
                started_at=now,
                source_platform=sync.source_platform,
                destination_platform=sync.destination_platform,
                data_start=sync.data_start,
                data_finish=sync.data_finish,
                config_id=sync.config_id,
                retry_of=sync,
            )
            # The constraint is met before the copying, so a losing request fails fast.
            retry = Retry.objects.create(
                original=sync,
                sync=retry_sync,
                requested_by=requested_by,
                requested_at=now,
                item_count=len(ids),
            )
            _copy(ids, into=retry_sync, requested_at=now)
    except IntegrityError:
        if not Retry.objects.active().filter(original=sync).exists():
            raise
        _refuse(sync, ALREADY_RUNNING)
    return retry


def _refuse(sync: Sync, reason: str) -> NoReturn:
    """Raises the refusal; a retry of `sync` that became active meanwhile is the real reason."""
    active = Retry.objects.active().filter(original=sync).first()
    if active is not None:
        raise RetryAlreadyRunning(active)
    raise RetryNotAllowed(reason)


def _copy(ids: list[int], *, into: Sync, requested_at) -> None:
    for start in range(0, len(ids), COPY_BATCH):
        originals = PushItem.objects.filter(id__in=ids[start : start + COPY_BATCH])
        PushItem.objects.bulk_create(
            PushItem(
                sync=into,
                retry_of=original,
                core_id=original.core_id,
                parent_core_id=original.parent_core_id,
                data_type=original.data_type,
                status=PushStatus.PENDING,
                requested_at=requested_at,
                payload=original.payload,
                idempotency_key=original.idempotency_key,
            )
            for original in originals.order_by("id")
        )
