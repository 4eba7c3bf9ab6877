"""A PostgreSQL server of the test's own, to stop, kill and fill without touching the
shared one: initdb into a temporary folder, a free port, pg_ctl to start and stop.

PostgreSQL refuses to run as root; as root (CI, this machine) it runs as the
`postgres` OS user, in a folder that user owns.
"""

import contextlib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest

BINARIES = Path(os.environ.get("OCTOPODS_TEST_PG_BIN", "/usr/lib/postgresql/15/bin"))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def available() -> bool:
    return (BINARIES / "initdb").exists() and (os.geteuid() != 0 or _os_user() is not None)


def _os_user() -> pwd.struct_passwd | None:
    with contextlib.suppress(KeyError):
        return pwd.getpwnam("postgres")
    return None


class OwnPostgres:
    def __init__(self, max_connections: int = 30):
        self.root = Path(tempfile.mkdtemp(prefix="octopods-pg-"))
        self.data = self.root / "data"
        self.port = _free_port()
        self.max_connections = max_connections
        self._as: list[str] = []
        if os.geteuid() == 0:
            user = _os_user()
            os.chown(self.root, user.pw_uid, user.pw_gid)
            self._as = ["runuser", "-u", "postgres", "--"]

    @property
    def url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str, check: bool = True) -> subprocess.CompletedProcess:
        return subprocess.run(
            [*self._as, *command], capture_output=True, text=True, check=check, timeout=60
        )

    def init(self) -> "OwnPostgres":
        self._run(
            str(BINARIES / "initdb"), "-D", str(self.data), "-U", "postgres",
            "--auth=trust", "--no-sync", "-E", "UTF8",
        )  # fmt: skip
        return self

    def start(self) -> None:
        # After a kill its backends take a moment to notice and let go of the memory.
        for _ in range(50):
            try:
                return self._start()
            except subprocess.CalledProcessError:
                time.sleep(0.1)
        self._start()

    def _start(self) -> None:
        # fsync off: a crash here is a killed process, not a power cut.
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1"
            f" -c max_connections={self.max_connections} -c fsync=off"
            " -c full_page_writes=off"
        )
        self._run(
            str(BINARIES / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session and shuts down cleanly; `immediate` is a crash."""
        self._run(str(BINARIES / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop")

    def kill(self) -> None:
        """`kill -9` the postmaster: the next start runs crash recovery."""
        pid = int((self.data / "postmaster.pid").read_text().split()[0])
        os.kill(pid, signal.SIGKILL)

    def running(self) -> bool:
        status = self._run(str(BINARIES / "pg_ctl"), "-D", str(self.data), "status", check=False)
        return status.returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        return self._run(
            str(BINARIES / "psql"), "-h", "127.0.0.1", "-p", str(self.port),
            "-U", "postgres", "-d", database, "-At", "-c", sql,
        ).stdout  # fmt: skip

    def remove(self) -> None:
        if self.running():
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)


@contextlib.contextmanager
def own_postgres(max_connections: int = 30):
    if not available():
        message = f"no PostgreSQL binaries in {BINARIES}"
        if os.environ.get("OCTOPODS_TEST_REQUIRE_POSTGRES") == "1":
            pytest.fail(message)
        pytest.skip(message)
    server = OwnPostgres(max_connections).init()
    try:
        server.start()
        yield server
    finally:
        server.remove()
