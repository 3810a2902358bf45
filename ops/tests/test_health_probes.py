"""Health probes reach a node by its address, not by the portal's name (issue 16).

compose.yaml's healthcheck asks `http://127.0.0.1:8000/health/`; a load balancer asks each
node's address. With ALLOWED_HOSTS naming the portal only, Django's host check answered
every such probe with 400 (and a logged traceback): the web container never became
healthy and a load balancer took every node out.
"""

import subprocess
import sys

import pytest
import yaml
from django.test import Client

from ops.tests.test_containers import REPO

NODE = "10.0.0.7:8000"


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.ALLOWED_HOSTS = ["portal.example.nl"]
    settings.REDIS_URL = ""  # readiness without Redis: database only (tested in test_health)


@pytest.mark.parametrize("path", ["/health/", "/health/ready"])
def test_it_answers_a_probe_sent_to_the_nodes_address(production, db, path):
    response = Client(HTTP_HOST=NODE).get(path)
    assert response.status_code == 200
    assert response.json()["status"] == "ok"


def test_it_answers_a_probe_in_the_language_asked_for(production, db):
    body = Client(HTTP_HOST=NODE).get("/health/ready", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["checks"]["database"]["detail"] == "answers"
    body = Client(HTTP_HOST=NODE).get("/health/ready").json()
    assert body["checks"]["database"]["detail"] == "antwoordt"


@pytest.mark.parametrize(
    ("method", "path"),
    [("GET", "/accounts/login/"), ("GET", "/health/x"), ("POST", "/health/")],
)
def test_it_still_refuses_that_host_everywhere_else(production, db, method, path):
    response = Client(HTTP_HOST=NODE).generic(method, path)
    assert response.status_code == 400


@pytest.mark.django_db(transaction=True)
def test_the_compose_healthcheck_passes_against_the_portal(production, live_server):
    """The command compose.yaml runs in the web container, pointed at this test's server."""
    web = yaml.safe_load((REPO / "compose.yaml").read_text())["services"]["web"]
    kind, *command = web["healthcheck"]["test"]
    assert kind == "CMD" and command[0] == "python"
    port = live_server.url.rsplit(":", 1)[1]
    command = [sys.executable, *(part.replace(":8000/", f":{port}/") for part in command[1:])]
    result = subprocess.run(command, capture_output=True, text=True, timeout=30)  # noqa: S603
    assert result.returncode == 0, result.stderr[-500:]
