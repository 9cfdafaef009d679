from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend


class PreferenceBackend(ModelBackend):
    """Django's model backend, loading a signed-in person's preferences with them: the
    history reads them on every request, and a query of its own cost a millisecond."""

    def get_user(self, user_id):
        users = get_user_model()._default_manager.select_related("preference")
        try:
            user = users.get(pk=user_id)
        except users.model.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None
