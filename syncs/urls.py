from django.urls import path

from .views import detail, history, status_codes

urlpatterns = [
    path("", history.home, name="home"),
    path("counts/", history.counts, name="history-counts"),
    path("export.csv", history.export, name="history-export"),
    path("status-codes/", status_codes.status_codes, name="status-codes"),
    path("syncs/<uuid:sync_id>/", detail.summary, name="sync-summary"),
    path("syncs/<uuid:sync_id>/config/", detail.config, name="sync-config"),
    path(
        "syncs/<uuid:sync_id>/config/download/",
        detail.config_download,
        name="sync-config-download",
    ),
]
