import zoneinfo

from django.http import QueryDict

from syncs.filters import SyncFilter
from syncs.models import Sync


def test_it_reads_the_list_of_time_zones_once_not_per_request(monkeypatch):
    # Listing the zones walks the tz database on disk (about 10 ms), and browsers send a zone
    # with every history request.
    calls = []
    listed = zoneinfo.available_timezones()
    monkeypatch.setattr(zoneinfo, "available_timezones", lambda: calls.append(1) or listed)
    for _ in range(3):
        filterset = SyncFilter(QueryDict("tz=Europe/London"), queryset=Sync.objects.none())
        assert filterset.is_valid()
    assert len(calls) <= 1
