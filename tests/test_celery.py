import pytest
from django.conf import settings

from synchealth.celery import app, wait_for_background_tasks


def test_it_reads_its_settings_from_the_celery_namespace():
    assert (app.conf.task_serializer, app.conf.accept_content) == ("json", ["json"])


def test_it_bounds_every_task_with_soft_and_hard_time_limits():
    assert 0 < app.conf.task_soft_time_limit < app.conf.task_time_limit


def test_it_acknowledges_tasks_only_after_they_ran():
    assert app.conf.task_acks_late and app.conf.task_reject_on_worker_lost


@pytest.mark.skipif(settings.CELERY_TASK_ALWAYS_EAGER, reason="no broker configured (REDIS_URL)")
def test_it_reaches_the_configured_broker():
    with app.connection_for_write() as connection:
        connection.ensure_connection(max_retries=2)
        assert connection.connected


@app.task(name="tests.test_celery.fail")
def fail():
    raise RuntimeError("the platform refused the write")


@pytest.mark.skipif(
    not settings.CELERY_TASK_ALWAYS_EAGER, reason="a broker is configured: tasks go to it"
)
def test_it_logs_a_task_that_fails_on_the_background_thread(settings, caplog):
    settings.TASKS_IN_BACKGROUND = True
    result = fail.delay()
    wait_for_background_tasks()
    assert any(
        record.levelname == "ERROR"
        and result.id in record.getMessage()
        and "the platform refused the write" in record.exc_text
        for record in caplog.records
    )
