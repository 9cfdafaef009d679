"""The sandbox accounting platform: Codat-style writes, remembered idempotency keys, faults.

Everything lives in memory and is safe to use from many threads at once. A repeated
idempotency key gets the first write's answer and writes nothing; a refused record is not
remembered, so a corrected platform can take it later. Faults (latency, 429, 503, answers
that come too late, writes left Pending) are drawn at random at the configured rates, or
scripted per key for tests.
"""

import random
import threading
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field, fields
from datetime import UTC, datetime
from typing import Self

from .rules import VALIDATORS, validate

THROTTLED, UNAVAILABLE, TOO_LATE, PENDING = 429, 503, "timeout", "pending"
SCRIPTABLE = (THROTTLED, UNAVAILABLE, TOO_LATE, PENDING)


@dataclass
class Faults:
    latency_ms: float = 0.0
    throttle_rate: float = 0.0
    unavailable_rate: float = 0.0
    timeout_rate: float = 0.0
    pending_rate: float = 0.0
    retry_after: float = 1.0
    hang_seconds: float = 5.0
    pending_ms: float = 200.0
    # The answers to the first requests with each key, e.g. [429, 503]: the third is served.
    script: list = field(default_factory=list)

    @classmethod
    def from_json(cls, data: dict) -> Self:
        """Faults from a JSON object; raises ValueError naming what is wrong."""
        if not isinstance(data, dict):
            raise ValueError("Faults must be a JSON object.")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"Unknown fault settings: {', '.join(unknown)}.")
        script = data.get("script", [])
        if not isinstance(script, list) or any(step not in SCRIPTABLE for step in script):
            raise ValueError(f"script must be a list of {', '.join(map(str, SCRIPTABLE))}.")
        numbers = {}
        for name in known - {"script"}:
            value = data.get(name, getattr(cls, name))
            if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                raise ValueError(f"{name} must be a number of 0 or more.")
            numbers[name] = float(value)
        return cls(**numbers, script=script)


@dataclass(frozen=True)
class Answer:
    """What the server sends back: a status, a JSON body, headers, and how late."""

    status: int
    body: dict
    headers: dict = field(default_factory=dict)
    delay: float = 0.0


class Platform:
    def __init__(self, faults: Faults | None = None, seed: int | None = None) -> None:
        self._lock = threading.Lock()
        self._faults = faults or Faults()
        self._random = random.Random(seed)
        self._reset()

    def _reset(self) -> None:
        self._operations: dict[str, dict] = {}
        self._by_key: dict[str, str] = {}
        self._requests: Counter[str] = Counter()
        self._writes: Counter[str] = Counter()
        self._records: Counter[tuple] = Counter()
        self._request_count = 0
        self._next_record_id = 1000

    @property
    def faults(self) -> Faults:
        return self._faults

    def configure(self, faults: Faults) -> None:
        with self._lock:
            self._faults = faults

    def reset(self) -> None:
        """Forgets every write, key and count; keeps the faults."""
        with self._lock:
            self._reset()

    def push(
        self, *, company_id: str, connection_id: str, data_type: str, record: object, key: str
    ) -> Answer:
        """Writes `record` as `data_type` for a company's connection, once per `key`."""
        if data_type not in VALIDATORS:
            return _error(404, f"Data type {data_type} cannot be written.")
        if not isinstance(record, dict):
            return _error(400, "The request body must be a JSON object.")
        with self._lock:
            faults = self._faults
            fault = self._fault(key, faults)
        time.sleep(faults.latency_ms / 1000)
        if fault == THROTTLED:
            return _error(429, "Rate limit exceeded.", {"Retry-After": f"{faults.retry_after:g}"})
        if fault == UNAVAILABLE:
            return _error(503, "The accounting platform is temporarily unavailable.")
        with self._lock:
            operation = self._operations.get(self._by_key.get(key, ""))
            if operation is None:
                operation = self._write(company_id, connection_id, data_type, record, key, fault)
        delay = faults.hang_seconds if fault == TOO_LATE else 0.0
        return Answer(200, _view(operation), delay=delay)

    def operation(self, *, company_id: str, operation_key: str) -> Answer:
        with self._lock:
            operation = self._operations.get(operation_key)
        if operation is None or operation["companyId"] != company_id:
            return _error(404, f"No push operation {operation_key} for company {company_id}.")
        return Answer(200, _view(operation))

    def stats(self) -> dict:
        """How often each key was sent and written, and records written more than once."""
        with self._lock:
            return {
                "requests": self._request_count,
                "writes": sum(self._writes.values()),
                "duplicate_writes": sum(n - 1 for n in self._records.values() if n > 1),
                "keys": {
                    key: {"requests": count, "writes": self._writes[key]}
                    for key, count in self._requests.items()
                },
            }

    def _fault(self, key: str, faults: Faults) -> object:
        self._request_count += 1
        attempt = self._requests[key]
        if key:
            self._requests[key] += 1
        if key and attempt < len(faults.script):
            return faults.script[attempt]
        draw = self._random.random()
        for fault, rate in (
            (THROTTLED, faults.throttle_rate),
            (UNAVAILABLE, faults.unavailable_rate),
            (TOO_LATE, faults.timeout_rate),
            (PENDING, faults.pending_rate),
        ):
            if draw < rate:
                return fault
            draw -= rate
        return None

    def _write(
        self,
        company_id: str,
        connection_id: str,
        data_type: str,
        record: dict,
        key: str,
        fault: object,
    ) -> dict:
        validator = VALIDATORS[data_type]
        errors = validate(data_type, record)
        now = datetime.now(UTC)
        operation = {
            "pushOperationKey": str(uuid.uuid4()),
            "companyId": company_id,
            "dataConnectionKey": connection_id,
            "dataType": data_type,
            "requestedOnUtc": now.isoformat(),
            "completedOnUtc": now.isoformat(),
            "timeoutInMinutes": None,
            "status": "Failed" if errors else "Success",
            "statusCode": 400 if errors else 200,
            "errorMessage": f"Push failed for {validator}: see validation for more information"
            if errors
            else None,
            "validation": {"errors": errors, "warnings": []},
            "changes": [],
        }
        self._operations[operation["pushOperationKey"]] = operation
        if errors:
            return operation
        self._next_record_id += 1
        operation["changes"] = [
            {
                "type": "Created",
                "recordRef": {"id": str(self._next_record_id), "dataType": data_type},
                "attachmentId": None,
            }
        ]
        if fault == PENDING:
            operation.update(status="Pending", statusCode=202, completedOnUtc=None)
            operation["_done_at"] = time.monotonic() + self._faults.pending_ms / 1000
        self._writes[key] += 1
        self._records[(company_id, data_type, str(record.get("id")))] += 1
        if key:
            self._by_key[key] = operation["pushOperationKey"]
        return operation


def _view(operation: dict) -> dict:
    """The operation as the API shows it now: a Pending write is done once its time has come."""
    view = {name: value for name, value in operation.items() if not name.startswith("_")}
    if operation["status"] == "Pending" and time.monotonic() >= operation["_done_at"]:
        view.update(status="Success", statusCode=200, completedOnUtc=datetime.now(UTC).isoformat())
    return view


def _error(status: int, message: str, headers: dict | None = None) -> Answer:
    """Codat's `ErrorMessage` shape."""
    return Answer(
        status,
        {
            "statusCode": status,
            "service": "Sandbox",
            "error": message,
            "correlationId": uuid.uuid4().hex,
            "canBeRetried": "True" if status in (429, 503) else "False",
            "detailedErrorCode": 0,
        },
        headers or {},
    )
