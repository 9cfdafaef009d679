from django.core.management.base import BaseCommand, CommandError, CommandParser

from sandbox.platform import Faults, Platform
from sandbox.server import SandboxServer


def _address(value: str) -> tuple[str, int]:
    host, _, port = value.rpartition(":")
    if not host or not port.isdigit():
        raise CommandError(f"--bind must look like 127.0.0.1:8001, not {value!r}.")
    return host, int(port)


class Command(BaseCommand):
    help = (
        "Run the sandbox accounting platform: a Codat-style write API that validates records, "
        "remembers idempotency keys and injects the faults asked for. Port 0 picks a free port."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--bind", default="127.0.0.1:8001", help="host:port (127.0.0.1:8001)")
        parser.add_argument("--latency-ms", type=float, default=0.0, help="Delay of every write.")
        parser.add_argument("--throttle-rate", type=float, default=0.0, help="Share answered 429.")
        parser.add_argument(
            "--unavailable-rate", type=float, default=0.0, help="Share answered 503."
        )
        parser.add_argument(
            "--timeout-rate",
            type=float,
            default=0.0,
            help="Share written but answered only after --hang-seconds.",
        )
        parser.add_argument(
            "--pending-rate", type=float, default=0.0, help="Share answered Pending at first."
        )
        parser.add_argument("--hang-seconds", type=float, default=5.0)
        parser.add_argument("--retry-after", type=float, default=1.0, help="Retry-After of a 429.")
        parser.add_argument("--seed", type=int, help="Random seed, for repeatable faults.")
        parser.add_argument(
            "--api-key", default="", help="Require this key (Authorization: Basic <key>)."
        )

    def handle(self, *args, **options) -> None:
        try:
            faults = Faults.from_json(
                {
                    "latency_ms": options["latency_ms"],
                    "throttle_rate": options["throttle_rate"],
                    "unavailable_rate": options["unavailable_rate"],
                    "timeout_rate": options["timeout_rate"],
                    "pending_rate": options["pending_rate"],
                    "hang_seconds": options["hang_seconds"],
                    "retry_after": options["retry_after"],
                }
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        server = SandboxServer(
            _address(options["bind"]), Platform(faults, seed=options["seed"]), options["api_key"]
        )
        self.stdout.write(f"Sandbox accounting platform listening on {server.url}")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            server.server_close()
