from django.urls import path

from . import views

urlpatterns = [
    path("syncs/<uuid:sync_id>/push-items/", views.push_items, name="sync-push-items"),
    path("push-items/<int:pk>/", views.push_item, name="push-item"),
]
