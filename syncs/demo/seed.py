"""Builds the demo data set: deterministic for a seed, and safe to run again."""

import random
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db import transaction

from pushitems.models import PushItem, PushStatus
from syncs import status as codes
from syncs.models import Company, Product, Sync, SyncConfig

from . import catalogue, records

NAMESPACE = uuid.UUID("6f1c2d8e-3b5a-4c7e-9d0f-1a2b3c4d5e6f")
BATCH = 5000


@dataclass(frozen=True)
class Stream:
    """One company's use of one product: where its syncs read from and write to."""

    company: Company
    product: str
    source: str
    destination: str
    configs: tuple[SyncConfig, SyncConfig]


def seed_demo(
    *, syncs: int, seed: int, until: datetime, days: int, progress: Callable[[int], None]
) -> int:
    """Adds `syncs` demo syncs (fewer where they exist already); returns how many are new.

    Companies and configs are keyed by name, syncs and items by ids drawn from `seed`, so
    running again with the same seed inserts nothing twice.
    """
    streams = _streams()
    rng = random.Random(seed)
    before = Sync.objects.count()
    # A few syncs are still running at any moment, however long the history is.
    running = min(syncs, 3 + syncs // 5000)
    for start in range(0, syncs, BATCH):
        size = min(BATCH, syncs - start)
        rows = [
            _sync(rng, rng.choice(streams), until, days, running=start + n < running)
            for n in range(size)
        ]
        items = [item for sync in rows for item in _items(rng, sync)]
        with transaction.atomic():
            Sync.objects.bulk_create(rows, ignore_conflicts=True)
            PushItem.objects.bulk_create(items, batch_size=2000, ignore_conflicts=True)
        progress(size)
    return Sync.objects.count() - before


def _streams() -> list[Stream]:
    streams = []
    for index, name in enumerate(catalogue.COMPANY_NAMES):
        company, _ = Company.objects.get_or_create(id=uuid.uuid5(NAMESPACE, name), name=name)
        products = (
            [Product.COMMERCE, Product.EXPENSES]
            if index % catalogue.BOTH_PRODUCTS_EVERY == 0
            else [(Product.COMMERCE, Product.EXPENSES)[index % 2]]
        )
        for product in products:
            rng = random.Random(f"{name}/{product}")
            configs = tuple(
                _config(
                    company, product, records.configuration(rng, product, str(company.id), name)
                )
                for _ in range(2)
            )
            streams.append(
                Stream(
                    company=company,
                    product=product,
                    source=rng.choice(catalogue.SOURCES[product]),
                    destination=rng.choice(catalogue.DESTINATIONS[product]),
                    configs=configs,
                )
            )
    return streams


def _config(company: Company, product: str, data: dict) -> SyncConfig:
    config, _ = SyncConfig.objects.get_or_create(
        company=company, product=product, digest=SyncConfig.digest_of(data), defaults={"data": data}
    )
    return config


def _uuid(rng: random.Random) -> uuid.UUID:
    return uuid.UUID(int=rng.getrandbits(128), version=4)


def _weighted_code(rng: random.Random, running: bool) -> int:
    weights = {
        code: weight
        for code, weight in catalogue.STATUS_WEIGHTS.items()
        if codes.status_for(code).is_in_progress == running
    }
    return rng.choices(list(weights), list(weights.values()))[0]


def _sync(rng: random.Random, stream: Stream, until: datetime, days: int, running: bool) -> Sync:
    code = _weighted_code(rng, running)
    if code == codes.IN_PROGRESS:
        started = until - timedelta(minutes=rng.uniform(0.5, 9))
    elif code == codes.LONG_RUNNING:
        started = until - timedelta(minutes=rng.uniform(11, 90))
    else:
        started = until - timedelta(days=rng.uniform(0, days))
    started = started.replace(microsecond=0)
    in_progress = codes.status_for(code).is_in_progress
    day = started.replace(hour=0, minute=0, second=0)
    sync = Sync(
        id=_uuid(rng),
        company=stream.company,
        product=stream.product,
        status_code=code,
        status_text=catalogue.STATUS_TEXTS.get(code, "Error"),
        started_at=started,
        finished_at=None if in_progress else started + timedelta(seconds=rng.randint(3, 240)),
        source_platform=stream.source,
        destination_platform=stream.destination,
        data_start=day - timedelta(days=1),
        data_finish=day,
        config=stream.configs[0 if started < until - timedelta(days=days / 2) else 1],
        data_pushed=code == codes.SUCCESS_DATA_PUSHED,
    )
    if code == codes.CONFIGURATION_ERROR:
        sync.error_message = rng.choice(catalogue.CONFIGURATION_ERRORS)
    elif code in catalogue.STATUS_ERRORS:
        sync.error_message = rng.choice(catalogue.STATUS_ERRORS[code])
    if code in catalogue.EXCEPTIONS:
        sync.exception_message = rng.choice(catalogue.EXCEPTIONS[code])
    if stream.product == Product.COMMERCE and not in_progress and rng.random() < 0.04:
        sync.notes = catalogue.RECONCILE_NOTE
    return sync


def _items(rng: random.Random, sync: Sync) -> Iterator[PushItem]:
    code = sync.status_code
    if code not in (codes.SUCCESS_DATA_PUSHED, codes.DATA_PUSH_ERROR, *codes.IN_PROGRESS_CODES):
        return
    count = rng.randint(1, 4) if code == codes.SUCCESS_DATA_PUSHED else rng.randint(2, 6)
    failing = rng.randint(1, max(1, count // 2)) if code == codes.DATA_PUSH_ERROR else 0
    failures = []
    for index in range(count):
        data_type = rng.choice(catalogue.DATA_TYPES[sync.product])
        item = _item(rng, sync, data_type, index)
        if index < failing:
            failures.append(_fail(rng, item))
        elif sync.in_progress and rng.random() < 0.6:
            item.status, item.completed_at, item.attempts = PushStatus.PENDING, None, 0
        yield item
    if failures:
        sync.data_pushed = failing < count
        sync.error_message = _sync_error(failures)


def _item(rng: random.Random, sync: Sync, data_type: str, index: int) -> PushItem:
    core_id = str(_uuid(rng))
    requested = sync.started_at + timedelta(seconds=1 + index)
    return PushItem(
        push_operation_key=_uuid(rng),
        sync=sync,
        core_id=core_id,
        parent_core_id=str(_uuid(rng)) if data_type in ("payments", "creditNotes") else "",
        data_type=data_type,
        status=PushStatus.SUCCESS,
        status_code=200,
        requested_at=requested,
        completed_at=requested + timedelta(milliseconds=rng.randint(150, 2500)),
        payload=records.payload(rng, data_type, core_id),
        attempts=1,
        platform_record_id=str(rng.randint(10_000, 99_999)),
    )


def _fail(rng: random.Random, item: PushItem) -> tuple[str, str, bool]:
    """Turns `item` into a failure; returns (data type, message, whether validation failed)
    for the sync's summary."""
    item.platform_record_id = ""
    rules = catalogue.VALIDATION_FAILURES.get(item.data_type)
    if rules and rng.random() < 0.7:
        item_id, message, validator, breaks = rng.choice(rules)
        item.payload = records.payload(rng, item.data_type, item.core_id, breaks)
        item.status, item.status_code = PushStatus.FAILED, 400
        item.error_message = f"Push failed for {validator}: see validation for more information"
        item.validation = {
            "errors": [{"itemId": item_id, "message": message, "validatorName": validator}],
            "warnings": [],
        }
        return item.data_type, message, True
    if rng.random() < 0.3:
        item.status, item.status_code = PushStatus.TIMED_OUT, 504
        item.error_message = catalogue.TIMED_OUT_MESSAGE
    else:
        item.status_code, item.error_message = rng.choice(catalogue.TRANSIENT_FAILURES)
        item.status = PushStatus.FAILED
    item.attempts = rng.randint(1, 3)
    return item.data_type, item.error_message, False


def _sync_error(failures: list[tuple[str, str, bool]]) -> str:
    data_types = ", ".join(sorted({data_type for data_type, _, _ in failures}))
    messages = " ".join(dict.fromkeys(message for _, message, _ in failures))
    validation = any(invalid for _, _, invalid in failures)
    # The Portal's wording when validation failed; otherwise the platform's own messages.
    return (
        f"Push failed for {data_types}: {'validation errors are; ' if validation else ''}{messages}"
    )
