"""Pointing the Celery app at another broker for one block, as an outage or a recovery would."""

from collections.abc import Iterator
from contextlib import contextmanager

from synchealth.celery import app

# Nothing listens on port 1: connecting is refused at once, as with Redis down.
DOWN = "redis://127.0.0.1:1/0"


@contextmanager
def celery_broker(url: str, *, eager: bool = False) -> Iterator[None]:
    conf = app.conf
    saved = conf.broker_url, conf.task_always_eager
    conf.broker_url, conf.task_always_eager = url, eager
    # Pooled connections to the previous broker would otherwise be reused.
    app._after_fork()
    try:
        yield
    finally:
        conf.broker_url, conf.task_always_eager = saved
        app._after_fork()
