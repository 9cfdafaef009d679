from django.contrib.auth.models import AbstractBaseUser

from .models import Preference


def preference_history_columns(*, user: AbstractBaseUser) -> list[str] | None:
    """The history columns `user` chose, or None when they never chose."""
    columns = Preference.objects.filter(user=user).values_list("history_columns", flat=True)
    return next(iter(columns), None)
