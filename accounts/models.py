from django.conf import settings
from django.db import models


class Preference(models.Model):
    """What one person chose to see; kept on the server so it follows them between browsers."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="preference"
    )
    history_columns = models.JSONField(
        default=list, blank=True, help_text="Keys of the history columns shown, in order."
    )

    def __str__(self) -> str:
        return f"Preferences of {self.user}"
