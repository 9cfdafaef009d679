import django_tables2 as tables
from django.template.defaultfilters import truncatechars
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

from synchealth.tables import RecordTable
from syncs.templatetags.sync_details import push_status_badge, with_back
from syncs.templatetags.synchealth import utc_time

from .models import PushItem

ERROR_SHOWN = 80
EMPTY = "—"
PLACEHOLDER_PK = 2**63 - 1


class PushItemTable(RecordTable):
    """Push items in id order; the order is fixed because the list pages by id."""

    select = tables.Column("Select", empty_values=())
    core_id = tables.Column("Core Id")
    parent_core_id = tables.Column("Parent Core Id")
    data_type = tables.Column("Data Type")
    status = tables.Column("Status")
    status_code = tables.Column("Code")
    attempts = tables.Column("Attempts")
    error_message = tables.Column("Last error")
    completed_at = tables.Column("Completed")

    class Meta:
        model = PushItem
        fields = (
            "select",
            "core_id",
            "parent_core_id",
            "data_type",
            "status",
            "status_code",
            "attempts",
            "error_message",
            "completed_at",
        )
        orderable = False
        template_name = "pushitems/includes/items_table.html"

    def __init__(self, *args, back: str = "", selectable: bool = False, **kwargs) -> None:
        super().__init__(*args, exclude=() if selectable else ("select",), **kwargs)
        # One reverse() for the page rather than one per row: every item's link is this one
        # with its own id in the path, which comes before the query.
        self.item_url = escape(with_back(reverse("push-item", args=[PLACEHOLDER_PK]), back))

    def render_select(self, record: PushItem) -> str:
        # The box belongs to the "Retry selected" form above the table: forms cannot nest.
        if not record.is_failed:
            return ""
        return format_html(
            '<input type="checkbox" name="items" value="{}" form="retry-selected" '
            'aria-label="Select {} {}">',
            record.pk,
            record.data_type,
            record.core_id,
        )

    def render_core_id(self, record: PushItem) -> str:
        href = self.item_url.replace(str(PLACEHOLDER_PK), str(record.pk), 1)
        return mark_safe(f'<a href="{href}" class="mono">{escape(record.core_id)}</a>')

    def render_parent_core_id(self, record: PushItem) -> str:
        if not record.parent_core_id:
            return EMPTY
        return format_html('<span class="mono">{}</span>', record.parent_core_id)

    def render_data_type(self, record: PushItem) -> str:
        return record.data_type or EMPTY

    def render_status(self, record: PushItem) -> str:
        return push_status_badge(record.status)

    def render_status_code(self, record: PushItem) -> str:
        return EMPTY if record.status_code is None else str(record.status_code)

    def render_attempts(self, record: PushItem) -> str:
        return str(record.attempts)

    def render_error_message(self, record: PushItem) -> str:
        message = record.error_message
        if not message:
            return EMPTY
        return format_html(
            '<span title="{}">{}</span>', message, truncatechars(message, ERROR_SHOWN)
        )

    def render_completed_at(self, record: PushItem) -> str:
        return utc_time(record.completed_at)
