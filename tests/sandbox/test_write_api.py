"""The sandbox's Codat-style write API and its control API, over HTTP."""

import random
import time
import uuid

import pytest
import requests

from syncs.demo.records import payload

COMPANY, CONNECTION = uuid.uuid4(), uuid.uuid4()
WRITE = f"/companies/{COMPANY}/connections/{CONNECTION}/push/directCosts"


def _record(breaks: str = "", record_id: str = "rec-1") -> dict:
    return payload(random.Random(2), "directCosts", record_id, breaks)


def _write(api, record=None, key: str | None = None, timeout: float = 5) -> requests.Response:
    headers = {"Idempotency-Key": key} if key else {}
    return api.post(WRITE, json=record or _record(), headers=headers, timeout=timeout)


def test_it_writes_a_record_and_answers_with_a_push_operation(api):
    operation = _write(api, key="k1").json()
    assert (operation["status"], operation["statusCode"], operation["dataType"]) == (
        "Success",
        200,
        "directCosts",
    )
    assert operation["changes"][0]["recordRef"] == {"id": "1001", "dataType": "directCosts"}


def test_it_answers_a_repeated_key_with_the_first_write_and_writes_nothing(api):
    first = _write(api, key="k1").json()
    again = _write(api, _record(record_id="rec-2"), key="k1").json()
    stats = api.get("/_sandbox/stats").json()
    assert (again, stats["writes"], stats["keys"]["k1"]) == (
        first,
        1,
        {"requests": 2, "writes": 1},
    )


def test_it_refuses_a_record_that_breaks_a_rule_with_its_validation_errors(api):
    operation = _write(api, _record("zero_tax"), key="k1").json()
    assert (operation["status"], operation["statusCode"], operation["errorMessage"]) == (
        "Failed",
        400,
        "Push failed for DirectCost: see validation for more information",
    )
    assert operation["validation"]["errors"][0]["itemId"] == "LineItems[0].TaxAmount"


def test_it_takes_a_corrected_record_under_the_key_of_a_refused_one(api):
    _write(api, _record("zero_tax"), key="k1")
    assert _write(api, _record(), key="k1").json()["status"] == "Success"


def test_it_counts_a_record_written_twice_under_two_keys_as_a_duplicate(api):
    _write(api, key="k1"), _write(api, key="k2")
    assert api.get("/_sandbox/stats").json()["duplicate_writes"] == 1


def test_it_writes_again_each_time_without_a_key(api):
    _write(api), _write(api)
    assert api.get("/_sandbox/stats").json()["writes"] == 2


def test_it_throttles_with_a_retry_after_when_told_to(api):
    api.put("/_sandbox/faults", json={"throttle_rate": 1, "retry_after": 3})
    response = _write(api, key="k1")
    assert (response.status_code, response.headers["Retry-After"]) == (429, "3")


def test_it_writes_nothing_while_unavailable(api):
    api.put("/_sandbox/faults", json={"unavailable_rate": 1})
    assert _write(api, key="k1").status_code == 503
    assert api.get("/_sandbox/stats").json()["writes"] == 0


def test_it_follows_a_script_of_answers_for_each_key(api):
    api.put("/_sandbox/faults", json={"script": [503, 429]})
    codes = [_write(api, key="k1").status_code for _ in range(3)]
    assert codes == [503, 429, 200]


def test_it_writes_a_record_but_answers_too_late_when_told_to(api):
    api.put("/_sandbox/faults", json={"script": ["timeout"], "hang_seconds": 1})
    with pytest.raises(requests.ReadTimeout):
        _write(api, key="k1", timeout=0.3)
    assert api.get("/_sandbox/stats").json()["writes"] == 1


def test_it_adds_the_latency_it_is_told_to(api):
    api.put("/_sandbox/faults", json={"latency_ms": 100})
    started = time.monotonic()
    _write(api, key="k1")
    assert time.monotonic() - started >= 0.1


def test_it_finishes_a_pending_write_after_a_while(api):
    api.put("/_sandbox/faults", json={"script": ["pending"], "pending_ms": 50})
    pending = _write(api, key="k1").json()
    time.sleep(0.1)
    done = api.get(f"/companies/{COMPANY}/push/{pending['pushOperationKey']}").json()
    assert (pending["status"], done["status"]) == ("Pending", "Success")


def test_it_hides_a_push_operation_from_another_company(api):
    key = _write(api, key="k1").json()["pushOperationKey"]
    assert api.get(f"/companies/{uuid.uuid4()}/push/{key}").status_code == 404


def test_it_refuses_a_data_type_that_cannot_be_written(api):
    response = api.post(WRITE.replace("directCosts", "balanceSheet"), json=_record())
    assert (response.status_code, response.json()["error"]) == (
        404,
        "Data type balanceSheet cannot be written.",
    )


def test_it_refuses_a_body_that_is_not_json(api):
    assert api.post(WRITE, data="{nope").status_code == 400


def test_it_refuses_unknown_fault_settings(api):
    response = api.put("/_sandbox/faults", json={"chaos": 1})
    assert (response.status_code, response.json()["error"]) == (
        400,
        "Unknown fault settings: chaos.",
    )


def test_it_forgets_every_write_on_reset(api):
    _write(api, key="k1")
    api.post("/_sandbox/reset")
    assert api.get("/_sandbox/stats").json() == {
        "requests": 0,
        "writes": 0,
        "duplicate_writes": 0,
        "keys": {},
    }
