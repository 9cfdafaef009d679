"""The platform client against the sandbox platform, over real HTTP on the loopback."""

import random
import socket
import time
import uuid
from email.utils import formatdate

import pytest

from pushitems.clients import PlatformClient, PlatformError, connection_id, retry_after_seconds
from pushitems.models import PushStatus
from sandbox.platform import Faults, Platform
from sandbox.server import serving
from syncs.demo.records import payload

COMPANY = uuid.UUID("5b1e2c47-9f3a-4d8e-b6c1-0a9f8e7d6c5b")
CONNECTION = connection_id(company_id=COMPANY, platform="QuickBooks Online Sandbox")


@pytest.fixture
def sandbox():
    with serving(Platform(seed=3)) as server:
        yield server


@pytest.fixture
def client(sandbox):
    with PlatformClient(
        base_url=sandbox.url, connect_timeout=1, read_timeout=0.3, connections=4
    ) as client:
        yield client


def _record(breaks: str = "") -> dict:
    return payload(random.Random(1), "directCosts", "rec-1", breaks)


def _push(client: PlatformClient, record: dict | None = None, key: uuid.UUID | None = None):
    return client.push(
        company_id=COMPANY,
        connection_id=CONNECTION,
        data_type="directCosts",
        record=record or _record(),
        idempotency_key=key or uuid.uuid4(),
    )


def _error(call) -> PlatformError:
    with pytest.raises(PlatformError) as raised:
        call()
    return raised.value


def test_it_writes_a_record_and_returns_the_platform_record_id(client):
    operation = _push(client)
    assert (operation.status, operation.status_code, operation.record_id) == (
        PushStatus.SUCCESS,
        200,
        "1001",
    )


def test_it_sends_the_idempotency_key_with_the_write(client, sandbox):
    key = uuid.uuid4()
    _push(client, key=key)
    assert sandbox.platform.stats()["keys"] == {str(key): {"requests": 1, "writes": 1}}


def test_it_gets_the_first_answer_when_it_sends_a_key_again(client, sandbox):
    key = uuid.uuid4()
    first, again = _push(client, key=key), _push(client, key=key)
    assert (again, sandbox.platform.stats()["writes"]) == (first, 1)


def test_it_returns_the_validation_errors_of_a_refused_record(client):
    operation = _push(client, _record("ap_account"))
    assert (operation.status, operation.status_code) == (PushStatus.FAILED, 400)
    assert operation.validation["errors"] == [
        {
            "itemId": "LineItems[0].AccountRef",
            "message": "Failed to push to DirectCost as LineItems[0].AccountRef must not have "
            "account type 'Accounts Payable' or 'Accounts Receivable'",
            "validatorName": "DirectCost",
        }
    ]


def test_it_calls_a_503_transient(client, sandbox):
    sandbox.platform.configure(Faults(script=[503]))
    error = _error(lambda: _push(client))
    assert (error.transient, error.status_code, error.timed_out) == (True, 503, False)


def test_it_calls_a_429_transient_and_passes_on_retry_after(client, sandbox):
    sandbox.platform.configure(Faults(script=[429], retry_after=7))
    error = _error(lambda: _push(client))
    assert (error.transient, error.status_code, error.retry_after) == (True, 429, 7.0)


def test_it_reads_a_retry_after_given_as_a_date():
    assert 58 <= retry_after_seconds(formatdate(time.time() + 60, usegmt=True)) <= 60


def test_it_calls_a_refusal_of_the_request_itself_permanent(client):
    error = _error(
        lambda: client.push(
            company_id=COMPANY,
            connection_id=CONNECTION,
            data_type="balanceSheet",
            record=_record(),
            idempotency_key=uuid.uuid4(),
        )
    )
    assert (error.transient, error.status_code) == (False, 404)
    assert "Data type balanceSheet cannot be written." in str(error)


def test_it_calls_an_answer_too_late_a_transient_timeout(client, sandbox):
    sandbox.platform.configure(Faults(script=["timeout"], hang_seconds=1))
    error = _error(lambda: _push(client))
    assert (error.transient, error.timed_out) == (True, True)


def test_it_calls_a_platform_that_does_not_listen_transient():
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{closed.getsockname()[1]}/"
        with PlatformClient(base_url=url, connect_timeout=1, read_timeout=1, connections=1) as c:
            error = _error(lambda: _push(c))
    assert (error.transient, error.timed_out, error.status_code) == (True, False, None)


def test_it_follows_a_write_left_pending_until_it_is_done(client, sandbox):
    sandbox.platform.configure(Faults(script=["pending"], pending_ms=50))
    pending = _push(client)
    time.sleep(0.1)
    done = client.push_operation(company_id=COMPANY, key=pending.key)
    assert (pending.status, done.status, done.record_id) == (
        PushStatus.PENDING,
        PushStatus.SUCCESS,
        pending.record_id,
    )


def test_it_refuses_for_good_when_no_platform_is_configured():
    with PlatformClient(base_url="", connect_timeout=1, read_timeout=1, connections=1) as client:
        error = _error(lambda: _push(client))
    assert (error.transient, str(error)) == (
        False,
        "No accounting platform is configured: set PLATFORM_API_URL.",
    )


def test_it_authenticates_with_the_api_key():
    with (
        serving(Platform(), api_key="s3cret") as sandbox,
        PlatformClient(
            base_url=sandbox.url, api_key="s3cret", connect_timeout=1, read_timeout=1, connections=1
        ) as client,
    ):
        assert _push(client).status == PushStatus.SUCCESS


def test_it_calls_a_rejected_api_key_permanent():
    with (
        serving(Platform(), api_key="s3cret") as sandbox,
        PlatformClient(
            base_url=sandbox.url, api_key="wrong", connect_timeout=1, read_timeout=1, connections=1
        ) as client,
    ):
        error = _error(lambda: _push(client))
    assert (error.transient, error.status_code) == (False, 401)


def test_it_names_one_connection_per_company_and_platform():
    assert connection_id(company_id=COMPANY, platform="QuickBooks Online Sandbox") == CONNECTION
    assert connection_id(company_id=COMPANY, platform="Xero") != CONNECTION
