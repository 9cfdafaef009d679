from django.contrib import admin

from .models import Company, Sync, SyncConfig


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "id"]
    search_fields = ["name", "=id"]


@admin.register(SyncConfig)
class SyncConfigAdmin(admin.ModelAdmin):
    list_display = ["id", "company", "product", "digest", "captured_at"]
    list_filter = ["product"]
    list_select_related = ["company"]
    raw_id_fields = ["company"]
    readonly_fields = ["digest", "captured_at"]


@admin.register(Sync)
class SyncAdmin(admin.ModelAdmin):
    list_display = [
        "id",
        "company",
        "product",
        "status_code",
        "started_at",
        "finished_at",
        "source_platform",
        "destination_platform",
    ]
    list_filter = ["product", "status_code"]
    list_select_related = ["company"]
    search_fields = ["=id", "=company__id", "company__name"]
    raw_id_fields = ["company", "config", "retry_of"]
    date_hierarchy = "started_at"
    list_per_page = 50
