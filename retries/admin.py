from django.contrib import admin
from django.http import HttpRequest

from .models import Retry


@admin.register(Retry)
class RetryAdmin(admin.ModelAdmin):
    """Read-only: retries are an audit trail, written only by the retry services."""

    list_display = [
        "id",
        "original",
        "sync",
        "requested_by",
        "requested_at",
        "item_count",
        "state",
        "outcome",
    ]
    list_filter = ["state", "outcome"]
    list_select_related = ["original", "sync", "requested_by"]
    search_fields = ["=original__id", "=sync__id", "requested_by__username"]
    date_hierarchy = "requested_at"
    list_per_page = 50

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Retry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Retry | None = None) -> bool:
        return False
