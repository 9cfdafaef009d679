from django.urls import path

from . import views

urlpatterns = [
    path("syncs/<uuid:sync_id>/retry/", views.retry, name="sync-retry"),
    path("retries/confirm/", views.confirm, name="retry-confirm"),
    path("retries/", views.retry_many, name="retry-many"),
    path("retries/<int:pk>/progress/", views.progress, name="retry-progress"),
]
