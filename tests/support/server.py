"""The real server in its own process (`octopods serve`), for what only a real server
shows: timing on its own event loop, connections kept alive, outside HTTP tools."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

from bench.servers import cpu_ns
from tests.support.api import SECRET

OCTOPODS = str(Path(sys.executable).with_name("octopods"))


@dataclass
class Served:
    url: str
    log: Path
    pid: int

    def log_lines(self) -> list[str]:
        return self.log.read_text().splitlines()

    def cpu_seconds(self) -> float:
        """CPU time the server has used so far, all its threads (Linux schedstat, ns):
        its own work, whatever else the machine is doing."""
        return cpu_ns(self.pid) / 1e9


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(folder: Path, **env: str) -> Iterator[Served]:
    """A migrated SQLite database in `folder` and a server on it, until the block ends."""
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{folder / 'octopods.db'}",
        "OCTOPODS_JWT_SECRET": SECRET,
        "OCTOPODS_BILLING_INTERVAL_SECONDS": "0",
        **env,
    }
    for name in ("OCTOPODS_TEST_CLOCK", "OCTOPODS_ENV"):
        if name not in env:
            environment.pop(name, None)
    subprocess.run(
        [OCTOPODS, "migrate"], env=environment, check=True, capture_output=True, timeout=60
    )
    port = _free_port()
    log = folder / "server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [OCTOPODS, "serve", "--port", str(port)],
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process)
        yield Served(url, log, process.pid)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _wait_until_up(url: str, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not start within 20 s")
