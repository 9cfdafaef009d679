import random
from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from pushitems.models import PushItem, PushStatus
from syncs import status as codes
from syncs.demo import records
from syncs.models import Company, Product, Sync, SyncConfig


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    id = factory.Faker("uuid4", cast_to=None)
    name = factory.Sequence(lambda n: f"Company {n}")


class SyncConfigFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SyncConfig

    company = factory.SubFactory(CompanyFactory)
    product = Product.EXPENSES
    data = factory.Sequence(
        lambda n: {
            "bankAccount": {"id": str(n)},
            "supplier": {"id": "124"},
            "customer": {"id": "140"},
        }
    )


class SyncFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sync

    id = factory.Faker("uuid4", cast_to=None)
    company = factory.SubFactory(CompanyFactory)
    product = Product.EXPENSES
    status_code = codes.SUCCESS_DATA_PUSHED
    status_text = "Complete"
    started_at = factory.LazyFunction(lambda: timezone.now() - timedelta(hours=1))
    finished_at = factory.LazyAttribute(lambda o: o.started_at + timedelta(seconds=8))
    source_platform = "Partner Expense"
    destination_platform = "QuickBooks Online Sandbox"
    data_pushed = True

    class Params:
        commerce = factory.Trait(
            product=Product.COMMERCE,
            source_platform="Partner Commerce",
            destination_platform="Xero",
        )
        running = factory.Trait(
            status_code=codes.IN_PROGRESS,
            status_text="Started",
            finished_at=None,
            data_pushed=False,
        )
        failed = factory.Trait(
            status_code=codes.DATA_PUSH_ERROR,
            status_text="PushError",
            error_message="Push failed for directCosts: validation errors are; Failed to push to "
            "DirectCost as LineItems[0].TaxAmount must be 0 when used with a Tax Rate with an "
            "effective rate of 0.",
            data_pushed=False,
        )


class PushItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PushItem

    sync = factory.SubFactory(SyncFactory)
    core_id = factory.Faker("uuid4")
    data_type = "directCosts"
    status = PushStatus.SUCCESS
    status_code = 200
    requested_at = factory.LazyAttribute(lambda o: o.sync.started_at + timedelta(seconds=1))
    completed_at = factory.LazyAttribute(lambda o: o.requested_at + timedelta(seconds=1))
    attempts = 1
    platform_record_id = factory.Sequence(str)
    payload = factory.LazyAttribute(lambda o: {"id": o.core_id, "totalAmount": 12.5})

    class Params:
        pending = factory.Trait(
            status=PushStatus.PENDING,
            status_code=None,
            completed_at=None,
            attempts=0,
            platform_record_id="",
        )
        failed = factory.Trait(
            status=PushStatus.FAILED,
            status_code=400,
            platform_record_id="",
            error_message="Push failed for DirectCost: see validation for more information",
            validation={
                "errors": [
                    {
                        "itemId": "LineItems[0].TaxAmount",
                        "message": "Failed to push to DirectCost as LineItems[0].TaxAmount must "
                        "be 0 when used with a Tax Rate with an effective rate of 0.",
                        "validatorName": "DirectCost",
                    }
                ],
                "warnings": [],
            },
        )
        timed_out = factory.Trait(
            status=PushStatus.TIMED_OUT, status_code=504, platform_record_id=""
        )


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()

    username = factory.Sequence(lambda n: f"support{n}")
    is_staff = True


class RecordItemFactory(PushItemFactory):
    """A push item carrying a realistic record: valid, unless `breaks` names the rule it breaks
    ("zero_tax", "ap_account"), as the demo data builds them."""

    payload = factory.LazyAttribute(
        lambda o: records.payload(random.Random(o.core_id), o.data_type, o.core_id, o.breaks)
    )

    class Params:
        breaks = ""
        unavailable = factory.Trait(
            status=PushStatus.FAILED,
            status_code=503,
            platform_record_id="",
            error_message="The accounting platform is temporarily unavailable (503).",
        )
        invalid = factory.Trait(failed=True, breaks="zero_tax")


class RetrierFactory(UserFactory):
    """Staff allowed to retry failed items."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def can_retry(self, create, extracted, **kwargs):
        from django.contrib.auth.models import Permission

        if create:
            self.user_permissions.add(
                Permission.objects.get(codename="can_retry", content_type__app_label="retries")
            )


class RetryFactory(factory.django.DjangoModelFactory):
    """A retry request and its retry sync, as `retry_request` records them; no items."""

    class Meta:
        model = "retries.Retry"

    original = factory.SubFactory(SyncFactory, failed=True)
    sync = factory.SubFactory(
        SyncFactory,
        running=True,
        company=factory.SelfAttribute("..original.company"),
        retry_of=factory.SelfAttribute("..original"),
    )
    requested_by = factory.SubFactory(UserFactory)
    requested_at = factory.LazyAttribute(lambda o: o.sync.started_at)
    item_count = 1
    enqueued_at = factory.LazyAttribute(lambda o: o.requested_at)

    class Params:
        finished = factory.Trait(
            state="finished",
            outcome="failed",
            finished_at=factory.LazyAttribute(lambda o: o.requested_at + timedelta(seconds=3)),
        )
