"""Reads about retries: whether a sync can be retried, how a retry is going, who asked for it."""

from dataclasses import dataclass

from django.db.models import Case, Count, Exists, OuterRef, Q, QuerySet, Value, When

from pushitems.models import UNSUCCESSFUL_STATUSES, PushItem, PushStatus
from syncs import status as codes
from syncs.models import Product, Sync

from .models import Retry, RetryState

EXPENSES_ONLY = "Retrying failed items is available for Sync for Expenses only."
ALREADY_RUNNING = "A retry of this sync is already running."
STILL_IN_PROGRESS = "This sync is still in progress; retry its failed items once it has finished."
NOTHING_TO_RETRY = "This sync has no failed items to retry."
NOT_RETRYABLE = (
    "Some of the selected items are not failed items of this sync, or are being retried already."
)


@dataclass(frozen=True)
class RetryAvailability:
    """Whether "Retry failed items" can run for a sync, and if not, why (for the button)."""

    allowed: bool
    reason: str
    failed_items: int
    active: Retry | None


@dataclass(frozen=True)
class RetryProgress:
    total: int
    succeeded: int
    failed: int
    pending: int
    state: str
    outcome: str
    waiting_for_queue: bool

    @property
    def done(self) -> int:
        return self.succeeded + self.failed

    @property
    def finished(self) -> bool:
        return self.state == RetryState.FINISHED

    @property
    def percent(self) -> int:
        return self.done * 100 // self.total if self.total else 100


@dataclass(frozen=True)
class RetryAudit:
    """The retries requested for a sync, newest first, and the request that created it, if
    it is a retry sync. Each retry carries `succeeded_count` and `failed_count`."""

    requested: list[Retry]
    origin: Retry | None


@dataclass(frozen=True)
class RetryPreview:
    """What retrying every failed item of a set of syncs would start."""

    syncs: int
    items: int


def retry_availability(*, sync: Sync) -> RetryAvailability:
    """Whether `sync`'s failed items can be retried now; the reason when they cannot."""
    failed_items = sync.push_items.retryable().count()
    # Looked up after the count: a retry committed in between took the items the count missed,
    # and then shows up here, so the answer is "already running" rather than "nothing to retry".
    active = Retry.objects.active().filter(original=sync).first()
    if sync.product != Product.EXPENSES:
        reason = EXPENSES_ONLY
    elif active is not None:
        reason = ALREADY_RUNNING
    elif sync.in_progress:
        reason = STILL_IN_PROGRESS
    elif not failed_items:
        reason = NOTHING_TO_RETRY
    else:
        reason = ""
    return RetryAvailability(
        allowed=not reason, reason=reason, failed_items=failed_items, active=active
    )


def retryable_syncs(*, syncs: QuerySet[Sync]) -> QuerySet[Sync]:
    """Those of `syncs` whose failed items can be retried now."""
    active = Retry.objects.active().filter(original=OuterRef("pk"))
    retryable = PushItem.objects.filter(sync=OuterRef("pk")).retryable()
    return (
        syncs.filter(product=Product.EXPENSES)
        .exclude(status_code__in=codes.IN_PROGRESS_CODES)
        .exclude(Exists(active))
        .filter(Exists(retryable))
    )


def syncs_with_failures(*, syncs: QuerySet[Sync]) -> QuerySet[Sync]:
    """Those of `syncs` with failed items that no retry has pushed successfully since."""
    return syncs.filter(Exists(PushItem.objects.filter(sync=OuterRef("pk")).unresolved()))


def retry_preview(*, syncs: QuerySet[Sync]) -> RetryPreview:
    """How many syncs and items retrying all failed items of `syncs` would retry, for the
    confirmation; however many syncs match."""
    eligible = retryable_syncs(syncs=syncs)
    items = PushItem.objects.filter(sync__in=eligible.values("pk")).retryable()
    return RetryPreview(syncs=eligible.count(), items=items.count())


def retry_progress(*, retry: Retry) -> RetryProgress:
    """Where `retry` stands: its items by outcome, in one query, plus its state."""
    retry.refresh_from_db(fields=["state", "outcome", "enqueued_at"])
    counts = retry.sync.push_items.aggregate(
        total=Count("id"),
        succeeded=Count("id", filter=Q(status=PushStatus.SUCCESS)),
        failed=Count("id", filter=Q(status__in=UNSUCCESSFUL_STATUSES)),
    )
    return RetryProgress(
        **counts,
        pending=counts["total"] - counts["succeeded"] - counts["failed"],
        state=retry.state,
        outcome=retry.outcome,
        waiting_for_queue=retry.waiting_for_queue,
    )


def retry_audit(*, sync: Sync) -> RetryAudit:
    """Who asked for which retry of `sync`, when, for how many items and with what outcome."""
    retries = (
        Retry.objects.filter(Q(original=sync) | Q(sync=sync))
        .select_related("requested_by", "original", "sync")
        .annotate(
            succeeded_count=Count(
                "sync__push_items", filter=Q(sync__push_items__status=PushStatus.SUCCESS)
            ),
            failed_count=Count(
                "sync__push_items",
                filter=Q(sync__push_items__status__in=UNSUCCESSFUL_STATUSES),
            ),
        )
        .order_by("-requested_at", "-id")
    )
    requested = [retry for retry in retries if retry.original_id == sync.pk]
    origin = next((retry for retry in retries if retry.sync_id == sync.pk), None)
    return RetryAudit(requested=requested, origin=origin)


def retry_latest(*, sync: Sync) -> Retry | None:
    """The retry whose progress `sync`'s pages show: the newest requested for it, or else the
    one that created it."""
    requested_first = Case(When(original=sync, then=Value(0)), default=Value(1))
    return (
        Retry.objects.filter(Q(original=sync) | Q(sync=sync))
        .order_by(requested_first, "-requested_at", "-id")
        .first()
    )
