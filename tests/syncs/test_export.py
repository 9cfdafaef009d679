import csv
import io
from datetime import UTC, timedelta
from unittest import mock

import pytest
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from accounts.models import Preference
from syncs.export import csv_lines
from syncs.history import history_from

from ..factories import PushItemFactory, SyncFactory

pytestmark = pytest.mark.django_db


def _export(client, **params):
    response = client.get(reverse("history-export"), params)
    body = b"".join(response.streaming_content).decode()
    return response, list(csv.reader(io.StringIO(body)))


def test_it_streams_a_csv_attachment(staff_client, sync):
    response, _ = _export(staff_client)
    assert response.streaming and response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sync-history_')


def test_it_names_the_file_after_what_it_holds(staff_client, sync):
    response, _ = _export(
        staff_client,
        start="2026-11-01T00:00",
        end="2026-11-08T00:00",
        status=["5130"],
        q="bluebell",
    )
    assert (
        'filename="sync-history_2026-11-01T0000_2026-11-08T0000_status-5130_search-bluebell.csv"'
        in (response["Content-Disposition"])
    )


def test_it_writes_the_visible_columns_with_full_ids(staff_client, sync):
    _, rows = _export(staff_client)
    assert rows[0] == [
        "Company", "Company ID", "Sync ID", "Product",
        "Start Time", "Complete Time", "Run Time", "Status",
    ]  # fmt: skip
    assert rows[1][:3] == ["Bluebell Bakery", str(sync.company_id), str(sync.id)]
    assert rows[1][6:] == ["00:00:08", "2000 Success (Data pushed)"]


def test_it_writes_times_in_utc_iso_8601(staff_client, sync):
    _, rows = _export(staff_client)
    assert rows[1][4] == sync.started_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def test_it_leaves_out_columns_the_person_hid(staff_client, staff_user, sync):
    Preference.objects.create(user=staff_user, history_columns=["status", "items"])
    PushItemFactory(sync=sync, failed=True)
    _, rows = _export(staff_client)
    assert rows == [
        ["Sync ID", "Status", "Failed Items", "Items"],
        [str(sync.id), "2000 Success (Data pushed)", "1", "1"],
    ]


def test_it_exports_every_matching_row_in_the_view_order(staff_client, company):
    now = timezone.now()
    syncs = [
        SyncFactory(company=company, started_at=now - timedelta(minutes=n)) for n in range(2105)
    ]
    SyncFactory(status_code=5130)
    _, rows = _export(staff_client, status="2000")
    assert [row[2] for row in rows[1:]] == [str(s.id) for s in syncs]


def test_it_applies_the_sort_of_the_view(staff_client, company):
    for code in (5130, 2000, 4000):
        SyncFactory(company=company, status_code=code)
    _, rows = _export(staff_client, sort="-status")
    assert [row[7][:4] for row in rows[1:]] == ["5130", "4000", "2000"]


def test_it_splits_the_data_range_into_from_and_to(staff_client, staff_user, sync):
    Preference.objects.create(user=staff_user, history_columns=["data_range"])
    sync.data_start = sync.started_at.replace(hour=0, minute=0, second=0, microsecond=0)
    sync.data_finish = sync.data_start + timedelta(days=1)
    sync.save()
    _, rows = _export(staff_client)
    assert rows[0] == ["Sync ID", "Data From", "Data To"]
    assert rows[1][1].endswith("T00:00:00Z") and rows[1][2].endswith("T00:00:00Z")


def test_it_writes_only_a_header_when_nothing_matches(staff_client):
    _, rows = _export(staff_client)
    assert len(rows) == 1


def test_it_is_only_for_staff(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="bob", password="x"))
    assert client.get(reverse("history-export")).status_code == 403


@pytest.mark.parametrize("sort", ["finished", "-finished"])
def test_it_exports_a_relative_window_as_it_stood_when_the_export_began(staff_user, company, sort):
    # "Last 7 days" is read once: a long export's later pages once bounded complete times
    # by a later window start and dropped the syncs that started and finished in between.
    began = timezone.now()
    edge = SyncFactory(
        company=company,
        started_at=began - timedelta(days=7, seconds=-2),
        finished_at=began - timedelta(days=7, seconds=-3),
    )
    SyncFactory.create_batch(4, company=company)
    clock = (began + timedelta(seconds=5 * tick) for tick in range(10_000))
    with (
        mock.patch("django.utils.timezone.now", side_effect=lambda: next(clock)),
        mock.patch("syncs.export.CHUNK", 2),
    ):
        history = history_from(QueryDict(f"range=7d&sort={sort}"), staff_user)
        rows = list(csv.reader(io.StringIO("".join(csv_lines(history)))))
    assert str(edge.id) in [row[2] for row in rows[1:]]
