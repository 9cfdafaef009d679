from django.urls import path

from .views import detail, history

urlpatterns = [
    path("", history.home, name="home"),
    path("syncs/<uuid:sync_id>/", detail.summary, name="sync-summary"),
    path("syncs/<uuid:sync_id>/config/", detail.config, name="sync-config"),
    path(
        "syncs/<uuid:sync_id>/config/download/",
        detail.config_download,
        name="sync-config-download",
    ),
]
