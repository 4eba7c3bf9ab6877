"""What a run needs from the machine: wrk, the two databases, paths, ports and CPUs."""

import asyncio
import os
import re
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from services.persistence.database import Database

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
WORK = RESULTS / "work"  # logs, wrk scripts, recorded responses of the latest run
OPERATIONS = ROOT / "operations"
BIN = Path(sys.executable).parent  # the venv's bin: `make bench` runs .venv/bin/python

# The server under test gets one core, wrk the other: on a 2-core machine that is all.
SERVER_CPU = "0"
WRK_CPU = "1"

POSTGRES_ADMIN = ["psql", "-h", "127.0.0.1", "-U", "postgres", "-v", "ON_ERROR_STOP=1"]


def database_name(checkout: Path) -> str:
    """The checkout's own database, so that two checkouts never drop each other's
    schema: octopods_bench_<folder>, lower case, within PostgreSQL's 63 bytes."""
    folder = re.sub(r"[^a-z0-9]+", "_", checkout.name.lower()).strip("_") or "checkout"
    return f"octopods_bench_{folder}"[:63]


POSTGRES_DATABASE = database_name(ROOT)
POSTGRES_URL = f"postgresql+asyncpg://postgres@127.0.0.1:5432/{POSTGRES_DATABASE}"
SQLITE_URL = f"sqlite+aiosqlite:///{WORK / 'octopods-bench.db'}"


@dataclass(frozen=True)
class Target:
    """One database the benchmark runs against."""

    name: str  # sqlite | postgresql
    title: str
    url: str


TARGETS = {
    "sqlite": Target("sqlite", "SQLite (aiosqlite, WAL)", SQLITE_URL),
    "postgresql": Target("postgresql", "PostgreSQL (asyncpg)", POSTGRES_URL),
}


def ensure_wrk() -> str:
    """wrk from Debian's packages, installed on first use (we run as root)."""
    found = shutil.which("wrk")
    if found is None:
        print("installing wrk from Debian's packages …", flush=True)
        subprocess.run(
            ["bash", "-c", "apt-get update -qq && apt-get install -y -qq wrk"],  # noqa: S607
            check=True,
            timeout=600,
        )
        found = shutil.which("wrk")
    if found is None:
        raise SystemExit("bench: wrk is still missing after apt-get install")
    return found


def check_cpus() -> None:
    if len(os.sched_getaffinity(0)) < 2:
        raise SystemExit("bench: needs 2 CPUs (server on CPU 0, wrk on CPU 1)")


def ensure_postgres_database() -> None:
    """Create the checkout's database if missing. Only that database is ever touched:
    the test suite owns `test` and may be running right now."""
    # The name is ours: [a-z0-9_] only (database_name).
    query = f"SELECT 1 FROM pg_database WHERE datname='{POSTGRES_DATABASE}'"  # noqa: S608
    exists = subprocess.run(  # noqa: S603
        [*POSTGRES_ADMIN, "-tAc", query, "test"],
        check=True,
        capture_output=True,
        text=True,
        timeout=30,
    )
    if exists.stdout.strip() != "1":
        subprocess.run(  # noqa: S603
            [*POSTGRES_ADMIN, "-c", f"CREATE DATABASE {POSTGRES_DATABASE}", "test"],
            check=True,
            timeout=60,
        )


async def drop_public_schema(url: str) -> None:
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.execute(sa.text("DROP SCHEMA IF EXISTS public CASCADE"))
            await connection.execute(sa.text("CREATE SCHEMA public"))
    finally:
        await db.dispose()


def reset(target: Target) -> None:
    """An empty database: PostgreSQL loses its public schema, SQLite its file."""
    WORK.mkdir(parents=True, exist_ok=True)
    if target.name == "postgresql":
        ensure_postgres_database()
        asyncio.run(drop_public_schema(target.url))
    else:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{WORK / 'octopods-bench.db'}{suffix}").unlink(missing_ok=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
