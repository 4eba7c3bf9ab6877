"""Browser tests: the page in Chromium against `octopods serve` (see support.py).

They need Debian's Chromium and the built page (`make web`, which `make test` runs when
Node is there). Without them they are skipped, unless OCTOPODS_TEST_REQUIRE_BROWSER=1
(CI), which makes that a failure.
"""

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.browser.support import (
    AXE,
    CHROMIUM,
    CHROMIUM_ARGS,
    DIST,
    SCREENSHOTS,
    Server,
    copy_sqlite,
    octopods,
    run_async,
    seeded_sqlite,
)
from tests.conftest import POSTGRES_URL, REQUIRE_POSTGRES, _reachable, _reset_and_migrate

REQUIRE_BROWSER = os.environ.get("OCTOPODS_TEST_REQUIRE_BROWSER") == "1"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def _unavailable() -> str | None:
    if not CHROMIUM.exists():
        return f"no Chromium at {CHROMIUM}: apt-get install chromium"
    if not (DIST / "index.html").is_file():
        return "the page is not built: make web"
    if not AXE.is_file():
        return "web/node_modules is not installed: make web"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "Playwright is not installed: make install"
    return None


@pytest.fixture(scope="package")
def browser():
    reason = _unavailable()
    if reason:
        if REQUIRE_BROWSER:
            pytest.fail(reason)
        pytest.skip(reason)
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(scope="package")
def seeded(browser, tmp_path_factory) -> Path:
    """The demo data at the test clock, made once with `octopods migrate` and `seed`."""
    return seeded_sqlite(tmp_path_factory.mktemp("seeded"))


def _serve(database_url: str, folder: Path) -> Iterator[Server]:
    server = Server(database_url, folder / "server.log")
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def server(seeded, tmp_path) -> Iterator[Server]:
    """A server of its own on a fresh copy of the demo data: for tests that change it."""
    yield from _serve(copy_sqlite(seeded, tmp_path / "db"), tmp_path)


@pytest.fixture(params=["sqlite", "postgresql"])
def server_on_each_database(request, seeded, tmp_path) -> Iterator[Server]:
    """A server on SQLite, then on the suite's PostgreSQL database, freshly seeded."""
    if request.param == "sqlite":
        url = copy_sqlite(seeded, tmp_path / "db")
    else:
        url = POSTGRES_URL
        if not run_async(lambda: _reachable(url)):
            message = f"PostgreSQL unreachable at {url}"
            if REQUIRE_POSTGRES:
                pytest.fail(message)
            pytest.skip(message)
        run_async(lambda: _reset_and_migrate(url))  # the suite owns this database
        octopods("seed", database_url=url)
    yield from _serve(url, tmp_path)


@pytest.fixture(scope="package")
def shared_server(seeded, tmp_path_factory) -> Iterator[Server]:
    """One server for the tests that only read (previews write nothing)."""
    folder = tmp_path_factory.mktemp("shared")
    yield from _serve(copy_sqlite(seeded, folder / "db"), folder)


class Pages:
    """Browser contexts for a test (each its own storage), watched for two faults: an
    uncaught exception in the page, and any request that leaves 127.0.0.1."""

    def __init__(self, browser):
        self.browser = browser
        self.contexts = []
        self.page_errors: list[str] = []
        self.outside: list[str] = []

    def new(self, *, viewport: dict = DESKTOP):
        context = self.browser.new_context(viewport=viewport, reduced_motion="reduce")
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(str(error)))
        page.on(
            "request",
            lambda request: (
                None
                if request.url.startswith(("http://127.0.0.1:", "data:", "blob:"))
                else self.outside.append(request.url)
            ),
        )
        return page

    def close(self) -> None:
        for context in self.contexts:
            context.close()


@pytest.fixture
def pages(browser) -> Iterator[Pages]:
    opened = Pages(browser)
    yield opened
    opened.close()
    assert opened.page_errors == [], "uncaught errors in the page"
    assert opened.outside == [], "the page asked for something beyond 127.0.0.1"


@pytest.fixture
def new_page(pages) -> Callable:
    return pages.new
