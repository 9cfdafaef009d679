import uuid

from django.db import models
from django.db.models import Q

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


class PushItem(models.Model):
    """One write of one record to the accounting platform (Codat's push operation)."""

    push_operation_key = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    sync = models.ForeignKey(Sync, on_delete=models.CASCADE, related_name="push_items")
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
        ]

    def __str__(self) -> str:
        return f"{self.data_type} {self.core_id} ({self.status})"

    @property
    def is_failed(self) -> bool:
        return self.status in UNSUCCESSFUL_STATUSES

    @property
    def is_final(self) -> bool:
        return self.status in FINAL_STATUSES
