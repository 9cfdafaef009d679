"""Loads a production-sized history into PostgreSQL with COPY, for measuring the pages.

Secondary indexes and constraints are dropped for the load and rebuilt after it, in the same
transaction: building an index once over ten million rows is far cheaper than updating it
ten million times.
"""

import io
import json
import random
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta

from django.db import connection, transaction

from pushitems.models import PushItem
from syncs import status as codes
from syncs.breakdown import LEVELS
from syncs.models import Company, Product, Sync, SyncCombination
from syncs.rollup import sync_counts_rebuild

from . import catalogue

CHUNK = 20_000
BIG_SYNC_ITEMS = 10_000
# The one sync that carries BIG_SYNC_ITEMS items, for measuring its Push Items tab.
BIG_SYNC_ID = uuid.UUID("00000000-0000-4000-8000-00000000b16c")
FAILED_ITEM_SHARE = 0.03
SYNC_COLUMNS = (
    "id", "company_id", "product", "status_code", "status_text", "started_at", "finished_at",
    "source_platform", "destination_platform", "data_start", "data_finish", "error_message",
    "exception_message", "notes", "data_pushed",
)  # fmt: skip
ITEM_COLUMNS = (
    "push_operation_key", "idempotency_key", "sync_id", "core_id", "parent_core_id", "data_type",
    "status", "status_code", "requested_at", "completed_at", "error_message", "validation",
    "payload", "attempts", "platform_record_id",
)  # fmt: skip
NO_VALIDATION = json.dumps({"errors": [], "warnings": []})
# The version and variant bits uuid.UUID(int=..., version=4) sets.
UUID4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48))
UUID4_SET = (0x4000 << 64) | (0x8000 << 48)


