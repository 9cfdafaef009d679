from django.apps import AppConfig


class PushItemsConfig(AppConfig):
    name = "pushitems"
    verbose_name = "Push items"
