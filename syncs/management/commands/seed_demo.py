from datetime import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from syncs.demo.seed import seed_demo
from syncs.models import Sync


def _until(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--until must be an ISO 8601 date-time, not {value!r}.") from error
    return moment if timezone.is_aware(moment) else timezone.make_aware(moment, timezone.utc)


class Command(BaseCommand):
    help = "Fill the database with realistic demo syncs, push items and configurations."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--syncs", type=int, default=3000, help="How many syncs (3000).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (1).")
        parser.add_argument("--days", type=int, default=30, help="Days of history (30).")
        parser.add_argument("--until", type=_until, help="End of the history (now), ISO 8601.")
        parser.add_argument(
            "--if-empty", action="store_true", help="Do nothing when syncs exist already."
        )

    def handle(self, *args, **options) -> None:
        if options["syncs"] < 0 or options["days"] < 1:
            raise CommandError("--syncs must be 0 or more and --days at least 1.")
        if options["if_empty"] and Sync.objects.exists():
            self.stdout.write("Demo data: syncs exist already, nothing to do.")
            return
        until = options["until"] or timezone.now().replace(second=0, microsecond=0)
        with tqdm(total=options["syncs"], unit="sync", disable=None, file=self.stderr) as bar:
            created = seed_demo(
                syncs=options["syncs"],
                seed=options["seed"],
                until=until,
                days=options["days"],
                progress=bar.update,
            )
        self.stdout.write(self.style.SUCCESS(f"Demo data: {created} new syncs."))
