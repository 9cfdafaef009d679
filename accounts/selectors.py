from django.contrib.auth.models import AbstractBaseUser

from .models import Preference


def preference_history_columns(*, user: AbstractBaseUser) -> list[str] | None:
    """The history columns `user` chose, or None when they never chose. Signed-in people's
    preferences are loaded with them (`backends.PreferenceBackend`)."""
    try:
        return user.preference.history_columns
    except Preference.DoesNotExist:
        return None