def _text(value) -> str:
    """One field in COPY's text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    return str(value).replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _line(values) -> str:
    return "\t".join(_text(v) for v in values) + "\n"


class ScaleLoader:
    def __init__(self, *, syncs: int, items_per_sync: int, seed: int, until: datetime) -> None:
        self.syncs, self.items_per_sync = syncs, items_per_sync
        self.rng = random.Random(seed)
        self.until = until
        self.with_big_sync = not Sync.objects.filter(pk=BIG_SYNC_ID).exists()
        self.span = timedelta(days=730)
        # A handful of syncs are running now; the rest of two years' history has finished.
        self.running = 3 + syncs // 50_000
        weights = {
            code: weight
            for code, weight in catalogue.STATUS_WEIGHTS.items()
            if not codes.status_for(code).is_in_progress
        }
        self.codes, self.weights = list(weights), list(weights.values())
        item_bearing = sum(w for c, w in weights.items() if self._has_items(c)) / sum(self.weights)
        # Syncs that push nothing (2040, configuration errors…) carry no items, so the rest
        # carry more to reach the requested average.
        self.items_per_bearing = max(1, round(items_per_sync / item_bearing))
        push_errors = weights[codes.DATA_PUSH_ERROR] / sum(self.weights) / item_bearing
        self.failed_per_push_error = max(
            1, round(FAILED_ITEM_SHARE * self.items_per_bearing / push_errors)
        )

    @staticmethod
    def _has_items(code: int) -> bool:
        return code in (codes.SUCCESS_DATA_PUSHED, codes.DATA_PUSH_ERROR, *codes.IN_PROGRESS_CODES)

    def _uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def companies(self, count: int) -> list[tuple[uuid.UUID, str, str, str, str]]:
        """(id, name, product, source, destination) per company, created as needed."""
        rows = []
        for index in range(count):
            base = catalogue.COMPANY_NAMES[index % len(catalogue.COMPANY_NAMES)]
            name = f"{base} {index // len(catalogue.COMPANY_NAMES) + 1}"
            product = (Product.COMMERCE, Product.EXPENSES)[index % 2]
            rows.append(
                (
                    uuid.uuid5(uuid.NAMESPACE_URL, f"synchealth-scale/{name}"),
                    name,
                    product,
                    self.rng.choice(catalogue.SOURCES[product]),
                    self.rng.choice(catalogue.DESTINATIONS[product]),
                )
            )
        Company.objects.bulk_create(
            [Company(id=row[0], name=row[1]) for row in rows], ignore_conflicts=True
        )
        return rows

    def sync_rows(self, companies: list, progress: Callable[[int], None]) -> Iterator[tuple]:
        # A few companies sync far more often than most, as in real customer bases.
        weights = [1 / (rank + 1) ** 0.6 for rank in range(len(companies))]
        for start in range(0, self.syncs, CHUNK):
            size = min(CHUNK, self.syncs - start)
            chosen = self.rng.choices(companies, weights, k=size)
            picks = self.rng.choices(self.codes, self.weights, k=size)
            for offset, (company, code) in enumerate(zip(chosen, picks, strict=True)):
                position = start + offset
                big = self.with_big_sync and position == 0
                if big:
                    code = codes.DATA_PUSH_ERROR
                elif position <= self.running:
                    code = codes.IN_PROGRESS
                yield self._sync(company, code, big)
            progress(size)

    def _sync(self, company: tuple, code: int, big: bool) -> tuple:
        company_id, _, product, source, destination = company
        in_progress = codes.status_for(code).is_in_progress
        if in_progress:
            started = self.until - timedelta(minutes=self.rng.uniform(0.5, 60))
        else:
            started = self.until - self.span * self.rng.random()
        started = started.replace(microsecond=0)
        day = started.replace(hour=0, minute=0, second=0)
        error = ""
        if code == codes.CONFIGURATION_ERROR:
            error = self.rng.choice(catalogue.CONFIGURATION_ERRORS)
        elif code in catalogue.STATUS_ERRORS:
            error = self.rng.choice(catalogue.STATUS_ERRORS[code])
        elif code == codes.DATA_PUSH_ERROR:
            error = "Push failed: validation errors are; see the failed push items."
        return (
            BIG_SYNC_ID if big else self._uuid(), company_id, product, code,
            catalogue.STATUS_TEXTS.get(code, "Error"), started,
            None if in_progress else started + timedelta(seconds=self.rng.randint(3, 240)),
            source, destination, day - timedelta(days=1), day, error,
            self.rng.choice(catalogue.EXCEPTIONS.get(code, ("",))), "",
            code == codes.SUCCESS_DATA_PUSHED,
        )  # fmt: skip

    def item_lines(self, sync: tuple) -> Iterator[str]:
        sync_id, _, product, code, _, started, *_ = sync
        if not self._has_items(code):
            return
        count = BIG_SYNC_ITEMS if sync_id == BIG_SYNC_ID else self.items_per_bearing
        failing = self.failed_per_push_error if code == codes.DATA_PUSH_ERROR else 0
        types = catalogue.DATA_TYPES[product]
        # Ten million lines: everything an item shares with its sync is formatted once, and
        # only the ids and the record number per item.
        requested = _text(started + timedelta(seconds=1))
        if codes.status_for(code).is_in_progress:
            outcome = f"Pending\t\\N\t{requested}\t\\N\t\t{_text(NO_VALIDATION)}\t{{}}\t0\t"
        else:
            outcome = f"Success\t200\t{requested}\t{requested}\t\t{_text(NO_VALIDATION)}\t{{}}\t1\t"
        failed = _failed_outcome(requested)
        for index in range(count):
            core_id, key = self._uuid_text(), self._uuid_text()
            head = f"{key}\t{key}\t{sync_id}\t{core_id}\t\t{types[index % len(types)]}\t"
            if index < failing:
                yield f"{head}{failed}\n"
            else:
                record = "" if outcome.startswith("Pending") else 10_000 + index
                yield f"{head}{outcome}{record}\n"

    def _uuid_text(self) -> str:
        """What str(self._uuid()) gives, without building a UUID object."""
        digits = f"{(self.rng.getrandbits(128) & UUID4_CLEAR) | UUID4_SET:032x}"
        return f"{digits[:8]}-{digits[8:12]}-{digits[12:16]}-{digits[16:20]}-{digits[20:]}"


def _failed_outcome(requested: str) -> str:
    item_id, message, validator, _ = catalogue.VALIDATION_FAILURES["directCosts"][0]
    error = {"itemId": item_id, "message": message, "validatorName": validator}
    validation = _text(json.dumps({"errors": [error], "warnings": []}))
    text = _text(f"Push failed for {validator}: see validation for more information")
    return f"Failed\t400\t{requested}\t{requested}\t{text}\t{validation}\t{{}}\t1\t"


def _copy(cursor, table: str, columns: tuple[str, ...], lines: Iterator[str]) -> int:
    written = 0
    with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        buffer = io.StringIO()
        for line in lines:
            buffer.write(line)
            written += 1
            if written % CHUNK == 0:
                copy.write(buffer.getvalue())
                buffer = io.StringIO()
        copy.write(buffer.getvalue())
    return written


def _secondary_structures(cursor, tables: list[str]) -> tuple[list[str], list[str]]:
    """DDL to drop, and to rebuild, the constraints and indexes other than primary keys."""
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
        "WHERE conrelid::regclass::text = ANY(%s) AND contype IN ('f', 'u', 'c') "
        "ORDER BY contype DESC",
        [tables],
    )
    constraints = cursor.fetchall()
    cursor.execute(
        "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = ANY(%s) "
        "AND indexname NOT IN (SELECT conname FROM pg_constraint WHERE contype IN ('p', 'u'))",
        [tables],
    )
    indexes = cursor.fetchall()
    drop = [f'ALTER TABLE {t} DROP CONSTRAINT "{name}"' for t, name, _ in constraints]
    drop += [f'DROP INDEX "{name}"' for name, _ in indexes]
    build = [definition for _, definition in indexes]
    build += [f'ALTER TABLE {t} ADD CONSTRAINT "{name}" {ddl}' for t, name, ddl in constraints]
    return drop, build


def load_scale_data(
    *,
    syncs: int,
    items_per_sync: int,
    companies: int,
    seed: int,
    progress: Callable[[int], None],
    until: datetime | None = None,
) -> tuple[int, int]:
    """Adds `syncs` syncs with about `items_per_sync` items each; returns (syncs, items)."""
    loader = ScaleLoader(
        syncs=syncs, items_per_sync=items_per_sync, seed=seed, until=until or datetime.now(UTC)
    )
    tables = [Sync._meta.db_table, PushItem._meta.db_table]
    # Only what the items need is kept per sync, so memory stays small while syncs stream.
    item_sources: list[tuple] = []

    def sync_lines(company_rows: list) -> Iterator[str]:
        for sync in loader.sync_rows(company_rows, progress):
            item_sources.append(sync[:6])
            yield _line(sync)

    with transaction.atomic(), connection.cursor() as cursor:
        company_rows = loader.companies(companies)
        raw = cursor.connection.cursor()
        drop, build = _secondary_structures(raw, tables)
        for statement in drop:
            raw.execute(statement)
        # The counts are recounted once at the end rather than bumped per row.
        raw.execute(f"ALTER TABLE {Sync._meta.db_table} DISABLE TRIGGER USER")
        loaded_syncs = _copy(raw, Sync._meta.db_table, SYNC_COLUMNS, sync_lines(company_rows))
        items = (line for source in item_sources for line in loader.item_lines(source))
        loaded_items = _copy(raw, PushItem._meta.db_table, ITEM_COLUMNS, items)
        for statement in build:
            raw.execute(statement)
        sync_counts_rebuild()
        raw.execute(f"ALTER TABLE {Sync._meta.db_table} ENABLE TRIGGER USER")
        raw.execute(f"ANALYZE {', '.join([*tables, Company._meta.db_table])}")
    with connection.cursor() as cursor:
        # Outside the transaction, as VACUUM must be: it marks the pages all-visible, so the
        # breakdown reads the counts, and a company's syncs, from indexes alone from the
        # first request on.
        vacuumed = [*LEVELS, SyncCombination, Sync]
        tables = ", ".join(model._meta.db_table for model in vacuumed)
        cursor.execute(f"VACUUM (ANALYZE) {tables}")
    return loaded_syncs, loaded_items
