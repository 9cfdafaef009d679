"""Celery tasks for retries: thin, idempotent, safe to run twice (they are acknowledged late)."""

from celery import shared_task

from . import runner, services
from .models import Retry


@shared_task(acks_late=True)
def run_retry(retry_id: int) -> None:
    retry = Retry.objects.select_related("sync").filter(pk=retry_id).first()
    if retry is not None:
        runner.retry_run(retry=retry)


@shared_task(acks_late=True)
def sweep_retries() -> int:
    return services.retry_sweep()
