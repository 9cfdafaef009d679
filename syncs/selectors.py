from .models import Sync


def sync_recent(*, limit: int = 50) -> list[Sync]:
    """The newest syncs with their companies, newest first."""
    return list(Sync.objects.select_related("company").order_by("-started_at", "-id")[:limit])
