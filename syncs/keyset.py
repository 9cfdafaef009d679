"""Sort keys, and the rows after a given row in their order as one condition an index can
start a range scan from."""

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from itertools import takewhile
from operator import or_
from typing import Any

from django.db.models import BooleanField, Expression, F, Q, Value


@dataclass(frozen=True)
class SortKey:
    """One column of an ordering: the field or annotation name and its direction, and whether
    its values come from a joined table rather than the rows paged through."""

    field: str
    descending: bool
    joined: bool = False

    @property
    def order_by(self) -> str:
        return f"-{self.field}" if self.descending else self.field

    def reversed(self) -> "SortKey":
        return SortKey(self.field, not self.descending, self.joined)


class RowBeyond(Expression):
    """`(a, b, id) > (x, y, z)`, or `<`, `>=`, `<=`: one comparison, which an index on
    (a, b, id) serves as the start of a range scan. An OR of per-key comparisons can only
    filter that scan."""

    conditional = True

    def __init__(
        self, fields: Sequence[str], values: Sequence[Any], descending: bool, inclusive: bool
    ) -> None:
        super().__init__(output_field=BooleanField())
        self.columns = [F(name) for name in fields]
        self.raw_values = list(values)
        self.values: list[Value] = []
        self.operator = ("<" if descending else ">") + ("=" if inclusive else "")

    def get_source_expressions(self) -> list:
        return [*self.columns, *self.values]

    def set_source_expressions(self, expressions: list) -> None:
        self.columns, self.values = (
            expressions[: len(self.columns)],
            expressions[len(self.columns) :],
        )

    def resolve_expression(
        self, query=None, allow_joins=True, reuse=None, summarize=False, for_save=False
    ):
        resolved = self.copy()
        resolved.columns = [
            column.resolve_expression(query, allow_joins, reuse, summarize)
            for column in self.columns
        ]
        # Each value is stored the way its column is (a UUID is hex text on SQLite, say).
        resolved.values = [
            Value(value, output_field=column.output_field)
            for column, value in zip(resolved.columns, self.raw_values, strict=True)
        ]
        return resolved

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        sides = []
        params: list = []
        for side in (self.columns, self.values):
            compiled = [compiler.compile(expression) for expression in side]
            sides.append(", ".join(sql for sql, _ in compiled))
            params += [param for _, side_params in compiled for param in side_params]
        return f"({sides[0]}) {self.operator} ({sides[1]})", params


def rows_after(keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
    """Rows strictly after `values` in the order `keys` describes."""
    lead = keys[0]
    same = [key.field for key in takewhile(lambda k: k.descending == lead.descending, keys)]
    if len(same) == len(keys):
        after = Q(RowBeyond(same, values, lead.descending, inclusive=False))
    else:
        # Keys running both ways: those leading in one direction bound the range the
        # database reads, and the OR of per-key comparisons filters it.
        branches = []
        for index, key in enumerate(keys):
            equal = {k.field: v for k, v in zip(keys[:index], values[:index], strict=True)}
            beyond = {f"{key.field}__{'lt' if key.descending else 'gt'}": values[index]}
            branches.append(Q(**equal, **beyond))
        bound = RowBeyond(same, values[: len(same)], lead.descending, inclusive=True)
        after = Q(bound) & reduce(or_, branches)
    if lead.joined:
        # A comparison spanning two tables starts no index scan; one on the joined key does.
        after &= Q(**{f"{lead.field}__{'lte' if lead.descending else 'gte'}": values[0]})
    return after
