from syncs import status as codes
from syncs.status import Family, status_for

from ..shared import codat_file, markdown_table


def _documented() -> dict[int, str]:
    text = codat_file("README.md").read_text()
    return {int(row[0]): row[1] for row in markdown_table(text, "### 1.1 Status codes")}


def test_it_defines_exactly_the_documented_codes():
    assert set(codes.STATUS_CODES) == set(_documented())


def test_it_uses_the_documented_reason_for_every_code():
    assert {code: s.reason for code, s in codes.STATUS_CODES.items()} == _documented()


def test_it_groups_codes_into_families_by_thousands():
    families = {code: s.family for code, s in codes.STATUS_CODES.items()}
    assert families == {
        1000: Family.IN_PROGRESS,
        1010: Family.IN_PROGRESS,
        2000: Family.SUCCESS,
        2040: Family.SUCCESS,
        4000: Family.CLIENT_ERROR,
        4040: Family.CLIENT_ERROR,
        4220: Family.CLIENT_ERROR,
        4260: Family.CLIENT_ERROR,
        5000: Family.SERVER_ERROR,
        5080: Family.SERVER_ERROR,
        5120: Family.SERVER_ERROR,
        5130: Family.SERVER_ERROR,
    }


def test_it_gives_every_code_a_badge_label_colour_and_anchor():
    for status in codes.STATUS_CODES.values():
        assert status.label and status.colour in {"blue", "green", "amber", "red"}
        assert status.anchor == f"status-{status.code}"


def test_it_shows_an_undocumented_code_raw():
    status = status_for(4200)
    assert (status.label, status.known, status.family) == ("4200", False, Family.CLIENT_ERROR)


def test_it_counts_an_undocumented_4xxx_or_5xxx_code_as_a_failure():
    assert status_for(4200).is_failure and status_for(5999).is_failure


def test_it_puts_codes_outside_the_families_in_unknown():
    assert (
        status_for(0).family
        == status_for(3100).family
        == status_for(70000).family
        == Family.UNKNOWN
    )
