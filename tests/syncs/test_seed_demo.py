import json
from collections import Counter
from io import StringIO

import jsonschema
import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count, F, Q

from pushitems.models import PushItem, PushStatus
from syncs import status as codes
from syncs.models import Company, Product, Sync, SyncConfig
from syncs.troubleshooting import entry_for

from ..shared import codat_file

pytestmark = pytest.mark.django_db

UNTIL = "2026-11-01T12:00:00+00:00"


def _seed(syncs: int = 1500, seed: int = 7) -> str:
    out = StringIO()
    call_command(
        "seed_demo", f"--syncs={syncs}", f"--seed={seed}", f"--until={UNTIL}",
        stdout=out, stderr=StringIO(),
    )  # fmt: skip
    return out.getvalue()


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _seed()
        yield
        PushItem.objects.all().delete()
        Sync.objects.all().delete()
        SyncConfig.objects.all().delete()
        Company.objects.all().delete()


def _snapshot() -> list[tuple]:
    return list(
        Sync.objects.order_by("id").values_list(
            "id", "company_id", "status_code", "started_at", "error_message", "config__digest"
        )
    ) + list(PushItem.objects.order_by("push_operation_key").values_list(
        "push_operation_key", "sync_id", "status", "payload"
    ))  # fmt: skip


def test_it_creates_the_requested_number_of_syncs():
    assert "300 new syncs" in _seed(syncs=300) and Sync.objects.count() == 300


def test_it_creates_nothing_new_when_run_again_with_the_same_seed():
    _seed(syncs=300)
    before = (Company.objects.count(), SyncConfig.objects.count(), PushItem.objects.count())
    assert "0 new syncs" in _seed(syncs=300)
    after = (Company.objects.count(), SyncConfig.objects.count(), PushItem.objects.count())
    assert (Sync.objects.count(), after) == (300, before)


def test_it_builds_the_same_data_from_the_same_seed():
    _seed(syncs=200)
    first = _snapshot()
    Sync.objects.all().delete()
    _seed(syncs=200)
    assert _snapshot() == first


def test_it_adds_different_syncs_for_another_seed_without_new_companies():
    _seed(syncs=100, seed=1)
    companies = Company.objects.count()
    _seed(syncs=100, seed=2)
    assert (Sync.objects.count(), Company.objects.count()) == (200, companies)


def test_it_skips_seeding_with_if_empty_when_syncs_exist(sync):
    out = StringIO()
    call_command("seed_demo", syncs=10, if_empty=True, stdout=out)
    assert Sync.objects.count() == 1 and "nothing to do" in out.getvalue()


def test_it_refuses_a_malformed_until():
    with pytest.raises(CommandError, match="ISO 8601"):
        call_command("seed_demo", "--until", "yesterday-ish")


def test_it_refuses_a_negative_size():
    with pytest.raises(CommandError, match="--syncs"):
        call_command("seed_demo", syncs=-5)


def test_it_names_about_fifty_companies_across_both_products(seeded):
    assert 45 <= Company.objects.count() <= 60
    assert set(Sync.objects.values_list("product", flat=True)) == {"commerce", "expenses"}


def test_it_uses_every_documented_status_code(seeded):
    used = set(Sync.objects.values_list("status_code", flat=True))
    assert set(codes.STATUS_CODES) <= used


def test_it_makes_successes_the_bulk_and_failures_a_minority(seeded):
    counts = Counter(Sync.objects.values_list("status_code", flat=True))
    total = sum(counts.values())
    successes = counts[2000] + counts[2040]
    assert counts.most_common(1)[0][0] == 2000
    assert successes / total > 0.7 and Sync.objects.failed().count() / total < 0.25


def test_it_keeps_running_syncs_unfinished_and_recent(seeded):
    running = Sync.objects.in_progress()
    assert running.exists() and not running.filter(finished_at__isnull=False).exists()


def test_it_fails_every_sync_that_has_a_failed_item(seeded):
    with_failures = Sync.objects.filter(push_items__status__in=[PushStatus.FAILED])
    assert with_failures.exists()
    assert not with_failures.exclude(Q(status_code__gte=4000) & Q(status_code__lte=5999)).exists()


def test_it_gives_failed_items_real_validation_errors(seeded):
    failed = PushItem.objects.filter(status=PushStatus.FAILED, status_code=400)
    messages = {e["message"] for item in failed for e in item.validation["errors"]}
    assert any("LineItems[0].TaxAmount must be 0" in m for m in messages)


def test_it_writes_documented_error_messages_for_configuration_errors(seeded):
    messages = Sync.objects.filter(status_code=codes.CONFIGURATION_ERROR).values_list(
        "error_message", flat=True
    )
    assert messages and all(entry_for(message) for message in messages)


def test_it_adds_reconcile_manually_notes_to_some_commerce_syncs(seeded):
    notes = Sync.objects.filter(notes="Please reconcile manually")
    assert notes.exists() and set(notes.values_list("product", flat=True)) == {"commerce"}


def test_it_names_source_and_destination_platforms(seeded):
    pairs = set(Sync.objects.values_list("source_platform", "destination_platform"))
    assert ("Partner Expense", "QuickBooks Online Sandbox") in pairs or any(
        source == "Partner Expense" for source, _ in pairs
    )
    assert all(source and destination for source, destination in pairs)


def test_it_gives_every_sync_a_config_snapshot_of_its_product(seeded):
    mismatched = Sync.objects.exclude(config__product=F("product"))
    assert not Sync.objects.filter(config__isnull=True).exists() and not mismatched.exists()


def _spec_validator(spec_name: str, schema_name: str) -> jsonschema.Draft202012Validator:
    spec = json.loads(codat_file(spec_name).read_text())
    schema = {"$ref": f"#/components/schemas/{schema_name}", **spec}
    return jsonschema.Draft202012Validator(schema)


def test_it_shapes_expenses_configs_as_codat_company_configuration(seeded):
    validator = _spec_validator("Codat-Sync-Expenses.json", "CompanyConfiguration")
    configs = SyncConfig.objects.filter(product=Product.EXPENSES)
    assert configs.exists()
    for config in configs:
        validator.validate(config.data)


def test_it_shapes_commerce_configs_as_codat_configuration(seeded):
    validator = _spec_validator("Codat-Sync-Commerce.json", "Configuration")
    configs = SyncConfig.objects.filter(product=Product.COMMERCE)
    assert configs.exists()
    for config in configs:
        validator.validate(config.data)


def test_it_gives_items_codat_data_types(seeded):
    from pushitems.models import DATA_TYPES

    used = set(PushItem.objects.values_list("data_type", flat=True))
    assert used and used <= set(DATA_TYPES)


def test_it_pushes_no_items_for_syncs_that_pushed_no_data(seeded):
    empty = Sync.objects.filter(status_code=codes.SUCCESS_NO_DATA_PUSHED)
    assert not empty.annotate(n=Count("push_items")).filter(n__gt=0).exists()


def test_it_speaks_of_validation_only_when_an_item_failed_validation(seeded):
    for sync in Sync.objects.filter(status_code=codes.DATA_PUSH_ERROR):
        validation = sync.push_items.filter(status=PushStatus.FAILED, status_code=400).exists()
        assert ("validation errors are;" in sync.error_message) == validation
