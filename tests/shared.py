"""Access to the Codat reference material beside the checkout, when it is there."""

from pathlib import Path

import pytest

CODAT = Path(__file__).resolve().parent.parent.parent / "shared" / "codat"


def codat_file(name: str) -> Path:
    path = CODAT / name
    if not path.exists():
        pytest.skip(f"the Codat reference {path} is not beside this checkout")
    return path


def markdown_table(text: str, heading: str) -> list[list[str]]:
    """The rows of the first table after `heading`, as lists of cell texts."""
    lines = text[text.index(heading) :].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = []
    for line in lines[start + 2 :]:
        if not line.startswith("|"):
            break
        rows.append([cell.strip() for cell in line.strip("|").split("|")])
    return rows
