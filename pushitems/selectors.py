from dataclasses import dataclass

from django.db.models import Count, QuerySet

from syncs.models import Sync

from .models import PushItem, PushStatus

PAGE_SIZE = 50


@dataclass(frozen=True)
class KeysetPage:
    items: list[PushItem]
    next_after: int | None
    previous_before: int | None


def push_item_counts(*, sync: Sync) -> dict[PushStatus, int]:
    """How many of `sync`'s push items are in each status, every status present, in one query."""
    counts = dict.fromkeys(PushStatus, 0)
    counts.update(sync.push_items.order_by().values_list("status").annotate(Count("id")))
    return counts


def push_item_list(*, sync: Sync) -> QuerySet[PushItem]:
    """`sync`'s push items as a list shows them: without the bulky payload and validation."""
    return PushItem.objects.filter(sync=sync).defer("payload", "validation")


def push_item_page(
    *,
    items: QuerySet[PushItem],
    after: int | None = None,
    before: int | None = None,
    size: int = PAGE_SIZE,
) -> KeysetPage:
    """One page of `items` in id order, read from a cursor id so no page counts the others.

    One extra row tells whether there is a page beyond; `after` wins over `before`.
    """
    if after is None and before is not None:
        rows = list(items.filter(id__lt=before).order_by("-id")[: size + 1])
        page = rows[:size][::-1]
        return KeysetPage(
            items=page,
            next_after=page[-1].id if page else None,
            previous_before=page[0].id if len(rows) > size else None,
        )
    if after is not None:
        items = items.filter(id__gt=after)
    rows = list(items.order_by("id")[: size + 1])
    page = rows[:size]
    return KeysetPage(
        items=page,
        next_after=page[-1].id if len(rows) > size else None,
        previous_before=page[0].id if after is not None and page else None,
    )
