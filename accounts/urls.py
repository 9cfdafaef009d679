from django.urls import path

from . import views

urlpatterns = [
    path("preferences/history-columns/", views.history_columns, name="history-columns"),
]
