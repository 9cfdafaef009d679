from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from syncs.models import Sync

RETRY_PERMISSION = "retries.can_retry"


class RetryState(models.TextChoices):
    QUEUED = "queued", "Queued"
    RUNNING = "running", "Running"
    FINISHED = "finished", "Finished"


ACTIVE_STATES = (RetryState.QUEUED, RetryState.RUNNING)


class RetryOutcome(models.TextChoices):
    SUCCEEDED = "succeeded", "Every item pushed"
    FAILED = "failed", "Some items still failing"


class RetryQuerySet(models.QuerySet):
    def active(self) -> "RetryQuerySet":
        return self.filter(state__in=ACTIVE_STATES)


class Retry(models.Model):
    """A request to push a sync's failed items again, and the retry sync that pushes them."""

    original = models.ForeignKey(Sync, on_delete=models.PROTECT, related_name="retry_requests")
    sync = models.OneToOneField(
        Sync,
        on_delete=models.PROTECT,
        related_name="retry_request",
        help_text="The retry sync: a new sync holding copies of the failed items.",
    )
    # Kept for the audit trail: people who leave are deactivated, not deleted.
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="retries"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    item_count = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=RetryState.choices, default=RetryState.QUEUED)
    outcome = models.CharField(max_length=10, choices=RetryOutcome.choices, blank=True)
    enqueued_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it was last handed to the task queue; empty while the queue was down.",
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life from a worker pushing its items."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = RetryQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-id"]
        permissions = [("can_retry", "Can retry failed push items")]
        constraints = [
            # Double clicks, two people or two tabs: the second active retry cannot exist.
            models.UniqueConstraint(
                fields=["original"],
                condition=Q(state__in=ACTIVE_STATES),
                name="retry_one_active_per_sync",
            ),
            models.CheckConstraint(
                condition=Q(state__in=RetryState.values), name="retry_state_valid"
            ),
            models.CheckConstraint(condition=~Q(original=F("sync")), name="retry_not_of_itself"),
            models.CheckConstraint(condition=Q(item_count__gt=0), name="retry_has_items"),
            models.CheckConstraint(
                condition=(Q(state=RetryState.FINISHED, finished_at__isnull=False) & ~Q(outcome=""))
                | (~Q(state=RetryState.FINISHED) & Q(finished_at__isnull=True, outcome="")),
                name="retry_outcome_once_finished",
            ),
        ]

    def __str__(self) -> str:
        return f"Retry {self.pk} of sync {self.original_id} ({self.state})"

    @property
    def is_active(self) -> bool:
        return self.state in ACTIVE_STATES

    @property
    def waiting_for_queue(self) -> bool:
        """Saved, but the task queue could not be reached; the sweeper will hand it over."""
        return self.state == RetryState.QUEUED and self.enqueued_at is None
