"""A real server and a real browser: `octopods serve` on a free port, Debian's Chromium.

Playwright's own browser download is out of reach here, so Playwright drives the
system Chromium (/usr/bin/chromium, or OCTOPODS_TEST_CHROMIUM). Every page runs with
every host but 127.0.0.1 unresolvable, so nothing the page needs may come from a CDN.
"""

import asyncio
import concurrent.futures
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx

from tests.support.api import SECRET

ROOT = Path(__file__).resolve().parents[2]
DIST = ROOT / "web" / "dist"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
OPERATIONS = ROOT / "operations"
CHROMIUM = Path(os.environ.get("OCTOPODS_TEST_CHROMIUM", "/usr/bin/chromium"))
# Git-ignored; the README names it. docs/screenshots/ holds the one the README shows.
SCREENSHOTS = ROOT / "build" / "screenshots"
OCTOPODS = str(Path(sys.executable).with_name("octopods"))
CLOCK = "2026-11-15T12:00:00Z"
T = TypeVar("T")

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]


def run_async(work: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine to completion from a test that drives Playwright's sync API
    (whose own loop counts as running in this thread): in a thread of its own."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, work()).result()


def octopods(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DATABASE_URL": database_url, "OCTOPODS_TEST_CLOCK": CLOCK}
    result = subprocess.run(
        [OCTOPODS, *args], capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return result


def seeded_sqlite(folder: Path) -> Path:
    """A SQLite database with the demo data, made as a person makes it."""
    path = folder / "octopods.db"
    url = f"sqlite+aiosqlite:///{path}"
    octopods("migrate", database_url=url)
    octopods("seed", database_url=url)
    return path


def copy_sqlite(template: Path, folder: Path) -> str:
    """A fresh database: a copy of the seeded one (the seed is the same at a fixed clock)."""
    folder.mkdir(parents=True, exist_ok=True)
    for file in template.parent.glob(template.name + "*"):
        shutil.copy(file, folder / file.name)
    return f"sqlite+aiosqlite:///{folder / template.name}"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """`octopods serve` in a subprocess on a free port, on the test clock."""

    def __init__(self, database_url: str, log: Path, **env: str):
        self.database_url = database_url
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "OCTOPODS_TEST_CLOCK": CLOCK,
            "OCTOPODS_JWT_SECRET": SECRET,
            "OCTOPODS_ENV": "development",
            "OCTOPODS_LOG_LEVEL": "WARNING",
            **env,
        }
        env.pop("OCTOPODS_WEB_DIST", None)
        self.log = log
        self._log_file = log.open("w")
        self.process = subprocess.Popen(
            [OCTOPODS, "serve", "--port", str(self.port)],
            env=env,
            stdout=self._log_file,
            stderr=subprocess.STDOUT,
        )
        self._wait_until_ready()
        self._tokens: dict[str, str] = {}

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the server stopped:\n{self.log.read_text()}")
            try:
                if httpx.get(f"{self.url}/readyz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"the server did not start:\n{self.log.read_text()}")

    def token(self, email: str) -> str:
        if email not in self._tokens:
            answer = httpx.post(f"{self.url}/dev/token", json={"email": email}, timeout=10)
            answer.raise_for_status()
            self._tokens[email] = answer.json()["token"]
        return self._tokens[email]

    def gql(self, query: str, variables: dict | None = None, *, as_user: str) -> dict:
        """The data of a request that must succeed, sent as another client would."""
        answer = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"Authorization": f"Bearer {self.token(as_user)}"},
            timeout=10,
        )
        body = answer.json()
        assert answer.status_code == 200 and "errors" not in body, json.dumps(body)
        return body["data"]

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._log_file.close()


def promote(database_url: str, email: str, account_name: str) -> None:
    """Make a member an admin of an account, as an admin tool would."""
    from services.permissions import Role
    from services.persistence.database import Database
    from tests.support.factories import set_role

    async def work() -> None:
        db = Database(database_url)
        try:
            await set_role(db, email, account_name, Role.ADMIN)
        finally:
            await db.dispose()

    run_async(work)


def stored(database_url: str) -> dict[str, list[tuple]]:
    """What the database holds of the demo data's billing, read straight from it."""
    from sqlmodel import select

    from services.persistence.database import Database
    from services.persistence.tables import (
        Account,
        Channel,
        IdempotencyKey,
        InvoiceLine,
        Subscription,
        SubscriptionChange,
        User,
    )

    async def read() -> dict[str, list[tuple]]:
        db = Database(database_url)
        try:
            async with db.session() as session:

                async def rows(statement) -> list[tuple]:
                    return [tuple(row) for row in (await session.exec(statement)).all()]

                return {
                    "subscriptions": await rows(
                        select(
                            Account.name,
                            Subscription.plan_code,
                            Subscription.quantity,
                            Subscription.status,
                            Subscription.trial_ends_at,
                        )
                        .join(Account, Account.id == Subscription.account_id)
                        .order_by(Subscription.id)
                    ),
                    "channels": await rows(
                        select(Subscription.plan_code, Channel.name)
                        .join(Subscription, Subscription.id == Channel.subscription_id)
                        .order_by(Channel.id)
                    ),
                    "connected_units": await rows(
                        select(Subscription.plan_code, Subscription.connected_units).order_by(
                            Subscription.id
                        )
                    ),
                    "changes": await rows(
                        select(
                            User.email,
                            SubscriptionChange.action,
                            SubscriptionChange.old_quantity,
                            SubscriptionChange.new_quantity,
                            SubscriptionChange.proration_amount,
                        )
                        .join(User, User.id == SubscriptionChange.user_id)
                        .order_by(SubscriptionChange.id)
                    ),
                    "pending_lines": await rows(
                        select(InvoiceLine.kind, InvoiceLine.description, InvoiceLine.amount)
                        .where(InvoiceLine.invoice_id.is_(None))
                        .order_by(InvoiceLine.id)
                    ),
                    "idempotency_keys": await rows(
                        select(IdempotencyKey.operation, IdempotencyKey.key)
                    ),
                }
        finally:
            await db.dispose()

    return run_async(read)
