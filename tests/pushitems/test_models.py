from datetime import timedelta

import pytest
from django.db import IntegrityError

from ..factories import PushItemFactory, SyncFactory

pytestmark = pytest.mark.django_db


def test_it_gives_each_push_a_unique_operation_key():
    first, second = PushItemFactory.create_batch(2)
    assert first.push_operation_key != second.push_operation_key


def test_it_refuses_an_unknown_status():
    with pytest.raises(IntegrityError):
        PushItemFactory(status="Exploded")


def test_it_refuses_a_completion_before_the_request():
    item = PushItemFactory.build(sync=SyncFactory())
    item.completed_at = item.requested_at - timedelta(seconds=1)
    with pytest.raises(IntegrityError):
        item.save()


def test_it_starts_with_empty_validation():
    assert PushItemFactory().validation == {"errors": [], "warnings": []}


@pytest.mark.parametrize(
    ("trait", "failed", "final"),
    [("pending", False, False), ("failed", True, True), ("timed_out", True, True)],
)
def test_it_knows_whether_an_item_failed_and_is_final(trait, failed, final):
    item = PushItemFactory(**{trait: True})
    assert (item.is_failed, item.is_final) == (failed, final)
