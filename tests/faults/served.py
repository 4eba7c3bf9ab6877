"""A real `octopods serve` process, as an operator runs it."""

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.api import SECRET
from tests.support.people import ADA

OCTOPODS = str(Path(sys.executable).with_name("octopods"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Served:
    def __init__(self, database_url: str, **env: str):
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "OCTOPODS_JWT_SECRET": SECRET,
            "OCTOPODS_TEST_CLOCK": "2026-11-15T12:00:00Z",
            "OCTOPODS_LOG_LEVEL": "WARNING",
            **env,
        }
        self.port = _free_port()
        self.process: subprocess.Popen | None = None

    def command(self, *args: str) -> str:
        done = subprocess.run(
            [OCTOPODS, *args], env=self.env, capture_output=True, text=True, timeout=60, check=True
        )
        return done.stdout.strip()

    def run_in_background(self, *args: str) -> subprocess.Popen:
        return subprocess.Popen(
            [OCTOPODS, *args], env=self.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )

    def prepare(self) -> str:
        """Migrate and seed; a token of ada@acme.test."""
        self.command("migrate")
        self.command("seed")
        return self.command("token", ADA)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [OCTOPODS, "serve", "--port", str(self.port)],
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        for _ in range(200):
            try:
                if httpx.get(f"{self.url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise AssertionError("the server did not start")

    def signal(self, number: int = signal.SIGTERM) -> None:
        self.process.send_signal(number)

    def wait(self, within: float = 30) -> int:
        return self.process.wait(timeout=within)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
