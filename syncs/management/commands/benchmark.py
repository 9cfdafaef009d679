import platform
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from django.test.utils import setup_test_environment, teardown_test_environment

from pushitems.models import PushItem
from syncs.benchmark import DEEP_PAGE, PageBenchmark, ratio, retry
from syncs.models import Sync


class Command(BaseCommand):
    help = "Measure the pages against the Django admin and raw SQL on the current database."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--runs", type=int, default=50, help="Requests per figure (50).")
        parser.add_argument(
            "--export-rows", type=int, default=100_000, help="Rows in the CSV export (100,000)."
        )
        parser.add_argument(
            "--retry-items",
            type=int,
            default=10_000,
            help="Failed items for the retry benchmark (10,000); 0 leaves it out.",
        )
        parser.add_argument("--markdown", type=Path, help="Also write the table to this file.")

    def handle(self, *args, **options) -> None:
        # The test client needs the test environment (allowed hosts, template signals);
        # under a test runner it is already set up.
        try:
            setup_test_environment()
        except RuntimeError:
            owned = False
        else:
            owned = True
        try:
            figures = PageBenchmark(runs=options["runs"], export_rows=options["export_rows"]).run()
        finally:
            if owned:
                teardown_test_environment()
        if options["retry_items"] > 0:
            try:
                figures.append(retry(options["retry_items"]))
            except RuntimeError as error:
                raise CommandError(str(error)) from error
        by_name = {figure.name: figure for figure in figures}
        lines = [
            f"Database: {connection.vendor}, {Sync.objects.count():,} syncs, "
            f"{PushItem.objects.count():,} push items; Python {platform.python_version()}.",
            "",
            "| Measure | p50 ms | p95 ms | Queries | Runs | Note |",
            "| --- | ---: | ---: | ---: | ---: | --- |",
        ]
        for figure in figures:
            queries = "" if figure.queries is None else str(figure.queries)
            lines.append(
                f"| {figure.name} | {figure.p50_ms:.1f} | {figure.p95_ms:.1f} | {queries} "
                f"| {figure.runs} | {figure.note} |"
            )
        ours_first = by_name["History, page 1 (any time)"]
        ours_deep = by_name[f"History, page {DEEP_PAGE:,} (any time)"]
        admin_first, admin_deep = (f for f in figures if f.name.startswith("Django admin"))
        raw = next(f for f in figures if f.name.startswith("Raw SQL"))
        lines += [
            "",
            f"- History page 1 / admin page 1: {ratio(ours_first, admin_first):.3f}",
            f"- History deep page / admin deep page: {ratio(ours_deep, admin_deep):.4f}",
            f"- History page 1 / raw SQL of its query: {ratio(ours_first, raw):.1f}",
        ]
        text = "\n".join(lines)
        self.stdout.write(text)
        if options["markdown"]:
            options["markdown"].write_text(text + "\n")
