"""Retry benchmark: push N failed items again through the sandbox platform.

Prints items per second, duplicate writes (must be 0) and the worker's peak memory.

    .venv/bin/python benchmarks/retry.py                  # 1,000 items, 20 ms a write, SQLite
    .venv/bin/python benchmarks/retry.py --items 10000    # the full run
    .venv/bin/python benchmarks/retry.py --items 10000 \\
        --database-url postgres://postgres@127.0.0.1:5432/synchealth_bench

The sandbox runs as its own process (`manage.py run_sandbox`). The worker is another process
that asks for the retry the way the portal does; with no broker configured the `run_retry`
task runs in that same process, so it is the process measured. Without --database-url a
temporary SQLite file is used; a given database gets the benchmark's rows removed afterwards.
"""

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# Settings the benchmark decides for itself rather than inherit from the shell.
OWN = ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "PLATFORM_", "RETRY_", "DJANGO_DEBUG")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=1000, help="failed items to retry (1000)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="per write (20)")
    parser.add_argument("--concurrency", type=int, default=64, help="pushes in flight (64)")
    parser.add_argument("--database-url", help="default: a temporary SQLite file")
    parser.add_argument("--json", action="store_true", help="end with the figures as JSON")
    parser.add_argument("--worker", nargs=2, metavar=("SYNC", "USER"), help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.worker:
        return _work(*options.worker)
    if options.items < 1:
        parser.error("--items must be at least 1")
    with tempfile.TemporaryDirectory() as scratch:
        environ = {k: v for k, v in os.environ.items() if not k.startswith(OWN)}
        environ.update(
            DATABASE_URL=options.database_url or f"sqlite:///{scratch}/benchmark.sqlite3",
            DJANGO_SETTINGS_MODULE="synchealth.settings",
            DJANGO_SECRET_KEY=os.environ.get("DJANGO_SECRET_KEY", "benchmark-only-" + "x" * 40),
            DJANGO_HTTPS="false",
            RETRY_CONCURRENCY=str(options.concurrency),
        )
        os.environ.clear()
        os.environ.update(environ)
        return _benchmark(options, environ)


def _benchmark(options: argparse.Namespace, environ: dict) -> int:
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    latency = ["--latency-ms", str(options.latency_ms)]
    sandbox = subprocess.Popen(
        [sys.executable, "manage.py", "run_sandbox", "--bind", "127.0.0.1:0", *latency],
        cwd=ROOT,
        env=environ,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = sandbox.stdout.readline().rsplit(" ", 1)[1].strip()
        sync, user = _failed_sync(options.items)
        print(
            f"Retrying {options.items:,} failed items, {options.latency_ms:g} ms a write, "
            f"{options.concurrency} in flight, on {environ['DATABASE_URL'].split(':')[0]}"
        )
        worker = subprocess.run(
            [sys.executable, __file__, "--worker", str(sync.pk), str(user.pk)],
            cwd=ROOT,
            env={**environ, "PLATFORM_API_URL": url},
            capture_output=True,
            text=True,
        )
        if worker.returncode:
            print(worker.stderr, file=sys.stderr)
            return 1
        report = json.loads(worker.stdout.splitlines()[-1])
        stats = requests.get(url + "_sandbox/stats", timeout=30).json()
        return _report(report, stats, options.items, as_json=options.json)
    finally:
        sandbox.kill()
        sandbox.wait()
        if options.database_url:
            _clean_up()


def _failed_sync(count: int):
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from pushitems.models import PushItem, PushStatus
    from syncs import status as codes
    from syncs.demo.records import payload
    from syncs.models import Company, Product, Sync

    rng = random.Random(2000)
    now = timezone.now()
    company = Company.objects.create(name=f"Benchmark {uuid.uuid4().hex[:8]}")
    user = get_user_model().objects.create(username=f"benchmark-{uuid.uuid4().hex[:8]}")
    sync = Sync.objects.create(
        company=company,
        product=Product.EXPENSES,
        status_code=codes.DATA_PUSH_ERROR,
        status_text="PushError",
        started_at=now,
        finished_at=now,
        source_platform="Partner Expense",
        destination_platform="QuickBooks Online Sandbox",
    )
    core_ids = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(count)]
    PushItem.objects.bulk_create(
        (
            PushItem(
                sync=sync,
                core_id=core_id,
                data_type="directCosts",
                status=PushStatus.FAILED,
                status_code=503,
                error_message="The accounting platform is temporarily unavailable (503).",
                requested_at=now,
                completed_at=now,
                attempts=1,
                payload=payload(rng, "directCosts", core_id),
            )
            for core_id in core_ids
        ),
        batch_size=2000,
    )
    return sync, user


def _work(sync_id: str, user_id: str) -> int:
    import django

    django.setup()
    from django.contrib.auth import get_user_model

    from retries.services import retry_request
    from syncs.models import Sync

    retry = retry_request(
        sync=Sync.objects.get(pk=sync_id), requested_by=get_user_model().objects.get(pk=user_id)
    )
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"retry": retry.pk, "peak_kib": peak_kib}))
    return 0


def _report(report: dict, stats: dict, items: int, *, as_json: bool) -> int:
    from pushitems.models import PushStatus
    from retries.models import Retry

    retry = Retry.objects.select_related("sync").get(pk=report["retry"])
    seconds = (retry.finished_at - retry.started_at).total_seconds()
    succeeded = retry.sync.push_items.filter(status=PushStatus.SUCCESS).count()
    duplicates = stats["duplicate_writes"] + sum(
        max(0, key["writes"] - 1) for key in stats["keys"].values()
    )
    print(f"pushed:           {succeeded:,} of {items:,} items in {seconds:.2f} s")
    print(f"items/s:          {items / seconds:,.0f}")
    print(f"duplicate writes: {duplicates}")
    print(f"worker peak RSS:  {report['peak_kib'] / 1024:.0f} MiB")
    print(f"sandbox:          {stats['requests']:,} requests, {stats['writes']:,} writes")
    if as_json:
        figures = {"items": items, "pushed": succeeded, "seconds": seconds}
        figures |= {"duplicates": duplicates, "peak_mib": report["peak_kib"] / 1024}
        print(json.dumps(figures))
    return 0 if duplicates == 0 and succeeded == items else 1


def _clean_up() -> None:
    from django.contrib.auth import get_user_model

    from retries.models import Retry
    from syncs.models import Company, Sync

    companies = Company.objects.filter(name__startswith="Benchmark ")
    retries = Retry.objects.filter(original__company__in=companies)
    retry_syncs = list(retries.values_list("sync", flat=True))
    retries.delete()
    Sync.objects.filter(pk__in=retry_syncs).delete()
    Sync.objects.filter(company__in=companies).delete()
    companies.delete()
    get_user_model().objects.filter(username__startswith="benchmark-").delete()


if __name__ == "__main__":
    sys.exit(main())
