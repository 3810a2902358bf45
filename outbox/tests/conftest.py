import pytest


@pytest.fixture
def broker_is_own_redis(services_up, own_redis, settings):
    """Celery publishes to the test's own Redis (the cache's too), as with one REDIS_URL."""
    from opo_portal.celery import app

    before = app.conf.broker_url
    settings.CELERY_BROKER_URL = own_redis.url

    def point(url):
        app.conf.broker_url = url
        app._pool = None  # the producer pool keeps its connections to the old URL
        app.amqp._producer_pool = None

    point(own_redis.url)
    yield own_redis
    point(before)
