"""Keyset pagination: every page costs what the first one does, and rows inserted while a
person pages through never shift or repeat the rows they see.

A cursor holds the sort values of the row a page continues from, signed so that a forged
or stale one is refused rather than trusted.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import reduce
from itertools import groupby, takewhile
from operator import itemgetter, or_
from typing import Any
from uuid import UUID

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import BooleanField, Expression, F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL

SALT = "syncs.pagination.cursor"


class InvalidCursor(ValueError):
    """A cursor that was not made by this server, or that no longer fits the sort."""


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


@dataclass(frozen=True)
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None


def _encode(value: Any) -> Any:
    if isinstance(value, datetime):
        return {"dt": value.isoformat()}
    if isinstance(value, timedelta):
        return {"td": value // timedelta(microseconds=1)}
    if isinstance(value, UUID):
        return {"uuid": str(value)}
    return value


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "dt" in value:
            return datetime.fromisoformat(value["dt"])
        if "td" in value:
            return timedelta(microseconds=value["td"])
        if "uuid" in value:
            return value["uuid"]
        raise InvalidCursor("unknown value type")
    return value


def make_cursor(row: Any, keys: Sequence[SortKey], direction: str) -> str:
    values = [_encode(getattr(row, key.field)) for key in keys]
    return signing.dumps({"v": values, "d": direction, "k": [k.order_by for k in keys]}, salt=SALT)


def read_cursor(cursor: str, keys: Sequence[SortKey]) -> tuple[list, str]:
    try:
        data = signing.loads(cursor, salt=SALT)
    except signing.BadSignature as error:
        raise InvalidCursor("the cursor was not made by this server") from error
    if not isinstance(data, dict) or data.get("k") != [k.order_by for k in keys]:
        raise InvalidCursor("the cursor belongs to another sort order")
    if data.get("d") not in ("next", "previous") or len(data.get("v", [])) != len(keys):
        raise InvalidCursor("the cursor is incomplete")
    return [_decode(value) for value in data["v"]], data["d"]


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


def _after(keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
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


def _groups(queryset: QuerySet, key: SortKey, first: Any | None) -> list:
    """The distinct values of `key` in the whole table, in its order, from `first` on.

    One index probe per value (a loose index scan), where DISTINCT would read every row."""
    model = queryset.model
    column = model._meta.get_field(key.field).column
    table = connections[queryset.db].ops.quote_name(model._meta.db_table)
    column = connections[queryset.db].ops.quote_name(column)
    beyond, order = ("<", "DESC") if key.descending else (">", "ASC")
    start, params = (f"WHERE {column} {beyond}= %s", [first]) if first is not None else ("", [])
    sql = (
        f"WITH RECURSIVE found(value) AS ("
        f"(SELECT {column} FROM {table} {start} ORDER BY {column} {order} LIMIT 1) "
        f"UNION ALL SELECT (SELECT {column} FROM {table} WHERE {column} {beyond} found.value "
        f"ORDER BY {column} {order} LIMIT 1) FROM found WHERE found.value IS NOT NULL"
        f") SELECT value FROM found WHERE value IS NOT NULL"
    )
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(sql, params)
        return [value for (value,) in cursor.fetchall()]


def _combinations(
    queryset: QuerySet, keys: Sequence[SortKey], first: Sequence[Any] | None, index: Sequence[str]
) -> tuple[list[tuple], dict[str, list]]:
    """The combinations of values of `keys` that rows have, and `first` if given, in their
    order; and the values rows have of each other column of `index`.

    `index` holds the columns of an index that starts with all of theirs: one probe per
    combination of its columns, where DISTINCT would read every row. The order, and so where
    `first` falls in it, is the database's, whose collation may differ from Python's."""
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    model = queryset.model
    every = [quote(model._meta.get_field(name).column) for name in index]
    chosen = [key.field for key in keys]
    others = [name for name in index if name not in chosen]
    columns = [quote(model._meta.get_field(name).column) for name in [*chosen, *others]]
    table = quote(model._meta.db_table)
    listed, ordered = ", ".join(every), ", ".join(f"{n} ASC" for n in every)
    later = ", ".join(f"found.{name}" for name in every)
    probe = f"SELECT {listed} FROM {table} WHERE ({listed}) > ({later}) ORDER BY {ordered} LIMIT 1"
    cursor_row, params = "", []
    if first is not None:
        unknown = ["NULL"] * len(others)
        cursor_row, params = f" UNION SELECT {', '.join(['%s'] * len(keys) + unknown)}", list(first)
    order = ", ".join(
        f"{name} {'DESC' if key.descending else 'ASC'}"
        for name, key in zip(columns[: len(keys)], keys, strict=True)
    )
    sql = (
        f"WITH RECURSIVE found AS ((SELECT {listed} FROM {table} ORDER BY {ordered} LIMIT 1) "
        f"UNION ALL SELECT following.* FROM found, LATERAL ({probe}) AS following) "
        f"SELECT * FROM (SELECT {', '.join(columns)} FROM found{cursor_row}) AS combination "
        f"ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    size = len(keys)
    values = {
        name: sorted({row[size + position] for row in rows} - {None})
        for position, name in enumerate(others)
    }
    return list(dict.fromkeys(tuple(row[:size]) for row in rows)), values


def _every_other(queryset: QuerySet, others: dict[str, list]) -> QuerySet:
    """`queryset` naming every value its rows have of the index's columns outside the
    grouped keys: each combination's rows are then ranges of an index on all of its columns
    and the one bounding `queryset` after them, rather than all the rows of a few values."""
    return queryset.filter(**{f"{name}__in": values for name, values in others.items()})


class _Grouped(Expression):
    """Stands for the value of the grouped key at `position` in a branch compiled once for
    every combination of values."""

    def __init__(self, position: int, output_field) -> None:
        super().__init__(output_field=output_field)
        self.position = position


class _Slot(_Grouped):
    """A parameter left open in compiled SQL, found again among its parameters by its type."""

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        return "%s", [self]


class _Combined(_Grouped):
    """The value in the combination that a lateral subquery is run for, as its column's type."""

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        column_type = self.output_field.db_type(connection)
        return f"(combination.value->>{self.position})::{column_type}", []


