from django.contrib import admin

from .models import PushItem


@admin.register(PushItem)
class PushItemAdmin(admin.ModelAdmin):
    list_display = ["push_operation_key", "sync", "core_id", "data_type", "status", "attempts"]
    list_filter = ["status", "data_type"]
    search_fields = [
        "=push_operation_key",
        "=idempotency_key",
        "core_id",
        "parent_core_id",
        "=sync__id",
    ]
    raw_id_fields = ["sync", "retry_of"]
    readonly_fields = ["idempotency_key", "claim_token", "claimed_until"]
    list_per_page = 50
