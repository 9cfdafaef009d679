import hashlib
import json
import uuid
from datetime import timedelta

from django.db import models
from django.db.models import F, Q, Value
from django.db.models.lookups import IsNull

from . import status as status_codes
from .status import StatusCode

# The sync columns of few values each, never NULL: SyncCombination counts the syncs of each
# combination of their values. With the start time and id after them (sync_few_values_window),
# each combination's syncs in a window, from the index alone; on PostgreSQL it carries the
# company too, for a search's (migration 0016).
FEW_VALUED = ("status_code", "product", "source_platform", "destination_platform")
# Every sync meets it, and only the pages of a narrow window state it (`History.page`), so
# that they alone use sync_few_values_window: over any time the planner, blind to how many
# syncs a combination has, would read a busy one's 92,000 entries there rather than walk the
# next key's index to a page of them. On an expression that no filter states, since
# PostgreSQL would find `status_code >= 0` implied by any status filter or pick; and a test
# for NULL, which it estimates true of nearly every row, where it guesses a third for a
# comparison of an expression and would misjudge every page stating it.
WINDOW_INDEX_CONDITION = Q(IsNull(F("status_code") + Value(0), False))


class Product(models.TextChoices):
    COMMERCE = "commerce", "Sync for Commerce"
    EXPENSES = "expenses", "Sync for Expenses"


class Company(models.Model):
    id = models.UUIDField("Codat company id", primary_key=True, default=uuid.uuid4)
    name = models.CharField(max_length=200)

    class Meta:
        verbose_name_plural = "companies"
        ordering = ["name", "id"]
        indexes = [models.Index(fields=["name", "id"], name="company_name")]

    def __str__(self) -> str:
        return self.name