def _pick_lazily(
    queryset: QuerySet,
    walk: Sequence[SortKey],
    values: Sequence[Any] | None,
    size: int,
    grouped: int,
    index: Sequence[str],
    narrow: bool,
) -> RawSQL:
    """The ids of the next `size` rows, the rows of each combination of values of the first
    `grouped` keys read only once the page has reached it.

    No index holds three few-valued keys and the id: picking every combination's rows at once
    sorts the whole table for any page. Run for one combination after another, in their
    order, the pick stops at the one that fills the page, and PostgreSQL sorts each
    combination's rows as they come (an incremental sort on the combinations' ordinal)."""
    connection = connections[queryset.db]
    meta = queryset.model._meta
    first = tuple(values[:grouped]) if values else None
    every, others = _combinations(queryset, walk[:grouped], first, index)
    every = every[every.index(first) if first else 0 :]
    if not every:
        return RawSQL("SELECT NULL WHERE FALSE", [])
    if narrow:
        queryset = _every_other(queryset, others)
    fields = [key.field for key in walk]
    current = {
        key.field: _Combined(position, meta.get_field(key.field))
        for position, key in enumerate(walk[:grouped])
    }

    def branch(rows: QuerySet, condition: str) -> tuple[str, list]:
        # A condition on the combination alone is checked once per combination, before its
        # branch reads anything.
        rows = rows.filter(**current).filter(RawSQL(condition, [], BooleanField()))
        rows = rows.order_by(*(key.order_by for key in walk[grouped:])).values(*fields)
        return rows[:size].query.get_compiler(queryset.db).as_sql()

    if first:
        after = queryset.filter(_after(walk[grouped:], values[grouped:]))
        branches = [branch(after, "combination.n = 1"), branch(queryset, "combination.n > 1")]
    else:
        branches = [branch(queryset, "TRUE")]
    quote = connection.ops.quote_name
    ordered = ", ".join(
        f"picked.{quote(key.field)} {'DESC' if key.descending else 'ASC'}" for key in walk[grouped:]
    )
    # The combinations go as one JSON document: as arrays, psycopg converted each value in
    # Python, about 4 ms for 288 combinations.
    sql = (
        f"SELECT picked.id FROM jsonb_array_elements(%s::jsonb) "
        f"WITH ORDINALITY AS combination(value, n) "
        f"CROSS JOIN LATERAL ({' UNION ALL '.join(f'({sql})' for sql, _ in branches)}) AS picked "
        f"ORDER BY combination.n, {ordered} LIMIT {size}"
    )
    listed = json.dumps(every, cls=DjangoJSONEncoder)
    return RawSQL(sql, [listed, *(param for _, params in branches for param in params)])


