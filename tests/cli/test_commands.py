"""The `octopods` command line, run as a user runs it."""

import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import jwt
import pytest
from sqlalchemy.engine import make_url

from tests.support.people import ADA, MAX
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
    assert re.search(r"^GLOB\d{3,}-0001  2026-11-20 → 2026-12-20  \$58.00$", billed.stdout, re.M)
    assert re.search(r"^ACME\d{3,}-0002  2026-12-01 → 2027-01-01  \$127.00$", billed.stdout, re.M)
    assert "2 invoice(s) issued" in billed.stdout
    assert (
        "0 invoice(s) issued"
        in octopods("bill", database_url=database_url, clock="2026-12-01T00:00:00Z").stdout
    )

    token = octopods(
        "token",
        MAX,
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


def elsewhere(folder: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`octopods` run in another folder, on the default database (./octopods.db)."""
    environment = {**os.environ, **env}
    for name in ("DATABASE_URL", "OCTOPODS_TEST_CLOCK", "OCTOPODS_ENV"):
        if name not in env:
            environment.pop(name, None)
    return subprocess.run(
        [OCTOPODS, *args],
        capture_output=True,
        text=True,
        env=environment,
        cwd=folder,
        timeout=60,
        check=False,
    )


COMMANDS_ON_THE_DATABASE = [
    ("token", ADA),
    ("seed",),
    ("bill",),
    ("serve", "--port", "1"),
]


@pytest.mark.parametrize("command", COMMANDS_ON_THE_DATABASE)
def test_a_command_on_a_missing_database_says_so_in_one_line_and_creates_nothing(tmp_path, command):
    result = elsewhere(tmp_path, *command)

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert str(tmp_path / "octopods.db") in line
    assert "octopods migrate" in line
    assert result.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [("token", ADA), ("serve", "--port", "1")])
def test_a_command_on_an_unmigrated_database_says_so_in_one_line(tmp_path, command):
    (tmp_path / "octopods.db").touch()

    result = elsewhere(tmp_path, *command)

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "no tables" in line
    assert "octopods migrate" in line
    assert sorted(path.name for path in tmp_path.iterdir()) == ["octopods.db"]


def test_a_command_on_a_database_behind_our_migrations_says_so(tmp_path):
    assert elsewhere(tmp_path, "migrate").returncode == 0
    with sqlite3.connect(tmp_path / "octopods.db") as connection:
        connection.execute("UPDATE alembic_version SET version_num = '0001'")

    result = elsewhere(tmp_path, "token", ADA)

    assert result.returncode == 2
    assert "octopods migrate" in result.stderr
    assert len(result.stderr.splitlines()) == 1


def test_migrate_creates_the_missing_database(tmp_path):
    result = elsewhere(tmp_path, "migrate")

    assert result.returncode == 0, result.stderr
    assert (tmp_path / "octopods.db").exists()
    assert elsewhere(tmp_path, "token", ADA).returncode == 1  # no such user yet


@pytest.mark.parametrize(
    ("command", "secret"),
    [
        (("serve", "--port", "1"), "s" * 31),
        (("token", ADA), ""),
        (("token", ADA), "   "),
        (("token", ADA), "octopods-development-secret-not-for-production"),
    ],
)
def test_production_exits_2_naming_the_secret_when_it_is_weak(tmp_path, command, secret):
    result = elsewhere(tmp_path, *command, OCTOPODS_ENV="production", OCTOPODS_JWT_SECRET=secret)

    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert "OCTOPODS_JWT_SECRET" in line


def test_production_refuses_to_seed_demo_users(tmp_path):
    assert elsewhere(tmp_path, "migrate").returncode == 0

    result = elsewhere(tmp_path, "seed", OCTOPODS_ENV="production", OCTOPODS_JWT_SECRET="s" * 40)

    assert result.returncode == 2
    assert "OCTOPODS_ENV=production" in result.stderr
    with sqlite3.connect(tmp_path / "octopods.db") as connection:
        assert connection.execute("SELECT count(*) FROM users").fetchone() == (0,)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_postgresql_psycopg_url_works(db, database_url):
    psycopg_url = make_url(database_url).set(drivername="postgresql+psycopg")
    url = psycopg_url.render_as_string(hide_password=False)

    assert octopods("migrate", database_url=url).returncode == 0
    seeded = octopods("seed", database_url=url, clock="2026-11-15T12:00:00Z")
    assert seeded.returncode == 0, seeded.stderr
    token = octopods("token", ADA, database_url=url)
    assert token.returncode == 0, token.stderr
    assert token.stdout.count(".") == 2
