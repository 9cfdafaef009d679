from django.contrib.auth.models import AbstractBaseUser

from .models import Preference


def preference_set_history_columns(*, user: AbstractBaseUser, columns: list[str]) -> Preference:
    """Stores the history columns `user` wants to see, replacing the previous choice."""
    preference, _ = Preference.objects.update_or_create(
        user=user, defaults={"history_columns": columns}
    )
    return preference
