"""Driving wrk: a Lua script per row and variant, one bounded run, its output parsed.

Every response is checked inside wrk (Lua `response`): a status other than 200, a
GraphQL or payload error, and updateQuantity's QUANTITY_UNCHANGED refusals are counted,
so a fast variant that answers errors is seen. While wrk runs, the CPU time of the
server, of wrk, of the database's backends and of everything else on the machine is
read from /proc, to tell a quiet measurement from a noisy one.
"""

import os
import re
import resource
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from bench.environment import POSTGRES_DATABASE, WORK, WRK_CPU
from bench.rows import Row, update_variables
from bench.servers import CLOCK_TICKS, Server


@dataclass(frozen=True)
class Load:
    duration: float
    connections: int
    threads: int


@dataclass(frozen=True)
class Measurement:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    failed: int  # not 200, or a socket error / timeout
    refused: int  # 200 with GraphQL errors or payload errors (other than below)
    unchanged: int  # updateQuantity's QUANTITY_UNCHANGED: a random pick of the same quantity
    server_cpu: float  # cores the server used on average (1.0 = all of its CPU)
    database_cpu: float  # cores PostgreSQL's backends for the bench database used
    other_cpu: float  # cores used by neither: other work on the machine, i.e. noise


COUNTING = r"""
local threads = {}
function setup(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end
failed, refused, unchanged = 0, 0, 0
function response(status, headers, body)
  if status ~= 200 then
    failed = failed + 1
  elseif string.find(body, '"QUANTITY_UNCHANGED"', 1, true) then
    unchanged = unchanged + 1
  elseif string.find(body, '"errors":[{', 1, true) then
    refused = refused + 1
  end
end
function done(summary, latency, requests)
  local f, r, u = 0, 0, 0
  for _, thread in ipairs(threads) do
    f = f + thread:get("failed")
    r = r + thread:get("refused")
    u = u + thread:get("unchanged")
  end
  io.write(string.format("BENCH failed=%d refused=%d unchanged=%d\n", f, r, u))
end
"""


def _long_string(text: str) -> str:
    assert "]==]" not in text
    return f"[==[{text}]==]"


def write_script(row: Row, bearer: str, name: str, *, by_id: bool = False) -> Path:
    """The Lua script for `row`: a fixed body, or for writes a body made per request;
    the document as text, or `by_id`."""
    lines = [
        'wrk.method = "POST"',
        'wrk.headers["Content-Type"] = "application/json"',
        f'wrk.headers["Authorization"] = {_long_string("Bearer " + bearer)}',
    ]
    if not row.writes:
        lines.append(f"wrk.body = {_long_string(row.body(by_id=by_id).decode())}")
    else:
        # Each request: a random subscription of the list, a random quantity in 1..50,
        # and an idempotency key never used before (run nonce, thread, counter).
        nonce = time.time_ns()
        template = row.body(update_variables("@SUB@", 987654321, "@KEY@"), by_id=by_id).decode()
        template = (
            template.replace("%", "%%")
            .replace("@SUB@", "%s")
            .replace("987654321", "%d")
            .replace("@KEY@", f"{nonce}-%d-%d")
        )
        ids = ", ".join(f'"{subscription}"' for subscription in row.subscriptions)
        lines += [
            f"local template = {_long_string(template)}",
            f"local subscriptions = {{{ids}}}",
            "local counter = 0",
            "function init(args) math.randomseed(id * 7919 + os.time()) end",
            "function request()",
            "  counter = counter + 1",
            "  local pick = subscriptions[math.random(#subscriptions)]",
            "  local body = string.format(template, pick, math.random(1, 50), id, counter)",
            "  return wrk.format(nil, nil, nil, body)",
            "end",
        ]
    path = WORK / f"{name}.lua"
    path.write_text("\n".join(lines) + "\n" + COUNTING)
    return path


def _milliseconds(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}[unit]


