import pytest

from pushitems.filters import PushItemFilter
from pushitems.models import PushItem, PushStatus

from ..factories import PushItemFactory

pytestmark = pytest.mark.django_db


def _filtered(sync, **params) -> set[str]:
    filterset = PushItemFilter(params, queryset=PushItem.objects.filter(sync=sync))
    assert filterset.is_valid(), filterset.errors
    return set(filterset.qs.values_list("core_id", flat=True))


def test_it_finds_items_by_the_start_of_their_core_id(sync):
    PushItemFactory(sync=sync, core_id="cb8869e7-e042")
    PushItemFactory(sync=sync, core_id="aa000000-0000")
    assert _filtered(sync, q="cb88") == {"cb8869e7-e042"}


def test_it_finds_items_by_core_id_regardless_of_case(sync):
    PushItemFactory(sync=sync, core_id="cb8869e7-e042")
    assert _filtered(sync, q="CB8869E7") == {"cb8869e7-e042"}


def test_it_does_not_find_items_by_the_middle_of_their_core_id(sync):
    PushItemFactory(sync=sync, core_id="cb8869e7-e042")
    assert _filtered(sync, q="e042") == set()


def test_it_finds_items_by_the_start_of_their_parent_core_id(sync):
    PushItemFactory(sync=sync, core_id="child", parent_core_id="9f00aa11")
    PushItemFactory(sync=sync, core_id="orphan")
    assert _filtered(sync, q="9f00") == {"child"}


def test_it_finds_items_by_data_type_in_the_search_box(sync):
    PushItemFactory(sync=sync, core_id="bill", data_type="bills")
    PushItemFactory(sync=sync, core_id="cost", data_type="directCosts")
    assert _filtered(sync, q="directcosts") == {"cost"}


def test_it_treats_like_wildcards_in_the_search_literally(sync):
    PushItemFactory(sync=sync, core_id="abc")
    assert _filtered(sync, q="%") == set() and _filtered(sync, q="_bc") == set()


def test_it_filters_by_one_status(sync):
    PushItemFactory(sync=sync, core_id="bad", failed=True)
    PushItemFactory(sync=sync, core_id="good")
    assert _filtered(sync, status=[PushStatus.FAILED]) == {"bad"}


def test_it_filters_by_several_statuses(sync):
    PushItemFactory(sync=sync, core_id="bad", failed=True)
    PushItemFactory(sync=sync, core_id="slow", timed_out=True)
    PushItemFactory(sync=sync, core_id="good")
    assert _filtered(sync, status=[PushStatus.FAILED, PushStatus.TIMED_OUT]) == {"bad", "slow"}


def test_it_filters_by_data_type(sync):
    PushItemFactory(sync=sync, core_id="bill", data_type="bills")
    PushItemFactory(sync=sync, core_id="cost", data_type="directCosts")
    assert _filtered(sync, data_type="bills") == {"bill"}


def test_it_combines_search_status_and_data_type(sync):
    PushItemFactory(sync=sync, core_id="a1", data_type="bills", failed=True)
    PushItemFactory(sync=sync, core_id="a2", data_type="bills")
    PushItemFactory(sync=sync, core_id="a3", data_type="directCosts", failed=True)
    PushItemFactory(sync=sync, core_id="b1", data_type="bills", failed=True)
    assert _filtered(sync, q="a", status=[PushStatus.FAILED], data_type="bills") == {"a1"}


def test_it_rejects_an_unknown_status():
    filterset = PushItemFilter({"status": ["Exploded"]}, queryset=PushItem.objects.all())
    assert not filterset.is_valid() and "status" in filterset.errors


def test_it_rejects_an_unknown_data_type():
    filterset = PushItemFilter({"data_type": "widgets"}, queryset=PushItem.objects.all())
    assert not filterset.is_valid() and "data_type" in filterset.errors


def test_it_rejects_an_overlong_search():
    filterset = PushItemFilter({"q": "x" * 101}, queryset=PushItem.objects.all())
    assert not filterset.is_valid() and "q" in filterset.errors
