"""Tables whose rows are built in Python, one string per row, straight from each record."""

from collections.abc import Iterator
from html import escape

import django_tables2 as tables
from django.utils.safestring import SafeData, SafeString, mark_safe


class RecordTable(tables.Table):
    """A django-tables2 table in which every column has a `render_<name>(record)` method.

    django-tables2 renders each cell through its generic path (an accessor walk, keyword
    arguments matched to the render method's signature, then template nodes per cell), which
    took about half of a 50-row page. Here each row is one string, while the columns, their
    headers and which of them show still come from django-tables2.
    """

    row_class = ""

    def html_rows(self) -> Iterator[SafeString]:
        renderers = [(c.name, getattr(self, f"render_{c.name}")) for c in self.columns]
        opening = f'<tr class="{self.row_class}">' if self.row_class else "<tr>"
        for record in self.data:
            cells = "".join(
                f'<td class="col-{name}">{_escaped(render(record))}</td>'
                for name, render in renderers
            )
            yield mark_safe(f"{opening}{cells}</tr>")


def _escaped(value) -> str:
    """What Django's conditional_escape gives, without its lazy-string wrapper: called for
    every cell of every page."""
    return value if isinstance(value, SafeData) else escape(str(value))
