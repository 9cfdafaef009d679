"""The worker's side of a retry: push the retry sync's items, then finish the retry."""

import uuid
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from datetime import timedelta
from functools import partial
from queue import Empty, SimpleQueue
from time import monotonic

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from pushitems.clients import PlatformClient
from pushitems.models import PushItem, PushStatus
from pushitems.services import (
    PushPolicy,
    PushTarget,
    push_item_claim,
    push_item_renew_claims,
    push_item_send,
)
from syncs import status as codes
from syncs.models import Sync
from syncs.services import PushResult, sync_finish, sync_record_push_results

from . import services
from .models import Retry, RetryOutcome, RetryState

# A run stops claiming after this long and carries on in a fresh task, so no task comes near
# Celery's time limits however many items a retry has.
RUN_SECONDS = 60
# How often results are written: often enough for a live progress bar, seldom enough that
# the database is not the bottleneck.
TICK_SECONDS = 0.05


def retry_run(*, retry: Retry, seconds: float = RUN_SECONDS) -> Retry:
    """Pushes the retry sync's items that this run can claim, then finishes the retry once none
    is left pending; after `seconds` it stops claiming and leaves the rest to a fresh task.

    Runs may overlap, repeat or die halfway: an item is pushed only by the run that holds its
    claim, and every push of it carries its idempotency key, so no record is written twice.
    """
    if not _start(retry):
        return retry
    with PlatformClient.from_settings() as client:
        out_of_time = _push_claimable(retry=retry, client=client, seconds=seconds)
    if out_of_time:
        transaction.on_commit(partial(services.retry_enqueue, retry=retry))
    else:
        retry_finish(retry=retry)
    retry.refresh_from_db()
    return retry


def retry_finish(*, retry: Retry) -> Retry:
    """Finishes a running retry whose items are all final, once however many runs try.

    Its sync ends 2000, or 5130 over failed items; every sync whose failed items have all
    since succeeded is marked resolved by it, its own recorded status left as it was.
    """
    with transaction.atomic():
        now = timezone.now()
        items = retry.sync.push_items
        pending = PushItem.objects.filter(sync=OuterRef("sync"), status=PushStatus.PENDING)
        finished = (
            Retry.objects.filter(pk=retry.pk, state=RetryState.RUNNING)
            .exclude(Exists(pending))
            .update(
                state=RetryState.FINISHED,
                finished_at=now,
                outcome=RetryOutcome.FAILED
                if items.unsuccessful().exists()
                else RetryOutcome.SUCCEEDED,
            )
        )
        if finished:
            retry_sync = sync_finish(
                sync=retry.sync,
                status_code=codes.SUCCESS_DATA_PUSHED,
                status_text="Complete",
                data_pushed=items.filter(status=PushStatus.SUCCESS).exists(),
                finished_at=now,
            )
            _resolve(by=retry_sync)
    retry.refresh_from_db()
    return retry


def _start(retry: Retry) -> bool:
    """Marks the retry running (again, after a crash); False once it has finished."""
    now = timezone.now()
    Retry.objects.filter(pk=retry.pk, state=RetryState.QUEUED).update(
        state=RetryState.RUNNING, started_at=now
    )
    return bool(
        Retry.objects.filter(pk=retry.pk, state=RetryState.RUNNING).update(heartbeat_at=now)
    )


def _push_claimable(*, retry: Retry, client: PlatformClient, seconds: float) -> bool:
    """Pushes items as this run claims them; True when it stopped claiming for lack of time.

    Threads only talk to the platform; claims and results go through this thread alone, so
    a run holds one database connection however many pushes are in flight.
    """
    sync = retry.sync
    concurrency = settings.RETRY_CONCURRENCY
    # Enough in hand that no thread idles between two ticks.
    window = 4 * concurrency
    lease = timedelta(seconds=settings.RETRY_LEASE_SECONDS)
    attempts: SimpleQueue[PushResult] = SimpleQueue()
    send = partial(
        push_item_send,
        target=PushTarget.of(sync),
        client=client,
        policy=PushPolicy.from_settings(),
        report=attempts.put,
    )
    token = uuid.uuid4()
    in_flight: dict[Future[PushResult], int] = {}
    deadline = monotonic() + seconds
    renew_at = monotonic() + lease.total_seconds() / 3
    claiming, out_of_time = True, False
    with ThreadPoolExecutor(max_workers=concurrency, thread_name_prefix="push") as pool:
        while claiming or in_flight:
            if claiming and len(in_flight) < window and monotonic() >= deadline:
                claiming, out_of_time = False, True
            elif claiming and len(in_flight) < window:
                wanted = window - len(in_flight)
                items = push_item_claim(sync=sync, token=token, limit=wanted, lease=lease)
                claiming = len(items) == wanted
                for item in items:
                    in_flight[pool.submit(send, item=item)] = item.pk
            done, _ = wait(in_flight, timeout=TICK_SECONDS, return_when=FIRST_EXCEPTION)
            finals = [future.result() for future in done]
            for future in done:
                del in_flight[future]
            results = _drained(attempts) + finals
            if results:
                sync_record_push_results(sync=sync, results=results)
            if monotonic() >= renew_at:
                push_item_renew_claims(ids=list(in_flight.values()), token=token, lease=lease)
                Retry.objects.filter(pk=retry.pk).update(heartbeat_at=timezone.now())
                renew_at = monotonic() + lease.total_seconds() / 3
    return out_of_time


def _drained(queue: SimpleQueue) -> list[PushResult]:
    results = []
    while True:
        try:
            results.append(queue.get_nowait())
        except Empty:
            return results


def _resolve(*, by: Sync) -> None:
    """Marks resolved by `by` each failed sync whose failed items have all succeeded since."""
    written = by.push_items.filter(status=PushStatus.SUCCESS).values("idempotency_key")
    candidates = (
        Sync.objects.unresolved_failed().filter(push_items__idempotency_key__in=written).distinct()
    )
    for candidate in candidates:
        if not candidate.push_items.unresolved().exists():
            Sync.objects.filter(pk=candidate.pk, resolved_by__isnull=True).update(resolved_by=by)
