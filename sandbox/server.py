"""The sandbox platform's HTTP server: the Codat-style write API, plus a control API.

A threaded standard-library server with keep-alive: each connection gets a thread, so
hundreds of writes can wait out their latency at once while each costs well under a
millisecond of CPU.

    POST /companies/{companyId}/connections/{connectionId}/push/{dataType}   write a record
    GET  /companies/{companyId}/push/{pushOperationKey}                     a write's state
    GET  /_sandbox/stats          requests and writes per idempotency key, duplicate writes
    GET  /_sandbox/faults         the fault settings; PUT replaces them
    POST /_sandbox/reset          forget every write and count

Given an API key, the write API answers 401 to requests without `Authorization: Basic <key>`.
"""

import json
import re
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .platform import Answer, Faults, Platform

UUID = r"[0-9a-fA-F-]{36}"
WRITE = re.compile(rf"^/companies/({UUID})/connections/({UUID})/push/([A-Za-z-]+)$")
OPERATION = re.compile(rf"^/companies/({UUID})/push/({UUID})$")


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    # Room for a burst of new connections from a worker's whole pool at once.
    request_queue_size = 512

    def __init__(self, address: tuple[str, int], platform: Platform, api_key: str = "") -> None:
        super().__init__(address, Handler)
        self.platform = platform
        self.api_key = api_key

    def handle_error(self, request: object, client_address: object) -> None:
        # A client that hung up (a killed worker, one that stopped waiting) is no fault here.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}/"


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "SyncHealthSandbox/1"
    # Headers and body leave in one packet: Nagle's algorithm would hold the body back 40 ms.
    disable_nagle_algorithm = True
    wbufsize = -1
    server: SandboxServer

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: thousands of writes a second would drown the console."""

    def do_GET(self) -> None:
        platform = self.server.platform
        if match := OPERATION.match(self.path):
            self._answer(
                self._unauthorized()
                or platform.operation(company_id=match[1], operation_key=match[2])
            )
        elif self.path == "/_sandbox/stats":
            self._answer(Answer(200, platform.stats()))
        elif self.path == "/_sandbox/faults":
            self._answer(Answer(200, asdict(platform.faults)))
        else:
            self._answer(_not_found(self.path))

    def do_POST(self) -> None:
        body = self._body()
        platform = self.server.platform
        if match := WRITE.match(self.path):
            answer = self._unauthorized() or (
                _bad_json()
                if body is _UNREADABLE
                else platform.push(
                    company_id=match[1],
                    connection_id=match[2],
                    data_type=match[3],
                    record=body,
                    key=self.headers.get("Idempotency-Key", ""),
                )
            )
            self._answer(answer)
        elif self.path == "/_sandbox/reset":
            platform.reset()
            self._answer(Answer(200, {"reset": True}))
        else:
            self._answer(_not_found(self.path))

    def do_PUT(self) -> None:
        body = self._body()
        if self.path != "/_sandbox/faults":
            self._answer(_not_found(self.path))
            return
        try:
            faults = Faults.from_json(body)
        except ValueError as error:
            self._answer(Answer(400, {"error": str(error)}))
            return
        self.server.platform.configure(faults)
        self._answer(Answer(200, asdict(faults)))

    def _unauthorized(self) -> Answer | None:
        expected = f"Basic {self.server.api_key}"
        if self.server.api_key and self.headers.get("Authorization") != expected:
            return Answer(401, {"statusCode": 401, "error": "Unauthorized: check the API key."})
        return None

    def _body(self) -> object:
        length = int(self.headers.get("Content-Length") or 0)
        try:
            return json.loads(self.rfile.read(length)) if length else None
        except ValueError:
            return _UNREADABLE

    def _answer(self, answer: Answer) -> None:
        if answer.delay:
            time.sleep(answer.delay)
        payload = json.dumps(answer.body).encode()
        self.send_response(answer.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in answer.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


_UNREADABLE = object()


def _not_found(path: str) -> Answer:
    return Answer(404, {"statusCode": 404, "error": f"No such endpoint: {path}"})


def _bad_json() -> Answer:
    return Answer(400, {"statusCode": 400, "error": "The request body is not valid JSON."})


@contextmanager
def serving(
    platform: Platform, host: str = "127.0.0.1", port: int = 0, api_key: str = ""
) -> Iterator[SandboxServer]:
    """Runs a sandbox server on a background thread for as long as the block lasts."""
    server = SandboxServer((host, port), platform, api_key)
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="sandbox", daemon=True
    )
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
