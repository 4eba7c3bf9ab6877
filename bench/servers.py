"""Starting, probing and stopping the servers under test, each pinned to the server CPU."""

import contextlib
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

from bench.environment import BIN, ROOT, SERVER_CPU, WORK

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def environment(database_url: str, secret: str) -> dict[str, str]:
    """What `octopods serve` reads; the floors read the same."""
    env = dict(os.environ)
    env.pop("OCTOPODS_TEST_CLOCK", None)  # the data is billed up to the real now
    env.update(
        DATABASE_URL=database_url,
        OCTOPODS_JWT_SECRET=secret,
        OCTOPODS_BILLING_INTERVAL_SECONDS="0",  # no billing run in the middle of a round
        OCTOPODS_LOG_LEVEL="WARNING",
        # One bench user sends hundreds a second: measure the work, not the refusals.
        OCTOPODS_RATE_LIMIT_BURST="0",
    )
    return env


class Server:
    """One server process on 127.0.0.1:port, started under `taskset -c SERVER_CPU`."""

    def __init__(self, name: str, command: list[str], env: dict[str, str], port: int):
        self.name = name
        self.command = command
        self.env = env
        self.port = port
        self.log = WORK / f"{name}.log"
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 60.0) -> None:
        with self.log.open("w") as log:
            self.process = subprocess.Popen(  # noqa: S603 - our own command line
                ["taskset", "-c", SERVER_CPU, *self.command],  # noqa: S607
                env=self.env,
                cwd=ROOT,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"bench: {self.name} exited at start; see {self.log}")
            try:
                with urllib.request.urlopen(self.url("/healthz"), timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"bench: {self.name} not ready after {timeout:.0f} s; see {self.log}")

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=15)

    def cpu_seconds(self) -> float:
        """User + system CPU of the process so far (its threads included)."""
        assert self.process is not None
        fields = Path(f"/proc/{self.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS

    def wait_until_idle(self) -> float:
        """See `wait_until_idle`: the requests a measurement left in flight."""
        return wait_until_idle(self.cpu_seconds)


def cpu_ns(pid: int) -> int:
    """CPU time a process has used so far, all its threads (Linux schedstat, ns): finer
    than /proc/PID/stat's clock ticks, fine enough for one request."""
    total = 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
            total += int((task / "schedstat").read_text().split()[0])
    return total


def wait_until_idle(
    cpu_seconds: Callable[[], float], quiet: float = 0.3, limit: float = 15.0
) -> float:
    """Wait until a process has used no CPU for `quiet` seconds (at most `limit`), and
    say how long that took. When wrk stops, the server still works through the requests
    it had in flight (32 dashboards: about a third of a second); measured next, a
    variant on the same CPU would pay for them, and by the same server's CPU counter
    too."""
    started = time.monotonic()
    last, still_since = cpu_seconds(), started
    while (now := time.monotonic()) - still_since < quiet and now - started < limit:
        time.sleep(0.05)
        used = cpu_seconds()
        if used != last:
            last, still_since = used, time.monotonic()
    return time.monotonic() - started


def real_server(
    env: dict[str, str], port: int, *, planned: bool = True, name: str = "graphql"
) -> Server:
    """`octopods serve`; with `planned=False` the stock setup (Strawberry's own
    execution, OCTOPODS_PLANNED_EXECUTION=0), to show what the planned one gains."""
    command = [str(BIN / "octopods"), "serve", "--port", str(port)]
    if planned:
        return Server(name, command, env, port)
    return Server("stock", command, {**env, "OCTOPODS_PLANNED_EXECUTION": "0"}, port)


def floor(kind: str, env: dict[str, str], port: int, recorded: Path | None = None) -> Server:
    command = [sys.executable, "-m", "bench.floors", "--kind", kind, "--port", str(port)]
    if recorded is not None:
        command += ["--recorded", str(recorded)]
    return Server(f"floor-{kind}", command, env, port)


def token(email: str, env: dict[str, str]) -> str:
    """A bearer token from the CLI, as a developer would get one."""
    done = subprocess.run(  # noqa: S603
        [str(BIN / "octopods"), "token", email],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return done.stdout.strip()


def post(url: str, body: bytes, bearer: str) -> tuple[int, bytes]:
    request = urllib.request.Request(  # noqa: S310 - always http://127.0.0.1
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "Authorization": f"Bearer {bearer}"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, answer.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
