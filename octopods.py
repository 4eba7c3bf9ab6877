"""The `octopods` command: migrate, seed, serve, token, bill, export-schema, manifest."""

import argparse
import asyncio
import dataclasses
import json
import logging
import sys
from collections.abc import Callable

from services.settings import ConfigError, Settings


def _clock(settings: Settings):
    from services.clock import SystemClock, TestClock

    return TestClock(settings.test_clock) if settings.test_clock else SystemClock()


class Refused(Exception):
    """A command that cannot run: its one-line reason, and exit status 2."""


def _with_database(
    settings: Settings, work: Callable, *, ready: bool = True, may_be_down: bool = False
) -> object:
    """Run `work` on the database; unless `ready` is False (migrate), first make sure the
    database exists and is migrated, creating nothing (an SQLite URL names a file that
    connecting would create). With `may_be_down`, a database that does not answer is
    only warned about."""
    from migrations.apply import NotReady, Unreachable, check_ready
    from services.persistence.database import Database

    async def run() -> object:
        db = Database(settings.database_url, limits=settings.database_limits)
        try:
            if ready:
                await check_ready(db)
        except Unreachable as error:
            if not may_be_down:
                raise Refused(str(error)) from None
            logging.getLogger("octopods").warning("%s; starting anyway", error)
        except NotReady as error:
            raise Refused(str(error)) from None
        try:
            return await work(db)
        finally:
            await db.dispose()

    return asyncio.run(run())


def migrate(settings: Settings, args: argparse.Namespace) -> int:
    from migrations.apply import upgrade

    # A migration may rightly run longer than any request (an index on a big table).
    limits = dataclasses.replace(settings.database_limits, statement_timeout=0)
    _with_database(dataclasses.replace(settings, database_limits=limits), upgrade, ready=False)
    print("database schema is up to date")
    return 0


def seed(settings: Settings, args: argparse.Namespace) -> int:
    from services.demo import seed as seed_demo

    if settings.production:
        print(
            "octopods: seed inserts demo users whose emails anyone can read; "
            "it is refused when OCTOPODS_ENV=production",
            file=sys.stderr,
        )
        return 2
    now = _clock(settings).now()
    inserted = _with_database(settings, lambda db: seed_demo(db, now))
    print("demo data inserted" if inserted else "demo data already there; nothing changed")
    return 0


async def _nothing(_db) -> None:
    return None


def _stop_quietly(signal_number: int, _frame) -> None:
    """uvicorn shuts down gracefully on SIGTERM/SIGINT, then raises the signal again for
    the handler it found; finding this one, the process exits 0 instead of dying of it."""
    logging.getLogger("octopods").info("stopped by signal %d", signal_number)


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import signal

    import uvicorn

    from schema.manifest import ManifestError
    from server.app import create_app, schema_for
    from server.web import startup_lines, web_page
    from services.persistence.database import async_url

    if args.workers > 1 and async_url(settings.database_url).startswith("sqlite"):
        print(
            "octopods: --workers needs PostgreSQL: an SQLite file belongs to one process",
            file=sys.stderr,
        )
        return 2
    try:  # the trusted documents, made ready before anything listens
        schema_for(settings).trusted  # noqa: B018
    except ManifestError as error:
        raise Refused(f"the manifest of trusted documents: {error}") from None
    _with_database(settings, _nothing, may_be_down=True)  # /readyz tells when it is up
    # Several workers each build their app from the environment in their own process.
    app = "server.app:app_from_environment" if args.workers > 1 else create_app(settings)
    log = logging.getLogger("octopods.serve")
    for line in startup_lines(settings, web_page(settings), args.host, args.port):
        log.log(logging.WARNING if "not built" in line else logging.INFO, line)
    for stop in (signal.SIGTERM, signal.SIGINT):
        signal.signal(stop, _stop_quietly)
    uvicorn.run(
        app,
        factory=args.workers > 1,
        workers=args.workers,
        host=args.host,
        port=args.port,
        loop="asyncio",  # measured: uvloop gave the same throughput with a far worse p99
        log_config=None,
        access_log=False,
        timeout_graceful_shutdown=settings.graceful_shutdown_seconds,
    )
    return 0


