"""The only code that talks to an accounting platform: Codat-style writes over HTTP.

Every failure comes out as one `PlatformError`, which says whether trying again may help.
"""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Self
from uuid import UUID

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter

from .models import PushStatus

# Connections are not modelled here: a company's connection to its accounting platform is
# named by a stable id derived from both, the same in every process.
CONNECTIONS = uuid.UUID("0b6f6c1e-5d0a-4a5e-9d3c-7c2f1e8a4b90")
NOT_CONFIGURED = "No accounting platform is configured: set PLATFORM_API_URL."


def connection_id(*, company_id: UUID, platform: str) -> UUID:
    """The id of `company_id`'s connection to `platform`, as the write API's path needs it."""
    return uuid.uuid5(CONNECTIONS, f"{company_id}/{platform}")


class PlatformError(Exception):
    """A write the platform did not take. `transient`: trying again later may succeed."""

    def __init__(
        self,
        message: str,
        *,
        transient: bool,
        status_code: int | None = None,
        retry_after: float | None = None,
        timed_out: bool = False,
    ) -> None:
        super().__init__(message)
        self.transient = transient
        self.status_code = status_code
        self.retry_after = retry_after
        self.timed_out = timed_out


@dataclass(frozen=True)
class PushOperation:
    """The platform's answer to a write (Codat's `PushOperation`)."""

    key: UUID
    status: PushStatus
    status_code: int
    error_message: str
    validation: dict
    record_id: str

    @classmethod
    def from_json(cls, data: dict) -> "PushOperation":
        try:
            changes = data.get("changes") or []
            return cls(
                key=UUID(data["pushOperationKey"]),
                status=PushStatus(data["status"]),
                status_code=int(data["statusCode"]),
                error_message=data.get("errorMessage") or "",
                validation={
                    "errors": (data.get("validation") or {}).get("errors") or [],
                    "warnings": (data.get("validation") or {}).get("warnings") or [],
                },
                record_id=str(changes[0]["recordRef"]["id"]) if changes else "",
            )
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            # The write may have landed; the same idempotency key makes asking again safe.
            raise PlatformError(
                f"The accounting platform answered with an unreadable push operation ({error!r}).",
                transient=True,
            ) from error


class PlatformClient:
    """A pooled HTTP client for one platform; safe to share between threads."""

    def __init__(
        self,
        *,
        base_url: str,
        api_key: str = "",
        connect_timeout: float,
        read_timeout: float,
        connections: int,
    ) -> None:
        self._base = base_url.rstrip("/") + "/" if base_url else ""
        self._timeout = (connect_timeout, read_timeout)
        self._session = requests.Session()
        # Proxies are resolved once: looking them up in the environment on every request
        # costs more than the write itself at a thousand writes a second.
        self._session.trust_env = False
        self._session.proxies = requests.utils.get_environ_proxies(self._base) if base_url else {}
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=connections, pool_block=True)
        self._session.mount("http://", adapter)
        self._session.mount("https://", adapter)
        self._session.headers.update({"Accept": "application/json", "User-Agent": "SyncHealth"})
        if api_key:
            self._session.headers["Authorization"] = f"Basic {api_key}"

    @classmethod
    def from_settings(cls) -> Self:
        return cls(
            base_url=settings.PLATFORM_API_URL,
            api_key=settings.PLATFORM_API_KEY,
            connect_timeout=settings.PLATFORM_CONNECT_TIMEOUT,
            read_timeout=settings.PLATFORM_READ_TIMEOUT,
            connections=settings.RETRY_CONCURRENCY,
        )

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self._session.close()

    def push(
        self,
        *,
        company_id: UUID,
        connection_id: UUID,
        data_type: str,
        record: dict,
        idempotency_key: UUID,
    ) -> PushOperation:
        """Writes `record`; a repeated `idempotency_key` gets the first write's answer."""
        return PushOperation.from_json(
            self._call(
                "POST",
                f"companies/{company_id}/connections/{connection_id}/push/{data_type}",
                json=record,
                headers={"Idempotency-Key": str(idempotency_key)},
            )
        )

    def push_operation(self, *, company_id: UUID, key: UUID) -> PushOperation:
        """The current state of a write the platform answered as Pending."""
        return PushOperation.from_json(self._call("GET", f"companies/{company_id}/push/{key}"))

    def _call(self, method: str, path: str, **kwargs) -> dict:
        if not self._base:
            raise PlatformError(NOT_CONFIGURED, transient=False)
        url = self._base + path
        try:
            response = self._session.request(method, url, timeout=self._timeout, **kwargs)
        except requests.ReadTimeout as error:
            raise PlatformError(
                f"The accounting platform did not answer within {self._timeout[1]:g}s; "
                "the record may have been written.",
                transient=True,
                timed_out=True,
            ) from error
        except requests.RequestException as error:
            raise PlatformError(
                f"Could not reach the accounting platform: {error}", transient=True
            ) from error
        if response.status_code >= 400:
            raise _http_error(response)
        try:
            return response.json()
        except ValueError as error:
            raise PlatformError(
                f"The accounting platform answered {response.status_code} with no JSON.",
                transient=True,
                status_code=response.status_code,
            ) from error


def _http_error(response: requests.Response) -> PlatformError:
    code = response.status_code
    detail = _error_text(response)
    if code == 429:
        retry_after = retry_after_seconds(response.headers.get("Retry-After", ""))
        wait = f" and asked to wait {retry_after:g}s" if retry_after is not None else ""
        return PlatformError(
            f"The accounting platform refused too many requests (429){wait}: {detail}",
            transient=True,
            status_code=code,
            retry_after=retry_after,
        )
    if code >= 500:
        return PlatformError(
            f"The accounting platform failed with {code} {response.reason}: {detail}",
            transient=True,
            status_code=code,
        )
    return PlatformError(
        f"The accounting platform refused the write with {code} {response.reason}: {detail}",
        transient=False,
        status_code=code,
    )


def _error_text(response: requests.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200] or "no details"
    if isinstance(body, dict) and body.get("error"):
        return str(body["error"])
    return str(body)[:200]


def retry_after_seconds(value: str) -> float | None:
    """Retry-After as seconds from now: either a number of seconds or an HTTP date."""
    value = value.strip()
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        moment = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - datetime.now(UTC)).total_seconds())
