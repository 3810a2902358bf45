import pytest

from opo_portal.celery import app


@pytest.fixture
def eager_tasks():
    """Run queued tasks in-process even when REDIS_URL points at a real broker.

    These tests check what our tasks do, not the broker; with REDIS_URL set there is no
    worker consuming this test database's tasks.
    """
    # The app reads Django settings with the CELERY_ namespace, so set the namespaced key.
    previous = app.conf.CELERY_TASK_ALWAYS_EAGER
    app.conf.CELERY_TASK_ALWAYS_EAGER = True
    yield
    app.conf.CELERY_TASK_ALWAYS_EAGER = previous