def parse(output: str) -> dict:
    """The numbers of wrk's report (run with --latency) and of our done()."""

    def number(pattern: str) -> str:
        found = re.search(pattern, output, re.MULTILINE)
        if found is None:
            raise ValueError(f"wrk output without {pattern!r}:\n{output}")
        return found.group(1)

    percentile = r"^\s+{}%\s+([\d.]+)(us|ms|s|m)\s*$"
    p50 = re.search(percentile.format(50), output, re.MULTILINE)
    p99 = re.search(percentile.format(99), output, re.MULTILINE)
    if p50 is None or p99 is None:
        raise ValueError(f"wrk output without a latency distribution:\n{output}")
    socket = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    return {
        "requests_per_second": float(number(r"^Requests/sec:\s+([\d.]+)")),
        "p50_ms": _milliseconds(*p50.groups()),
        "p99_ms": _milliseconds(*p99.groups()),
        "requests": int(number(r"^\s+(\d+) requests in")),
        "failed": int(number(r"BENCH failed=(\d+)"))
        + (sum(int(n) for n in socket.groups()) if socket else 0),
        "refused": int(number(r"BENCH .*refused=(\d+)")),
        "unchanged": int(number(r"BENCH .*unchanged=(\d+)")),
    }


def _busy_seconds() -> float:
    """CPU time spent by the whole machine so far, all cores (from /proc/stat)."""
    fields = [int(value) for value in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def _database_processes() -> dict[int, float]:
    """CPU time of each PostgreSQL backend serving the bench database (its command line
    says so), by process id."""
    found, name = {}, f" {POSTGRES_DATABASE} ".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if name not in (entry / "cmdline").read_bytes():
                continue
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone meanwhile
            continue
        found[int(entry.name)] = (int(fields[11]) + int(fields[12])) / CLOCK_TICKS
    return found


def _database_seconds(before: dict[int, float], after: dict[int, float]) -> float:
    """What the backends used in between: one that ended meanwhile counts for nothing,
    one that started counts whole."""
    return sum(seconds - before.get(pid, 0.0) for pid, seconds in after.items())


def _children_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _command(wrk: str, server: Server, path: str, script: Path, load: Load) -> list[str]:
    command = ["taskset", "-c", WRK_CPU, wrk, f"-t{load.threads}", f"-c{load.connections}"]
    command += [f"-d{load.duration:g}s", "--timeout", "10s", "--latency", "-s", str(script)]
    return [*command, server.url(path)]


Target = tuple[Server, str, Path]  # a server, the path to ask, the wrk script


def run(wrk: str, server: Server, path: str, script: Path, load: Load) -> Measurement:
    """One wrk run on the wrk CPU against `server`; bounded by wrk's own -d and a
    timeout on top."""
    return run_together(wrk, [(server, path, script)], load)[0]


def run_together(wrk: str, targets: list[Target], load: Load) -> list[Measurement]:
    """One wrk per target, all started at once and run for the same seconds, so the
    servers share the server CPU over the same window: whatever the machine does to
    its speed meanwhile, it does to all of them (the paired measurements)."""
    servers = [server for server, _, _ in targets]
    before = (time.monotonic(), _busy_seconds(), _database_processes())
    cpu_before = [server.cpu_seconds() for server in servers]
    wrk_before = _children_seconds()
    running = [
        subprocess.Popen(  # noqa: S603
            _command(wrk, server, path, script, load),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "LC_ALL": "C"},
        )
        for server, path, script in targets
    ]
    outputs = [process.communicate(timeout=load.duration + 60) for process in running]
    elapsed = time.monotonic() - before[0]
    busy = _busy_seconds() - before[1]
    server_cpu = [
        server.cpu_seconds() - was for server, was in zip(servers, cpu_before, strict=True)
    ]
    database_cpu = _database_seconds(before[2], _database_processes())
    wrk_cpu = _children_seconds() - wrk_before
    for process, (stdout, stderr) in zip(running, outputs, strict=True):
        if process.returncode != 0:
            raise SystemExit(f"bench: wrk failed ({process.returncode}):\n{stdout}\n{stderr}")
    for server in servers:
        server.wait_until_idle()  # before the next measurement on this CPU starts
    other = max(busy - sum(server_cpu) - database_cpu - wrk_cpu, 0.0)
    return [
        Measurement(
            **parse(stdout),
            server_cpu=used / elapsed,
            database_cpu=database_cpu / elapsed,  # the database's, shared by all
            other_cpu=other / elapsed,
        )
        for (stdout, _), used in zip(outputs, server_cpu, strict=True)
    ]
