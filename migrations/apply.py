"""Bring a database schema up to date with Alembic, from code, one transaction per
migration on every database (a failed migration leaves the schema as it was before it);
and tell whether a database is ready for the other commands."""

import contextlib
import sqlite3
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from services.persistence.database import Database

SCRIPT_LOCATION = Path(__file__).resolve().parent
VERSION_TABLE = "alembic_version"
READ_VERSIONS = "SELECT version_num FROM alembic_version"


class NotReady(Exception):
    """The database is missing, out of reach, or not migrated: one line says which."""


class Unreachable(NotReady):
    """The database did not answer: it may be down for a moment."""


def alembic_config(script_location: Path = SCRIPT_LOCATION) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade(
    db: Database, revision: str = "head", script_location: Path = SCRIPT_LOCATION
) -> None:
    config = alembic_config(script_location)

    def run(connection) -> None:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    async with db.migrating() as connection:
        await connection.run_sync(run)


def described(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(parsed.database or ":memory:").resolve())
    return parsed.render_as_string(hide_password=True)


def missing_sqlite_file(url: str) -> Path | None:
    """The SQLite file the URL names, if it does not exist (connecting would create it)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    path = Path(parsed.database)
    return None if path.exists() else path


async def check_ready(db: Database) -> None:
    """NotReady unless the database exists and its schema is at our latest migration."""
    where = described(db.url)
    if missing_sqlite_file(db.url) is not None:
        raise NotReady(f"no database at {where}: run `octopods migrate` to create it")
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    try:
        if db.is_sqlite:
            current = _sqlite_migrations_applied(make_url(db.url).database)
        else:
            async with db.engine.connect() as connection:
                current = await connection.run_sync(_migrations_applied)
    except (OSError, ConnectionError) as error:
        raise Unreachable(f"cannot reach the database at {where}: {error}") from None
    except Exception as error:  # noqa: BLE001 - the driver's own refusals
        raise NotReady(f"cannot use the database at {where}: {_first_line(error)}") from None
    if not current:
        raise NotReady(f"the database at {where} has no tables: run `octopods migrate` first")
    if current != heads:
        raise NotReady(
            f"the database at {where} is at migration {', '.join(sorted(current))}, not "
            f"{', '.join(sorted(heads))}: run `octopods migrate`"
        )


def _sqlite_migrations_applied(path: str) -> set[str]:
    """Read-only, so that looking changes nothing (our connections set WAL mode)."""
    uri = f"{Path(path).resolve().as_uri()}?mode=ro"
    with contextlib.closing(sqlite3.connect(uri, uri=True)) as connection:
        tables = connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name = ?", (VERSION_TABLE,)
        ).fetchall()
        if not tables:
            return set()
        return {row[0] for row in connection.execute(READ_VERSIONS)}


def _migrations_applied(connection) -> set[str]:
    if not inspect(connection).has_table(VERSION_TABLE):
        return set()
    return set(connection.execute(text(READ_VERSIONS)).scalars())


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]
