"""The `octopods` command line, run as a user runs it."""

import os
import re
import subprocess
import sys
from pathlib import Path

import jwt

from tests.support.snapshot import snapshot

ROOT = Path(__file__).resolve().parents[2]
OCTOPODS = str(Path(sys.executable).with_name("octopods"))


def octopods(*args: str, database_url: str, clock: str | None = None, **env: str):
    environment = {**os.environ, "DATABASE_URL": database_url, **env}
    environment.pop("OCTOPODS_TEST_CLOCK", None)
    if clock:
        environment["OCTOPODS_TEST_CLOCK"] = clock
    return subprocess.run(
        [OCTOPODS, *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )


async def test_seed_then_bill_then_token(db, database_url):
    assert octopods("migrate", database_url=database_url).returncode == 0

    seeded = octopods("seed", database_url=database_url, clock="2026-11-15T12:00:00Z")
    assert seeded.returncode == 0, seeded.stderr
    assert "demo data inserted" in seeded.stdout
    before = await snapshot(db)
    again = octopods("seed", database_url=database_url, clock="2026-11-16T12:00:00Z")
    assert "already there" in again.stdout
    assert await snapshot(db) == before

    billed = octopods("bill", database_url=database_url, clock="2026-12-01T00:00:00Z")
    assert billed.returncode == 0, billed.stderr
    # Account ids (and so prefixes) depend on the database's sequences.
    assert re.search(r"^GLOB\d{3}-0001  2026-11-20 → 2026-12-20  \$58.00$", billed.stdout, re.M)
    assert re.search(r"^ACME\d{3}-0002  2026-12-01 → 2027-01-01  \$127.00$", billed.stdout, re.M)
    assert "2 invoice(s) issued" in billed.stdout
    assert (
        "0 invoice(s) issued"
        in octopods("bill", database_url=database_url, clock="2026-12-01T00:00:00Z").stdout
    )

    token = octopods(
        "token",
        "max@acme.test",
        "--hours",
        "2",
        database_url=database_url,
        OCTOPODS_JWT_SECRET="a-secret-for-this-test-of-32-bytes",
    )
    claims = jwt.decode(
        token.stdout.strip(), "a-secret-for-this-test-of-32-bytes", algorithms=["HS256"]
    )
    assert claims["exp"] - claims["iat"] == 7200
    unknown = octopods("token", "nobody@nowhere.test", database_url=database_url)
    assert unknown.returncode == 1
    assert "no user" in unknown.stderr


def test_the_committed_schema_is_the_exported_one(tmp_path):
    exported = octopods("export-schema", database_url=f"sqlite:///{tmp_path}/unused.db")
    assert exported.returncode == 0, exported.stderr
    assert exported.stdout == (ROOT / "schema" / "schema.graphql").read_text()


def test_production_refuses_to_start_without_a_jwt_secret(tmp_path):
    result = octopods(
        "serve",
        database_url=f"sqlite:///{tmp_path}/p.db",
        OCTOPODS_ENV="production",
        OCTOPODS_JWT_SECRET="",
    )
    assert result.returncode != 0
    assert "OCTOPODS_JWT_SECRET" in result.stderr


def test_production_refuses_a_test_clock(tmp_path):
    result = octopods(
        "serve",
        database_url=f"sqlite:///{tmp_path}/p.db",
        clock="2026-11-15T00:00:00Z",
        OCTOPODS_ENV="production",
        OCTOPODS_JWT_SECRET="s" * 40,
    )
    assert result.returncode != 0
    assert "OCTOPODS_TEST_CLOCK" in result.stderr


def test_several_workers_on_sqlite_are_refused(tmp_path):
    done = subprocess.run(
        [OCTOPODS, "serve", "--workers", "2"],
        env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )

    assert done.returncode == 2
    assert "--workers needs PostgreSQL" in done.stderr
