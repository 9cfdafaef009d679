import logging
import os
from concurrent.futures import ThreadPoolExecutor
from uuid import uuid4

from celery import Celery, Task
from django.db import connections

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "synchealth.settings")

logger = logging.getLogger(__name__)

# One thread, so background tasks take turns at a development database as a worker would.
_background = ThreadPoolExecutor(max_workers=1, thread_name_prefix="tasks")


class InProcessTask(Task):
    """Runs where the configuration says: through the broker, inside the caller when there is
    no broker, or, with TASKS_IN_BACKGROUND in development, on a background thread so that a
    page can show the task's progress while it runs."""

    def apply_async(self, args=None, kwargs=None, **options):
        from django.conf import settings

        if not (self.app.conf.task_always_eager and settings.TASKS_IN_BACKGROUND):
            return super().apply_async(args, kwargs, **options)
        task_id = str(uuid4())
        _background.submit(self._run_in_background, args or (), kwargs or {}, task_id)
        return self.AsyncResult(task_id)

    def _run_in_background(self, args, kwargs, task_id: str) -> None:
        try:
            self.apply(args, kwargs, task_id=task_id)
        except Exception:
            # Nobody waits on the thread's result: unlogged, the failure would vanish.
            logger.exception("Task %s[%s] failed on the background thread", self.name, task_id)
        finally:
            connections.close_all()


def wait_for_background_tasks() -> None:
    """Blocks until the background thread has run everything handed to it so far."""
    _background.submit(lambda: None).result()


app = Celery("synchealth", task_cls=InProcessTask)
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
