"""Keyset pagination: every page costs what the first one does, and rows inserted while a
person pages through never shift or repeat the rows they see.

A cursor holds the sort values of the row a page continues from, signed so that a forged
or stale one is refused rather than trusted.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core import signing
from django.core.exceptions import EmptyResultSet
from django.db import connections
from django.db.models import Model, Q, QuerySet

from .grouped import pick_by_group, pick_whole
from .keyset import SortKey, rows_after

SALT = "syncs.pagination.cursor"


class InvalidCursor(ValueError):
    """A cursor that was not made by this server, or that no longer fits the sort."""


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


def paginate(
    queryset: QuerySet,
    keys: Sequence[SortKey],
    cursor: str | None,
    size: int,
    *,
    whole: QuerySet | None = None,
    grouped: int = 0,
    combinations: type[Model] | None = None,
    narrow: bool = False,
    in_order: Q | None = None,
    few: int = 0,
) -> Page:
    """One page of `queryset` ordered by `keys` (the last key must be unique).

    With `whole`, the page's rows are picked in `queryset` by their sort values and filters
    alone, which indexes can hold, and only then read whole from `whole`. Otherwise the
    database reads a table row for every row it passes over: every row of a company sorted
    by name, or each start time it walks to find a searched company's syncs.

    `grouped` says how many keys at the start have few values, others following them: each
    combination of their values has its rows picked on its own, where the database can
    combine queries that are each sorted and limited (PostgreSQL). With two or more, their
    combinations are read from the model `combinations`, whose rows list those of its
    columns' values that rows have; with three, only those the page reaches are read.
    `narrow` says that `queryset` is bounded by a column that an index holds after those
    columns: each combination's rows are then read from that index. `in_order` is the
    condition of an index on all of them and then the key after two grouped ones, where
    there is one (`grouped.pick_by_group`).
    With `few`, a `queryset` of at most that many rows is sorted whole instead.
    """
    direction, values = "next", None
    if cursor:
        values, direction = read_cursor(cursor, keys)
    walk = keys if direction == "next" else [key.reversed() for key in keys]
    order = [key.order_by for key in walk]
    if grouped and connections[queryset.db].features.supports_slicing_ordering_in_compound:
        whole_few = few and not queryset.order_by()[few:].exists()
        try:
            if whole_few:
                ids = pick_whole(queryset, walk, values, size + 1)
            else:
                ids = pick_by_group(
                    queryset, walk, values, size + 1, grouped, combinations, narrow, in_order
                )
        except EmptyResultSet:
            # No row can be on the page: the table has no values from the cursor on, or the
            # filters match nothing (a search naming no company compiles to no SQL at all).
            return Page(rows=[], next_cursor=None, previous_cursor=None)
        page = (whole if whole is not None else queryset).filter(pk__in=ids).order_by(*order)
    else:
        if values is not None:
            queryset = queryset.filter(rows_after(walk, values))
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
