"""The history table: its columns and how each renders."""

from html import escape
from uuid import UUID

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.http import urlencode
from django.utils.safestring import mark_safe

from synchealth.tables import RecordTable

from .models import Product
from .status import status_for
from .templatetags.synchealth import badge, duration, short_id, utc_time

# Column keys a person can show or hide, in display order; the Sync ID always shows.
DEFAULT_COLUMNS = ["company", "product", "started", "finished", "run_time", "status"]
OPTIONAL_COLUMNS = ["source", "destination", "data_range", "items", "notes"]
TOGGLEABLE = DEFAULT_COLUMNS + OPTIONAL_COLUMNS
PLACEHOLDER_ID = UUID(int=0)
PRODUCTS = dict(Product.choices)


COPY_ICON = mark_safe(
    '<svg aria-hidden="true" width="14" height="14" viewBox="0 0 16 16">'
    '<rect x="5" y="5" width="9" height="9" rx="1.5" fill="none" stroke="currentColor"'
    ' stroke-width="1.5"/><path d="M3 11V3a1 1 0 0 1 1-1h7" fill="none" stroke="currentColor"'
    ' stroke-width="1.5"/></svg>'
)


class SyncTable(RecordTable):
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

    row_class = "clickable"

    class Meta:
        orderable = False
        sequence = ("company", "sync_id", "...")

    def __init__(self, *args, item_counts=None, detail_query: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.item_counts = item_counts or {}
        # One reverse() for the page rather than one per row: every summary link is this one
        # with its own id.
        self.summary_url = reverse("sync-summary", args=[PLACEHOLDER_ID])
        self.back = "?" + urlencode({"back": detail_query}) if detail_query else ""

    # The cells below run for every row of every page, so they are built with f-strings:
    # only what a person or a sync engine wrote (names, the link's query) is escaped here;
    # ids, times and status labels cannot hold markup. Cells returned as plain strings
    # (platforms, notes) are escaped by RecordTable.html_rows, so they must stay plain.
    def render_company(self, record) -> str:
        company_id = str(record.company_id)
        return mark_safe(
            f'<span class="company-name">{escape(record.company.name)}</span> '
            f'<code class="muted" title="{company_id}">{short_id(company_id)}</code>'
        )

    def render_sync_id(self, record) -> str:
        sync_id = str(record.id)
        href = escape(self.summary_url.replace(str(PLACEHOLDER_ID), sync_id) + self.back)
        return mark_safe(
            f'<span class="sync-id"><a class="row-link" href="{href}" title="{sync_id}">'
            f"<code>{short_id(sync_id)}</code></a>"
            f' <button type="button" class="copy" data-copy="{sync_id}"'
            f' aria-label="Copy sync id {sync_id}" title="Copy full sync id">{COPY_ICON}</button>'
            "</span>"
        )

    def render_product(self, record) -> str:
        return PRODUCTS.get(record.product, record.product)

    def render_started(self, record) -> str:
        return utc_time(record.started_at)

    def render_finished(self, record) -> str:
        return utc_time(record.finished_at, empty="")

    def render_run_time(self, record) -> str:
        if record.run_time is None:
            return ""
        return mark_safe(f'<span class="mono">{duration(record.run_time)}</span>')

    def render_status(self, record) -> str:
        return badge(status_for(record.status_code))

    def render_source(self, record) -> str:
        return record.source_platform or "—"

    def render_destination(self, record) -> str:
        return record.destination_platform or "—"

    def render_data_range(self, record) -> str:
        if not record.data_start:
            return ""
        return format_html("{} → {}", utc_time(record.data_start), utc_time(record.data_finish))

    def render_items(self, record) -> str:
        failed, total = self.item_counts.get(record.id, (0, 0))
        if not total:
            return "—"
        return format_html(
            '<span class="{}">{}</span>/{}', "failed-count" if failed else "", failed, total
        )

    def render_notes(self, record) -> str:
        return record.notes