def token(settings: Settings, args: argparse.Namespace) -> int:
    from services.auth import issue_token
    from services.queries import user_by_email

    user = _with_database(settings, lambda db: user_by_email(db, args.email))
    if user is None:
        print(f"no user with the email {args.email!r}", file=sys.stderr)
        return 1
    print(issue_token(settings.jwt_secret, user.id, hours=args.hours))
    return 0


def bill(settings: Settings, args: argparse.Namespace) -> int:
    from services.billing.run import run_billing

    now = _clock(settings).now()
    issued = _with_database(settings, lambda db: run_billing(db, now))
    for invoice in issued:
        print(
            f"{invoice.number}  {invoice.period_start:%Y-%m-%d} → {invoice.period_end:%Y-%m-%d}"
            f"  ${invoice.total:,.2f}"
        )
    print(f"{len(issued)} invoice(s) issued at {now.isoformat()}")
    return 0


def export_schema(settings: Settings, args: argparse.Namespace) -> int:
    from schema import export_sdl

    sys.stdout.write(export_sdl())
    return 0


def manifest(settings: Settings, args: argparse.Namespace) -> int:
    """Write (or with --check, compare) operations/manifest.json: the files of
    operations/ and the page's documents, which codegen writes first (make manifest)."""
    from schema import manifest as trusted

    page = trusted.page_documents()
    if page is None:
        raise Refused(
            f"{trusted.PAGE_DOCUMENTS} is missing: run `make manifest`, which runs the "
            "page's codegen (Node 20 and npm) before this"
        )
    documents = trusted.encode(trusted.expected(page))
    path = trusted.MANIFEST
    if args.check:
        if not path.is_file() or path.read_text(encoding="utf-8") != documents:
            raise Refused(f"{path} is not up to date: {trusted.REGENERATE}")
        print(f"{path} is up to date")
        return 0
    path.write_text(documents, encoding="utf-8")
    print(f"{path}: {len(json.loads(documents))} trusted documents")
    return 0


def parser() -> argparse.ArgumentParser:
    root = argparse.ArgumentParser(prog="octopods", description=__doc__)
    commands = root.add_subparsers(dest="command", required=True)
    commands.add_parser("migrate", help="bring the database schema up to date").set_defaults(
        run=migrate
    )
    commands.add_parser("seed", help="insert the demo data (once)").set_defaults(run=seed)
    served = commands.add_parser("serve", help="run the server")
    served.add_argument("--host", default="127.0.0.1")
    served.add_argument("--port", type=int, default=8000)
    served.add_argument(
        "--workers", type=int, default=1, help="processes serving one port (PostgreSQL only)"
    )
    served.set_defaults(run=serve)
    tokens = commands.add_parser("token", help="print a bearer token for a user")
    tokens.add_argument("email")
    tokens.add_argument("--hours", type=float, default=24.0)
    tokens.set_defaults(run=token)
    commands.add_parser("bill", help="run billing once for everything due now").set_defaults(
        run=bill
    )
    commands.add_parser("export-schema", help="print the schema SDL").set_defaults(
        run=export_schema
    )
    manifested = commands.add_parser("manifest", help="write operations/manifest.json")
    manifested.add_argument("--check", action="store_true", help="only say if it is up to date")
    manifested.set_defaults(run=manifest)
    return root


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        settings = Settings.from_env()
    except ConfigError as error:
        print(f"octopods: configuration error: {error}", file=sys.stderr)
        return 2
    from server.logs import configure_logging

    configure_logging(settings.log_level, settings.instance)
    try:
        return args.run(settings, args)
    except Refused as error:
        print(f"octopods: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
