from django.core.management.base import BaseCommand

from retries.services import retry_sweep


class Command(BaseCommand):
    help = (
        "Enqueue the retries no worker is on: queued while the task queue was down, or left "
        "by a worker that died. Celery beat runs the same sweep every RETRY_SWEEP_SECONDS."
    )

    def handle(self, *args, **options) -> None:
        enqueued = retry_sweep()
        self.stdout.write(f"Enqueued {enqueued} retr{'y' if enqueued == 1 else 'ies'}.")
