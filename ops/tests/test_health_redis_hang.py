"""/health/ready on a Redis that accepts connections and never answers (hung, kill -STOP,
an address a failover left behind): it still says Redis is not ready, without waiting the
2 s socket timeout of the heartbeat reads on every probe (`ops.health.PROBE_TIMEOUT`)."""

import contextlib
import socket
import time

import pytest
from django.test import Client

from ops import health


@contextlib.contextmanager
def silent_server():
    """A local port that accepts connections and never answers; closed afterwards."""
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(16)
        try:
            yield listener.getsockname()[1]
        finally:
            listener.shutdown(socket.SHUT_RDWR)


@pytest.mark.django_db
def test_it_says_a_hanging_redis_is_not_ready_without_its_socket_timeout(settings):
    client = Client(raise_request_exception=False)
    with silent_server() as port:
        settings.REDIS_URL = f"redis://127.0.0.1:{port}/0"
        started = time.monotonic()
        answers = [client.get("/health/ready", HTTP_ACCEPT_LANGUAGE="en") for _ in range(2)]
        waited = time.monotonic() - started

    for response in answers:
        assert response.status_code == 503
        checks = response.json()["checks"]
        assert checks["redis"] == {"ok": False, "detail": "not reachable (TimeoutError)"}
        assert checks["database"]["ok"] is True
        assert checks["worker"]["detail"] == "unknown while Redis is down"
    # A bound the old probe could not meet (2 s per probe, at least 4 s for two; these
    # take about 1 s), not a speed goal.
    assert waited < 3.5, f"two probes waited {waited:.1f} s on a hanging Redis"


def test_the_probes_own_ping_gives_up_within_half_a_second(settings):
    settings.REDIS_URL = "redis://127.0.0.1:6379/0"
    kwargs = health._redis(health.PROBE_TIMEOUT).connection_pool.connection_kwargs
    assert health.PROBE_TIMEOUT <= 0.5
    assert kwargs["socket_timeout"] == kwargs["socket_connect_timeout"] == health.PROBE_TIMEOUT
