"""bench/by_id.py sends a row's request by documentId and by text in turn to a real
server and charges each its share of the server's CPU: the benchmark's reading of the
goal "by documentId at least as fast as by text" (issue 13)."""

import os
import subprocess

import pytest

from bench import by_id
from bench.environment import OPERATIONS
from bench.rows import Row
from services.auth import issue_token
from tests.support.api import SECRET
from tests.support.server import OCTOPODS, served

CLOCK = "2026-11-15T12:00:00Z"
ADA = 1  # the demo data's first user, admin of Acme Support
DASHBOARD = Row("dashboard", "ada", (OPERATIONS / "Dashboard.graphql").read_text(), {})


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("by-id")
    # One client sends hundreds a second: measure the work, not the rate limit.
    settings = {"OCTOPODS_TEST_CLOCK": CLOCK, "OCTOPODS_RATE_LIMIT_BURST": "0"}
    with served(folder, **settings) as running:
        environment = {
            **os.environ,
            **settings,
            "DATABASE_URL": f"sqlite:///{folder / 'octopods.db'}",
            "OCTOPODS_JWT_SECRET": SECRET,
        }
        subprocess.run([OCTOPODS, "seed"], env=environment, check=True, timeout=60)
        yield running


def test_each_request_is_charged_the_server_cpu_it_took(server):
    port = int(server.url.rsplit(":", 1)[1])
    before = server.cpu_seconds()

    found = by_id.measure(port, server.pid, DASHBOARD, issue_token(SECRET, ADA), 40)

    used = server.cpu_seconds() - before
    assert found.requests == 40
    # The 80 counted requests took most of what the server used: the warm-up took the rest.
    counted = (found.id_ms + found.text_ms) * 40 / 1000
    assert 0.6 * used < counted <= used
    assert found.id_ms > 0.5 and found.text_ms > 0.5  # a dashboard is not free
    assert found.low < found.ratio < found.high


def test_a_request_that_fails_stops_the_measurement(server):
    port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(SystemExit, match=r"a by-id pair's request failed: 200 .*UNAUTHENTICATED"):
        by_id.measure(port, server.pid, DASHBOARD, "not-a-token", 20)