def _pick_by_group(
    queryset: QuerySet,
    walk: Sequence[SortKey],
    values: Sequence[Any] | None,
    size: int,
    grouped: int,
    index: Sequence[str],
    narrow: bool,
) -> RawSQL:
    """The ids of the next `size` rows, picked a combination of values of the first `grouped`
    keys at a time.

    One combination's rows are an index range in the order of the keys after them, from
    either end, but no index holds few-valued keys followed by any other in every direction:
    across all of them the database would sort the whole table. Where only the last key
    follows two grouped ones, a first key's value that has every value of the second is
    picked whole instead: fewer branches, and its walk of the second key's index, in the
    order of that key and the last, passes no stretch without its rows."""
    if grouped >= 3:
        return _pick_lazily(queryset, walk, values, size, grouped, index, narrow)
    fields = [key.field for key in walk]
    statements: dict[int, tuple[str, list]] = {}

    def compiled(branch: QuerySet, depth: int) -> tuple[str, list]:
        branch = branch.order_by(*(key.order_by for key in walk[depth:])).values(*fields)
        return branch[:size].query.get_compiler(queryset.db).as_sql()

    def statement(prefix: tuple) -> tuple[str, list]:
        """The branch of the rows with these values of the first keys, compiled once per
        length with the values left open."""
        depth = len(prefix)
        if depth not in statements:
            slots = {
                key.field: _Slot(position, queryset.model._meta.get_field(key.field))
                for position, key in enumerate(walk[:depth])
            }
            statements[depth] = compiled(queryset.filter(**slots), depth)
        sql, params = statements[depth]
        return sql, [prefix[p.position] if isinstance(p, _Slot) else p for p in params]

    first = tuple(values[:grouped]) if values else None
    if grouped == 1:
        prefixes = [(value,) for value in _groups(queryset, walk[0], first[0] if first else None)]
    else:
        every, others = _combinations(queryset, walk[:grouped], first, index)
        if narrow:
            queryset = _every_other(queryset, others)
        seconds = {combination[1:] for combination in every}
        prefixes = []
        for value, group in groupby(every[every.index(first) if first else 0 :], itemgetter(0)):
            group = list(group)
            whole = len(walk) == 3 and {combination[1:] for combination in group} == seconds
            prefixes += [(value,)] if whole and not (first and value == first[0]) else group
    branches, params = [], []
    for prefix in prefixes:
        if prefix == first:
            equal = {key.field: value for key, value in zip(walk[:grouped], first, strict=True)}
            after = _after(walk[grouped:], values[grouped:])
            sql, branch_params = compiled(queryset.filter(**equal).filter(after), grouped)
        else:
            sql, branch_params = statement(prefix)
        branches.append(f"({sql})")
        params += branch_params
    if not branches:
        return RawSQL("SELECT NULL WHERE FALSE", [])
    quote = connections[queryset.db].ops.quote_name
    ordered = ", ".join(f"{quote(key.field)} {'DESC' if key.descending else 'ASC'}" for key in walk)
    combined = _until_full(branches, size)
    return RawSQL(f"SELECT id FROM ({combined}) AS picked ORDER BY {ordered} LIMIT {size}", params)


def _until_full(branches: list[str], size: int) -> str:
    """The rows of `branches`, in the order of their values, each branch run only while
    those before it hold fewer than `size` rows: all of a branch's rows come before the next
    one's, so a page is full once they do. A branch for a value with few rows walks far to
    find them, and most pages need the first one or two branches alone."""
    reached = [f"reached1 AS MATERIALIZED {branches[0]}"]
    for number, branch in enumerate(branches[1:], start=2):
        earlier = f"reached{number - 1}"
        # A condition on the earlier rows alone is checked before the branch reads anything.
        reached.append(
            f"reached{number} AS MATERIALIZED (SELECT * FROM {earlier} UNION ALL "
            f"SELECT * FROM {branch} AS next WHERE (SELECT COUNT(*) FROM {earlier}) < {size})"
        )
    return f"WITH {', '.join(reached)} SELECT * FROM reached{len(branches)}"


def paginate(
    queryset: QuerySet,
    keys: Sequence[SortKey],
    cursor: str | None,
    size: int,
    *,
    whole: QuerySet | None = None,
    grouped: int = 0,
    index: Sequence[str] = (),
    narrow: bool = False,
) -> Page:
    """One page of `queryset` ordered by `keys` (the last key must be unique).

    With `whole`, the page's rows are picked in `queryset` by their sort values and filters
    alone, which indexes can hold, and only then read whole from `whole`. Otherwise the
    database reads a table row for every row it passes over: every row of a company sorted
    by name, or each start time it walks to find a searched company's syncs.

    `grouped` says how many keys at the start have few values, others following them: each
    combination of their values has its rows picked on its own, where the database can
    combine queries that are each sorted and limited (PostgreSQL). With two or more, their
    combinations are read from the index whose columns `index` lists; with three, only those
    the page reaches are read. `narrow` says that `queryset` is bounded by a column that
    another index holds after those of `index`: each combination's rows are then read from
    that index.
    """
    direction, values = "next", None
    if cursor:
        values, direction = read_cursor(cursor, keys)
    walk = keys if direction == "next" else [key.reversed() for key in keys]
    order = [key.order_by for key in walk]
    if grouped and connections[queryset.db].features.supports_slicing_ordering_in_compound:
        try:
            ids = _pick_by_group(queryset, walk, values, size + 1, grouped, index, narrow)
        except EmptyResultSet:
            # Filters no row can meet (a search naming no company) compile to no SQL at all.
            return Page(rows=[], next_cursor=None, previous_cursor=None)
        page = (whole if whole is not None else queryset).filter(pk__in=ids).order_by(*order)
    else:
        if values is not None:
            queryset = queryset.filter(_after(walk, values))
        page = queryset.order_by(*order)[: size + 1]
        if whole is not None:
            page = whole.filter(pk__in=page.values("pk")).order_by(*order)
    rows = list(page)
    more = len(rows) > size
    rows = rows[:size]
    if direction == "previous":
        rows.reverse()
    if not rows:
        return Page(rows=[], next_cursor=None, previous_cursor=None)
    has_next = more if direction == "next" else True
    has_previous = bool(cursor) if direction == "next" else more
    return Page(
        rows=rows,
        next_cursor=make_cursor(rows[-1], keys, "next") if has_next else None,
        previous_cursor=make_cursor(rows[0], keys, "previous") if has_previous else None,
    )
