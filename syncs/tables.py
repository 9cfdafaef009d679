"""The history table: its columns and how each renders."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from .status import status_for
from .templatetags.synchealth import badge, duration, short_id, utc_time

# Column keys a person can show or hide, in display order; the Sync ID always shows.
DEFAULT_COLUMNS = ["company", "product", "started", "finished", "run_time", "status"]
OPTIONAL_COLUMNS = ["source", "destination", "data_range", "items", "notes"]
TOGGLEABLE = DEFAULT_COLUMNS + OPTIONAL_COLUMNS


COPY_ICON = mark_safe(
    '<svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16">'
    '<rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor"'
    ' stroke-width="1.5"/><path d="M3 11V3a1 1 0 0 1 1-1h7" fill="none" stroke="currentColor"'
    ' stroke-width="1.5"/></svg>'
)


class SyncTable(tables.Table):
    company = tables.Column(verbose_name="Company", accessor="company__name")
    sync_id = tables.Column(verbose_name="Sync ID", accessor="id")
    product = tables.Column(verbose_name="Product", accessor="product")
    started = tables.Column(verbose_name="Start Time", accessor="started_at")
    finished = tables.Column(verbose_name="Complete Time", accessor="finished_at", default="")
    run_time = tables.Column(verbose_name="Run Time", accessor="run_time", default="")
    status = tables.Column(verbose_name="Status", accessor="status_code")
    source = tables.Column(verbose_name="Source", accessor="source_platform")
    destination = tables.Column(verbose_name="Destination", accessor="destination_platform")
    data_range = tables.Column(verbose_name="Data Date Range", accessor="data_start", default="")
    items = tables.Column(verbose_name="Items (failed/total)", accessor="id", default="")
    notes = tables.Column(verbose_name="Notes", accessor="notes", default="")

    class Meta:
        orderable = False
        sequence = ("company", "sync_id", "...")

    def __init__(self, *args, item_counts=None, detail_query: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item_counts = item_counts or {}
        self.detail_query = detail_query

    def render_company(self, record) -> str:
        return format_html(
            '<span class="company-name">{}</span> <code class="muted" title="{}">{}</code>',
            record.company.name,
            record.company_id,
            short_id(record.company_id),
        )

    def render_sync_id(self, record) -> str:
        # Built in Python rather than from a template: it runs for every row of every page.
        href = reverse("sync-summary", args=[record.id])
        if self.detail_query:
            href += "?" + urlencode({"back": self.detail_query})
        return format_html(
            '<span class="sync-id"><a class="row-link" href="{}" title="{}"><code>{}</code></a>'
            ' <button type="button" class="copy" data-copy="{}" aria-label="Copy sync id {}"'
            ' title="Copy full sync id">{}</button></span>',
            href, record.id, short_id(record.id), record.id, record.id, COPY_ICON,
        )  # fmt: skip

    def render_product(self, record) -> str:
        return record.get_product_display()

    def render_started(self, value) -> str:
        return utc_time(value)

    def render_finished(self, value) -> str:
        return utc_time(value)

    def render_run_time(self, value) -> str:
        return format_html('<span class="mono">{}</span>', duration(value))

    def render_status(self, value) -> str:
        return badge(status_for(value))

    def render_data_range(self, record) -> str:
        if not record.data_start:
            return "—"
        return format_html("{} → {}", utc_time(record.data_start), utc_time(record.data_finish))

    def render_items(self, record) -> str:
        failed, total = self.item_counts.get(record.id, (0, 0))
        if not total:
            return "—"
        return format_html(
            '<span class="{}">{}</span>/{}', "failed-count" if failed else "", failed, total
        )
