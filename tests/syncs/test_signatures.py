from django_tables2 import utils

from syncs import signatures
from syncs.tables import SyncTable


def test_it_is_what_django_tables2_uses():
    assert utils.signature is signatures.signature


def test_it_gives_the_same_answer_as_inspecting_each_time():
    table = SyncTable([])
    for method in (table.render_company, table.render_started, table.render_status):
        assert signatures.signature(method) == signatures._inspect(method)


def test_it_remembers_a_method_across_tables():
    signatures.signature(SyncTable([]).render_company)
    assert SyncTable.render_company in signatures._known


def test_it_does_not_remember_plain_functions():
    def closure(value):
        return value

    assert signatures.signature(closure) == (("value",), None)
    assert closure not in signatures._known
