"""Picking a page of an order led by columns of few values a combination of their values at a
time (PostgreSQL): each combination's rows are a range of an index, and the database is told
which combinations there are rather than finding them by reading every row."""

import json
from collections.abc import Sequence
from itertools import groupby
from operator import itemgetter
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections
from django.db.models import BooleanField, Expression, Model, Q, QuerySet
from django.db.models.expressions import RawSQL

from .keyset import SortKey, rows_after


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
    queryset: QuerySet,
    keys: Sequence[SortKey],
    first: Sequence[Any] | None,
    listed: type[Model],
) -> tuple[list[tuple], dict[str, list], dict[tuple, list[tuple]]]:
    """The combinations of values of `keys` that rows have, and `first` if given, in their
    order; the values rows have of each other column of `listed`; and each combination's
    values of those columns together.

    `listed` counts the rows of `queryset`'s table that have each combination of its
    columns' values (`total`): a branch for one that no row has would walk an index to its
    end to find nothing. The order, and so where `first` falls in it, is the database's,
    whose collation may differ from Python's."""
    connection = connections[queryset.db]
    quote = connection.ops.quote_name
    meta = listed._meta
    chosen = [key.field for key in keys]
    others = [name for name in meta.pk.field_names if name not in chosen]
    columns = [quote(meta.get_field(name).column) for name in [*chosen, *others]]
    cursor_row, params = "", []
    if first is not None:
        unknown = ["NULL"] * len(others)
        cursor_row, params = f" UNION SELECT {', '.join(['%s'] * len(keys) + unknown)}", list(first)
    order = ", ".join(
        f"{name} {'DESC' if key.descending else 'ASC'}"
        for name, key in zip(columns[: len(keys)], keys, strict=True)
    )
    sql = (
        f"SELECT * FROM (SELECT {', '.join(columns)} FROM {quote(meta.db_table)} "
        f"WHERE total > 0{cursor_row}) AS combination ORDER BY {order}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    size = len(keys)
    values = {
        name: sorted({row[size + position] for row in rows} - {None})
        for position, name in enumerate(others)
    }
    rest: dict[tuple, list[tuple]] = {}
    for row in rows:
        # The cursor's own combination comes without them, and with none if no row has it.
        known = rest.setdefault(tuple(row[:size]), [])
        if None not in row[size:]:
            known.append(tuple(row[size:]))
    return list(rest), values, rest


def _naming_other_values(queryset: QuerySet, others: dict[str, list]) -> QuerySet:
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

    source = "combination"

    def as_sql(self, compiler, connection) -> tuple[str, list]:
        column_type = self.output_field.db_type(connection)
        return f"({self.source}.value->>{self.position})::{column_type}", []


class _Other(_Combined):
    """The value of a column outside the combination, among those rows of the combination
    have, that a lateral subquery is run for."""

    source = "other"


def _pick_lazily(
    queryset: QuerySet,
    walk: Sequence[SortKey],
    values: Sequence[Any] | None,
    size: int,
    grouped: int,
    found: tuple[list[tuple], dict[str, list], dict[tuple, list[tuple]]],
    narrow: bool,
    apart: bool,
) -> RawSQL:
    """The ids of the next `size` rows, the rows of each combination of values of the first
    `grouped` keys read only once the page has reached it; `found` is what `_combinations`
    read.

    No index holds three few-valued keys and then the id: picking every combination's rows
    at once sorts the whole table for any page. Run for one combination after another, in
    their order, the pick stops at the one that fills the page, and PostgreSQL sorts each
    combination's rows as they come (an incremental sort on the combinations' ordinal).

    With `apart`, the combination's rows are read a value of the index's other columns at a
    time, among those the combination has: each is a range of an index on all of them in
    the order of the keys after the combination, read from the cursor to a page; a search's
    rows are told from the others by the company each entry carries (migration 0016). With
    `narrow`, those values are named together and the combination's rows read whole."""
    connection = connections[queryset.db]
    meta = queryset.model._meta
    first = tuple(values[:grouped]) if values else None
    every, others, rest = found
    every = every[every.index(first) if first else 0 :]
    if not every:
        raise EmptyResultSet("no combination of values from the cursor on")
    if narrow:
        queryset = _naming_other_values(queryset, others)
    fields = [key.field for key in walk]
    current = {
        key.field: _Combined(position, meta.get_field(key.field))
        for position, key in enumerate(walk[:grouped])
    }
    if apart:
        current |= {
            name: _Other(position, meta.get_field(name)) for position, name in enumerate(others)
        }

    def branch(rows: QuerySet, condition: str) -> tuple[str, list]:
        # A condition on the combination alone is checked once per combination, before its
        # branch reads anything.
        rows = rows.filter(**current).filter(RawSQL(condition, [], BooleanField()))
        rows = rows.order_by(*(key.order_by for key in walk[grouped:])).values(*fields)
        sql, params = rows[:size].query.get_compiler(queryset.db).as_sql()
        if apart:
            sql = (
                f"SELECT one.* FROM jsonb_array_elements(combination.value->{grouped}) "
                f"AS other(value) CROSS JOIN LATERAL ({sql}) AS one"
            )
        return sql, params

    if first:
        after = queryset.filter(rows_after(walk[grouped:], values[grouped:]))
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
    listed = [[*combination, rest[combination]] if apart else combination for combination in every]
    document = json.dumps(listed, cls=DjangoJSONEncoder)
    return RawSQL(sql, [document, *(param for _, params in branches for param in params)])


def pick_by_group(
    queryset: QuerySet,
    walk: Sequence[SortKey],
    values: Sequence[Any] | None,
    size: int,
    grouped: int,
    combinations: type[Model],
    narrow: bool,
    in_order: Q | None = None,
) -> RawSQL:
    """The ids of the next `size` rows, picked a combination of values of the first `grouped`
    keys at a time, among those `combinations` lists (see `_combinations`). `in_order` is the
    condition of an index on all of its columns and then the key after two grouped ones,
    where there is one.

    One combination's rows are an index range in the order of the keys after them, from
    either end, but no index holds few-valued keys followed by any other in every direction:
    across all of them the database would sort the whole table. Where only the last key
    follows two grouped ones, a first key's value that has every value of the second is
    picked whole instead: fewer branches, and its walk of the second key's index, in the
    order of that key and the last, passes no stretch without its rows."""
    first = tuple(values[:grouped]) if values else None
    if grouped >= 3:
        # Outside a narrow window, each value of the column left out walks sync_few_values_id
        # in id order from the cursor and stops at a page: read whole, the busiest
        # combination's 280,000 syncs (11,000 over 90 days) were all sorted by id.
        found = _combinations(queryset, walk[:grouped], first, combinations)
        return _pick_lazily(queryset, walk, values, size, grouped, found, narrow, not narrow)
    if grouped == 1:
        prefixes = [(value,) for value in _groups(queryset, walk[0], first[0] if first else None)]
    else:
        found = _combinations(queryset, walk[:grouped], first, combinations)
        every, others, rest = found
        # Each pairing the page reaches reads a range per combination of the other two
        # columns, up to a page from each, and sorts them; each pairing given a branch of its
        # own is planned whether it runs or not. So pairings go lazily where one has on
        # average at most half as many combinations as there are pairings: Status then
        # Destination (72 pairings, 4 each) got 7 to 15 ms faster that way, Destination then
        # Product (12, 24 each) 3 ms slower.
        many = 2 * sum(map(len, rest.values())) <= len(every) ** 2
        if in_order is not None and many:
            queryset = queryset.filter(in_order)
            return _pick_lazily(queryset, walk, values, size, 2, found, False, True)
        if narrow:
            queryset = _naming_other_values(queryset, others)
        seconds = {combination[1:] for combination in every}
        prefixes = []
        for value, group in groupby(every[every.index(first) if first else 0 :], itemgetter(0)):
            group = list(group)
            whole = len(walk) == 3 and {combination[1:] for combination in group} == seconds
            prefixes += [(value,)] if whole and not (first and value == first[0]) else group
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

    ordered = _ordered(walk, queryset)
    compose = connections[queryset.db].ops.compose_sql
    branches = []
    for prefix in prefixes:
        if prefix == first:
            equal = {key.field: value for key, value in zip(walk[:grouped], first, strict=True)}
            after = rows_after(walk[grouped:], values[grouped:])
            sql, params = compiled(queryset.filter(**equal).filter(after), grouped)
        else:
            sql, params = statement(prefix)
        branches.append(compose(f"SELECT id FROM ({sql}) AS branch ORDER BY {ordered}", params))
    if not branches:
        raise EmptyResultSet("no value from the cursor on")
    # All of a branch's rows come before the next one's, so the page is full once those run
    # hold it, and most pages need the first one or two: a branch for a value with few rows
    # walks far to find them. The database runs them in turn until then (migration 0017),
    # planning only those it runs, so each goes as its own statement, its values in its text.
    # The limit tells the planner there are a page's ids, not the thousand it assumes of a
    # function, for which it read the page's rows by hashing a whole window's index entries.
    return RawSQL(
        f"SELECT id FROM syncs_pick_until_full(%s::jsonb, {size}) AS id LIMIT {size}",
        [json.dumps(branches)],
    )


def pick_whole(
    queryset: QuerySet, walk: Sequence[SortKey], values: Sequence[Any] | None, size: int
) -> RawSQL:
    """The ids of the next `size` rows, all of `queryset`'s rows from the cursor read first
    and then sorted, for a `queryset` known to have few. Left to itself, PostgreSQL may
    expect many more rows than there are (a search for the start of an id: 10,000 for 233)
    and walk an index in the order's direction instead, testing every row it passes."""
    if values is not None:
        queryset = queryset.filter(rows_after(walk, values))
    fields = [key.field for key in walk]
    sql, params = queryset.order_by().values(*fields).query.get_compiler(queryset.db).as_sql()
    ordered = _ordered(walk, queryset)
    # OFFSET 0 keeps the planner from merging the rows' query into the sort's.
    return RawSQL(
        f"SELECT id FROM ({sql} OFFSET 0) AS matched ORDER BY {ordered} LIMIT {size}", params
    )


def _ordered(walk: Sequence[SortKey], queryset: QuerySet) -> str:
    """ORDER BY's terms for the picked rows' columns, named as their fields."""
    quote = connections[queryset.db].ops.quote_name
    return ", ".join(f"{quote(key.field)} {'DESC' if key.descending else 'ASC'}" for key in walk)
