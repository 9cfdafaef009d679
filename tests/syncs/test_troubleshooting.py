import re

from syncs.troubleshooting import ERRORS, entry_for

from ..shared import codat_file, markdown_table

SECTIONS = (
    "#### Configuration errors",
    "#### Post-configuration errors",
    "#### Errors resolved by Codat",
)


def _documented_messages() -> list[str]:
    text = codat_file("README.md").read_text()
    messages = []
    for heading in SECTIONS:
        for row in markdown_table(text, heading):
            for message in row[0].split(" / "):
                messages.append(re.sub(r"\*\*|`", "", message).strip())
    return messages


def test_it_has_an_entry_for_every_documented_message():
    unmatched = [message for message in _documented_messages() if entry_for(message) is None]
    assert unmatched == []


def test_it_lists_every_documented_message_verbatim():
    ours = {message for entry in ERRORS for message in entry.messages}
    placeholders = re.compile(r"\{[^}]*\}")
    documented = {placeholders.sub("{}", m) for m in _documented_messages()}
    assert documented <= {placeholders.sub("{}", m) for m in ours}


def test_it_matches_a_message_with_the_platform_values_filled_in():
    message = "Customer 3b9bf2ed-a618-4af2-80f2-f2b57fddc748 is not in an Active state. (Archived)"
    assert entry_for(message).slug == "customer-not-active"


def test_it_matches_regardless_of_case():
    assert entry_for("no sales account present.").slug == "no-sales-account"


def test_it_finds_no_entry_for_an_undocumented_message():
    assert entry_for("Push failed for directCosts: validation errors are; something") is None


def test_it_finds_no_entry_for_an_empty_message():
    assert entry_for("") is None and entry_for(None) is None


def test_it_gives_every_entry_a_unique_anchor():
    anchors = [entry.anchor for entry in ERRORS]
    assert len(anchors) == len(set(anchors))
