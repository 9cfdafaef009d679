from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection
from tqdm import tqdm

from syncs.demo.scale import BIG_SYNC_ID, load_scale_data


class Command(BaseCommand):
    help = "Load a production-sized sync history into PostgreSQL with COPY, for benchmarks."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--syncs", type=int, default=1_000_000, help="How many (1,000,000).")
        parser.add_argument(
            "--items-per-sync", type=int, default=10, help="Average push items per sync (10)."
        )
        parser.add_argument("--companies", type=int, default=5000, help="Companies (5,000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")

    def handle(self, *args, **options) -> None:
        if connection.vendor != "postgresql":
            raise CommandError(
                "load_scale_data needs PostgreSQL (it loads with COPY): set DATABASE_URL."
            )
        if options["syncs"] < 1 or options["items_per_sync"] < 0 or options["companies"] < 1:
            raise CommandError("--syncs and --companies must be at least 1, --items-per-sync 0+.")
        with tqdm(total=options["syncs"], unit="sync", disable=None, file=self.stderr) as bar:
            syncs, items = load_scale_data(
                syncs=options["syncs"],
                items_per_sync=options["items_per_sync"],
                companies=options["companies"],
                seed=options["seed"],
                progress=bar.update,
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Loaded {syncs:,} syncs and {items:,} push items; sync {BIG_SYNC_ID} has "
                "10,000 items."
            )
        )
