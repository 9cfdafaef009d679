from datetime import timedelta

import pytest
from django.core import signing

from syncs.keyset import SortKey
from syncs.models import Sync
from syncs.pagination import SALT, InvalidCursor, paginate, read_cursor

from ..factories import SyncFactory

pytestmark = pytest.mark.django_db

NEWEST_FIRST = [SortKey("started_at", True), SortKey("id", True)]


@pytest.fixture
def syncs(company):
    first = SyncFactory(company=company)
    return [
        SyncFactory(company=company, started_at=first.started_at - timedelta(minutes=n))
        for n in range(1, 7)
    ] + [first]


def _walk(keys, size):
    pages, cursor = [], None
    while True:
        page = paginate(Sync.objects.all(), keys, cursor, size)
        pages.append([row.id for row in page.rows])
        if not page.next_cursor:
            return pages
        cursor = page.next_cursor


def test_it_walks_every_row_once_in_order(syncs):
    walked = [pk for page in _walk(NEWEST_FIRST, 3) for pk in page]
    assert walked == list(Sync.objects.order_by("-started_at", "-id").values_list("id", flat=True))


def test_it_breaks_ties_on_the_id(company):
    moment = SyncFactory(company=company).started_at
    SyncFactory.create_batch(4, company=company, started_at=moment)
    walked = [pk for page in _walk(NEWEST_FIRST, 2) for pk in page]
    assert len(walked) == len(set(walked)) == 5


def test_it_pages_back_to_the_rows_before(syncs):
    first = paginate(Sync.objects.all(), NEWEST_FIRST, None, 3)
    second = paginate(Sync.objects.all(), NEWEST_FIRST, first.next_cursor, 3)
    back = paginate(Sync.objects.all(), NEWEST_FIRST, second.previous_cursor, 3)
    assert [r.id for r in back.rows] == [r.id for r in first.rows]


def test_it_offers_no_previous_page_on_the_first_page(syncs):
    assert paginate(Sync.objects.all(), NEWEST_FIRST, None, 3).previous_cursor is None


def test_it_keeps_a_page_stable_while_newer_rows_arrive(syncs, company):
    first = paginate(Sync.objects.all(), NEWEST_FIRST, None, 3)
    expected = [r.id for r in paginate(Sync.objects.all(), NEWEST_FIRST, first.next_cursor, 3).rows]
    SyncFactory.create_batch(
        5, company=company, started_at=syncs[-1].started_at + timedelta(hours=1)
    )
    again = paginate(Sync.objects.all(), NEWEST_FIRST, first.next_cursor, 3)
    assert [r.id for r in again.rows] == expected


def test_it_refuses_a_forged_cursor():
    with pytest.raises(InvalidCursor):
        read_cursor("eyJ2IjpbXX0:forged:signature", NEWEST_FIRST)


def test_it_refuses_a_cursor_made_for_another_order(syncs):
    page = paginate(Sync.objects.all(), NEWEST_FIRST, None, 3)
    with pytest.raises(InvalidCursor):
        read_cursor(page.next_cursor, [SortKey("status_code", False), SortKey("id", False)])


def test_it_refuses_a_signed_cursor_with_the_wrong_shape():
    cursor = signing.dumps({"v": [1], "d": "sideways", "k": ["-started_at", "-id"]}, salt=SALT)
    with pytest.raises(InvalidCursor):
        read_cursor(cursor, NEWEST_FIRST)


def test_it_sorts_ascending_on_several_keys(company):
    for code in (5130, 2000, 2000, 4000):
        SyncFactory(company=company, status_code=code)
    keys = [SortKey("status_code", False), SortKey("started_at", True), SortKey("id", True)]
    walked = [pk for page in _walk(keys, 1) for pk in page]
    expected = Sync.objects.order_by("status_code", "-started_at", "-id").values_list(
        "id", flat=True
    )
    assert walked == list(expected)
