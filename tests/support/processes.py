"""`octopods serve` in subprocesses: real instances, as production runs them."""

import asyncio
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx

from tests.support.api import SECRET

OCTOPODS = str(Path(sys.executable).with_name("octopods"))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ServerProcess:
    """One instance on a free port, logging to `log`."""

    def __init__(
        self,
        database_url: str,
        log: Path,
        *,
        clock: str | None,
        arguments: tuple[str, ...] = (),
        **env: str,
    ):
        self.arguments = arguments
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}/graphql"
        self.log = log
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "OCTOPODS_JWT_SECRET": SECRET,
            "OCTOPODS_ENV": "development",
            "OCTOPODS_LOG_LEVEL": "INFO",
            **env,
        }
        self.env.pop("OCTOPODS_TEST_CLOCK", None)
        if clock is not None:
            self.env["OCTOPODS_TEST_CLOCK"] = clock
        self.process: subprocess.Popen | None = None

    async def start(self) -> "ServerProcess":
        with self.log.open("a") as out:
            self.process = subprocess.Popen(  # noqa: ASYNC220 - started, not waited for
                [OCTOPODS, "serve", "--port", str(self.port), *self.arguments],
                env=self.env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        async with httpx.AsyncClient() as client:
            for _ in range(300):
                if self.process.poll() is not None:
                    raise RuntimeError(f"the server stopped:\n{self.log.read_text()}")
                try:
                    if (await client.get(f"{self.url}/readyz", timeout=1)).status_code == 200:
                        return self
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    @property
    def workers(self) -> list[int]:
        """The ids of its worker processes (none when it serves in one process)."""
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        pids = children.read_text().split() if children.exists() else []
        return [
            int(pid)
            for pid in pids
            if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()  # not the tracker
        ]

    async def stop(self) -> int | None:
        if self.process is None or self.process.poll() is not None:
            return self.process.returncode if self.process else None
        self.process.send_signal(signal.SIGTERM)
        for _ in range(150):
            if self.process.poll() is not None:
                return self.process.returncode
            await asyncio.sleep(0.1)
        self.process.kill()
        return self.process.wait()
