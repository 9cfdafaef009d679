import uuid
from collections.abc import Iterable
from datetime import datetime

from django.db import connections, models, transaction
from django.db.models import Exists, OuterRef, Q

from syncs.models import Sync

# Codat's `DataType` enum, in the specs' order.
DATA_TYPES = (
    "accountTransactions", "balanceSheet", "bankAccounts", "bankTransactions", "billCreditNotes",
    "billPayments", "bills", "cashFlowStatement", "chartOfAccounts", "company", "creditNotes",
    "customers", "directCosts", "directIncomes", "invoices", "itemReceipts", "items",
    "journalEntries", "journals", "paymentMethods", "payments", "profitAndLoss",
    "purchaseOrders", "salesOrders", "suppliers", "taxRates", "trackingCategories", "transfers",
    "banking-accountBalances", "banking-accounts", "banking-transactionCategories",
    "banking-transactions", "commerce-companyInfo", "commerce-customers", "commerce-disputes",
    "commerce-locations", "commerce-orders", "commerce-paymentMethods", "commerce-payments",
    "commerce-productCategories", "commerce-products", "commerce-taxComponents",
    "commerce-transactions",
)  # fmt: skip


class PushStatus(models.TextChoices):
    PENDING = "Pending"
    SUCCESS = "Success"
    FAILED = "Failed"
    TIMED_OUT = "TimedOut", "Timed out"


FINAL_STATUSES = (PushStatus.SUCCESS, PushStatus.FAILED, PushStatus.TIMED_OUT)
# A timed-out write may or may not have landed, so it never counts towards a success.
UNSUCCESSFUL_STATUSES = (PushStatus.FAILED, PushStatus.TIMED_OUT)


def empty_validation() -> dict:
    return {"errors": [], "warnings": []}


class PushItemQuerySet(models.QuerySet):
    def unsuccessful(self) -> "PushItemQuerySet":
        return self.filter(status__in=UNSUCCESSFUL_STATUSES)

    def unresolved(self) -> "PushItemQuerySet":
        """Unsuccessful items whose record no retry has written since."""
        written = PushItem.objects.filter(
            idempotency_key=OuterRef("idempotency_key"), status=PushStatus.SUCCESS
        )
        return self.unsuccessful().exclude(Exists(written))

    def retryable(self) -> "PushItemQuerySet":
        """Unresolved items that no retry is pushing right now."""
        pushing = PushItem.objects.filter(
            idempotency_key=OuterRef("idempotency_key"), status=PushStatus.PENDING
        )
        return self.unresolved().exclude(Exists(pushing))

    def claimable(self, now: datetime) -> "PushItemQuerySet":
        """Pending items that no run holds: never claimed, or its claim ran out."""
        return self.filter(status=PushStatus.PENDING).filter(
            Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
        )

    def bulk_update(
        self, objs: Iterable["PushItem"], fields: Iterable[str], batch_size: int | None = None
    ) -> int:
        """Django's bulk_update, sent as one parametrised UPDATE per row in one executemany.

        Django's own builds a CASE per row and field, about 0.7 ms of CPU a row; a retry
        records a thousand push results a second through here (`sync_record_push_results`).
        Filtered querysets, batch sizes and expressions as values take Django's way.
        """
        objs, fields = list(objs), [self.model._meta.get_field(name) for name in fields]
        if (
            not objs
            or not fields
            or batch_size is not None
            or self.query.has_filters()
            or any(field.primary_key or not field.concrete for field in fields)
            or any(
                hasattr(getattr(o, f.attname), "resolve_expression") for o in objs for f in fields
            )
        ):
            return super().bulk_update(objs, [field.name for field in fields], batch_size)
        self._for_write = True
        connection = connections[self.db]
        quote = connection.ops.quote_name
        assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
        sql = (
            f"UPDATE {quote(self.model._meta.db_table)} SET {assignments} "
            f"WHERE {quote(self.model._meta.pk.column)} = %s"
        )
        rows = [
            [field.get_db_prep_save(getattr(obj, field.attname), connection) for field in fields]
            + [obj.pk]
            for obj in objs
        ]
        with transaction.atomic(using=self.db, savepoint=False), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
            return cursor.rowcount


class PushItem(models.Model):
    """One write of one record to the accounting platform (Codat's push operation)."""

    push_operation_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # Indexed first in each of the indexes below, which serve every lookup by sync.
    sync = models.ForeignKey(
        Sync, on_delete=models.CASCADE, related_name="push_items", db_index=False
    )
    core_id = models.CharField(max_length=100)
    parent_core_id = models.CharField(max_length=100, blank=True)
    data_type = models.CharField(max_length=40, choices=[(t, t) for t in DATA_TYPES])
    status = models.CharField(max_length=10, choices=PushStatus.choices, default=PushStatus.PENDING)
    status_code = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="HTTP-like, e.g. 200 or 400."
    )
    requested_at = models.DateTimeField()
    completed_at = models.DateTimeField(null=True, blank=True)
    error_message = models.TextField(blank=True)
    validation = models.JSONField(default=empty_validation, blank=True)
    payload = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    platform_record_id = models.CharField(max_length=100, blank=True)
    retry_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retries",
        help_text="The failed item this one pushes again.",
    )
    # Every write of a record carries its key, and a retry inherits the key of the item it
    # retries: the platform then writes the record once, however often it is pushed.
    idempotency_key = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    # A run pushing the item holds it until `claimed_until` and renews that while it works.
    claim_token = models.UUIDField(null=True, blank=True, editable=False)
    claimed_until = models.DateTimeField(null=True, blank=True, editable=False)

    objects = PushItemQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        indexes = [
            models.Index(fields=["sync", "status", "id"], name="pushitem_sync_status"),
            models.Index(fields=["sync", "core_id"], name="pushitem_sync_core"),
            models.Index(fields=["sync", "data_type", "id"], name="pushitem_sync_type"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=[s.value for s in PushStatus]),
                name="pushitem_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(completed_at__isnull=True)
                | Q(completed_at__gte=models.F("requested_at")),
                name="pushitem_completes_after_request",
            ),
            models.CheckConstraint(
                condition=~Q(retry_of=models.F("id")), name="pushitem_does_not_retry_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.data_type} {self.core_id} ({self.status})"

    @property
    def is_failed(self) -> bool:
        return self.status in UNSUCCESSFUL_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