class SyncConfig(models.Model):
    """A configuration snapshot in Codat's shape, stored once however many syncs ran with it.

    `data` is Codat's `Configuration` (Sync for Commerce) or `CompanyConfiguration`
    (Sync for Expenses); `digest` identifies identical snapshots of one company.
    """

    company = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="configs")
    product = models.CharField(max_length=16, choices=Product.choices)
    data = models.JSONField()
    digest = models.CharField(max_length=64, editable=False)
    captured_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["company", "product", "digest"], name="syncconfig_unique_snapshot"
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_product_display()} config of {self.company_id} ({self.digest[:8]})"

    def save(self, *args, **kwargs) -> None:
        self.digest = self.digest_of(self.data)
        super().save(*args, **kwargs)

    @staticmethod
    def digest_of(data: dict) -> str:
        canonical = json.dumps(data, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class SyncQuerySet(models.QuerySet):
    # Ranges rather than the table's code lists, so undocumented codes (e.g. 4200) land in
    # the family their thousands digit names.
    def failed(self) -> "SyncQuerySet":
        return self.filter(status_code__gte=4000, status_code__lte=5999)

    def in_progress(self) -> "SyncQuerySet":
        return self.filter(status_code__gte=1000, status_code__lte=1999)

    def unresolved_failed(self) -> "SyncQuerySet":
        """Failed syncs whose failed items have not all succeeded in a later retry."""
        return self.failed().filter(resolved_by__isnull=True)

    def succeeded(self) -> "SyncQuerySet":
        return self.filter(status_code__gte=2000, status_code__lte=2999)


class Sync(models.Model):
    id = models.UUIDField("sync id", primary_key=True, default=uuid.uuid4)
    # Indexed first in sync_company_started, which serves every lookup by company.
    company = models.ForeignKey(
        Company, on_delete=models.PROTECT, related_name="syncs", db_index=False
    )
    product = models.CharField(max_length=16, choices=Product.choices)
    status_code = models.PositiveIntegerField(default=status_codes.IN_PROGRESS)
    status_text = models.CharField(
        max_length=40, blank=True, help_text="Codat's syncStatus text, e.g. Complete, PushError."
    )
    started_at = models.DateTimeField()
    finished_at = models.DateTimeField(null=True, blank=True)
    source_platform = models.CharField(max_length=100, blank=True)
    destination_platform = models.CharField(max_length=100, blank=True)
    data_start = models.DateTimeField("data from", null=True, blank=True)
    data_finish = models.DateTimeField("data to", null=True, blank=True)
    error_message = models.TextField(blank=True, help_text="Client-friendly message.")
    exception_message = models.TextField(blank=True, help_text="Internal; for staff only.")
    notes = models.TextField(blank=True)
    data_pushed = models.BooleanField(default=False)
    config = models.ForeignKey(
        SyncConfig, on_delete=models.PROTECT, null=True, blank=True, related_name="syncs"
    )
    retry_of = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="retries"
    )
    # Set once every failed item of this sync has succeeded in a later retry; the sync's own
    # status stays as recorded, because history is never rewritten.
    resolved_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="resolved"
    )

    objects = SyncQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at", "-id"]
        indexes = [
            models.Index(fields=["company", "-started_at", "-id"], name="sync_company_started"),
            models.Index(fields=["status_code", "-started_at", "-id"], name="sync_status_started"),
            models.Index(fields=["-started_at", "-id"], name="sync_started"),
            # One per order the history offers (`selectors.SORTABLE`), so that any page of
            # it is read from an index. Complete time's and run time's live in migrations
            # 0007 and 0009: PostgreSQL only.
            models.Index(fields=["product", "id"], name="sync_product"),
            models.Index(fields=["status_code", "id"], name="sync_status"),
            models.Index(fields=["source_platform", "id"], name="sync_source"),
            models.Index(fields=["destination_platform", "id"], name="sync_destination"),
            # With sync_status_started, each value of a few-valued column in start-time
            # order, read from either end: the orders led by one and then by start time.
            models.Index(fields=["product", "-started_at", "-id"], name="sync_product_started"),
            models.Index(
                fields=["source_platform", "-started_at", "-id"], name="sync_source_started"
            ),
            models.Index(
                fields=["destination_platform", "-started_at", "-id"],
                name="sync_destination_started",
            ),
            models.Index(
                fields=[*FEW_VALUED, "-started_at", "-id"],
                name="sync_few_values_window",
                condition=WINDOW_INDEX_CONDITION,
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(finished_at__isnull=True) | Q(finished_at__gte=models.F("started_at")),
                name="sync_finishes_after_start",
            ),
            models.CheckConstraint(
                condition=Q(data_start__isnull=True)
                | Q(data_finish__isnull=True)
                | Q(data_finish__gte=models.F("data_start")),
                name="sync_data_range_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(retry_of=models.F("id")), name="sync_does_not_retry_itself"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.id} ({self.status_code})"

    @property
    def status(self) -> StatusCode:
        return status_codes.status_for(self.status_code)

    @property
    def run_time(self) -> timedelta | None:
        if self.finished_at is None:
            return None
        return self.finished_at - self.started_at

    @property
    def is_failed(self) -> bool:
        return self.status.is_failure

    @property
    def in_progress(self) -> bool:
        return self.status.is_in_progress


def _one_row_per(unit: str, table: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=[unit, "status_code", "resolved"], name=f"{table}_unique")


class StartedCount(models.Model):
    """How many syncs started in one UTC quarter hour, hour, day or month with one status code,
    resolved or not. Database triggers on the sync table keep every level current (migrations
    0003, 0004 and 0006), so the dashboard never reads every sync."""

    unit = ""  # the name of the field holding the start of the quarter hour, hour, day or month
    label = ""  # how __str__ writes that start

    status_code = models.PositiveIntegerField()
    resolved = models.BooleanField()
    total = models.IntegerField(default=0)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{getattr(self, self.unit):{self.label}} {self.status_code}: {self.total}"


class SyncQuarterHourCount(StartedCount):
    """Quarter hours are the finest level: every zone's offset from UTC is a whole number of
    them (India's is 22, Nepal's 23), so its days and months start on one."""

    unit, label = "quarter_hour", "%Y-%m-%d %H:%M"
    quarter_hour = models.DateTimeField()

    class Meta:
        constraints = [_one_row_per("quarter_hour", "syncquarterhourcount")]


class SyncHourlyCount(StartedCount):
    unit, label = "hour", "%Y-%m-%d %H:00"
    hour = models.DateTimeField()

    class Meta:
        constraints = [_one_row_per("hour", "synchourlycount")]


class SyncDailyCount(StartedCount):
    unit, label = "day", "%Y-%m-%d"
    day = models.DateTimeField()

    class Meta:
        constraints = [_one_row_per("day", "syncdailycount")]


class SyncMonthlyCount(StartedCount):
    unit, label = "month", "%Y-%m"
    month = models.DateTimeField()

    class Meta:
        constraints = [_one_row_per("month", "syncmonthlycount")]


class SyncCombination(models.Model):
    """How many syncs have one combination of the few-valued columns (`FEW_VALUED`), kept by
    database triggers (migration 0015). An order led by those columns picks its rows a
    combination at a time, among those some sync has: reading the few hundred here took a
    tenth of probing the sync index for each. A combination whose syncs have all changed or
    gone keeps its row with no syncs, as the counts keep their empty hours. Like theirs, a
    row stays locked by a write until it commits, so two transactions moving syncs between
    the same combinations in opposite orders can deadlock (PostgreSQL rolls one back)."""

    pk = models.CompositePrimaryKey(*FEW_VALUED)
    status_code = models.PositiveIntegerField()
    product = models.CharField(max_length=16, choices=Product.choices)
    source_platform = models.CharField(max_length=100, blank=True)
    destination_platform = models.CharField(max_length=100, blank=True)
    total = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{' / '.join(str(getattr(self, name)) for name in FEW_VALUED)}: {self.total}"
