"""The Billing & Subscriptions page and the bundled GraphiQL, as built by `make web`.

The page is a single-page app built into `web/dist/`. `/` and the page's own addresses
answer its index.html, so a reload or a shared link to a printable invoice works;
`/assets/*` are the built files, named by a hash of their content and so cached for
good. Without a build, `/` says how to make one, and the API works as ever.
"""

import html
import logging
from pathlib import Path

from starlette.middleware.gzip import GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from services.demo import USERS
from services.settings import Settings

logger = logging.getLogger("octopods.web")

DEFAULT_DIST = Path(__file__).resolve().parents[1] / "web" / "dist"

# The page's client-side addresses (web/src/routes.ts names the same ones).
PAGE_PATHS = ("/", "/invoices/{invoice_id:path}")

HOW_TO_BUILD = (
    "The page is not built: run `make web` (it needs Node 20 or newer and npm, "
    "from https://nodejs.org/ or your system's packages), then reload."
)

# The page needs nothing but its own origin. React sets styles through the DOM, which
# a policy does not restrict; GraphiQL's editor (Monaco) adds <style> elements and
# starts workers from its own files.
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
)
GRAPHIQL_POLICY = (
    "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; frame-ancestors 'none'"
)


def _html_headers(policy: str) -> dict[str, str]:
    return {
        "Cache-Control": "no-cache",
        "Content-Security-Policy": policy,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
    }


def _note(title: str, body: str) -> str:
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title)}</title></head>"
        '<body style="font-family: system-ui, sans-serif; max-width: 40rem; margin: 3rem auto;'
        ' padding: 0 1rem; line-height: 1.5">'
        f"<h1>{html.escape(title)}</h1>{body}</body></html>"
    )


class BuiltAssets(StaticFiles):
    """web/dist/assets: content-hashed names, so a file never changes under its name.
    The folder may appear after start-up (`make web` while serving): until then, 404."""

    async def check_config(self) -> None:
        return None

    def file_response(self, full_path, stat_result, scope: Scope, status_code: int = 200):
        response = super().file_response(full_path, stat_result, scope, status_code)
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        response.headers["X-Content-Type-Options"] = "nosniff"
        return response


# Tells the page to send documents by id (web/src/documents.ts, SPEC §12).
SENDS_DOCUMENT_IDS = '<meta name="octopods-trusted-documents" content="only">'


class WebPage:
    def __init__(self, dist: Path, *, only_trusted: bool = False):
        self.dist = dist
        self.only_trusted = only_trusted

    @property
    def built(self) -> bool:
        return (self.dist / "index.html").is_file()

    async def page(self, request: Request) -> Response:
        index = self.dist / "index.html"
        if index.is_file() and self.only_trusted:
            built = index.read_text(encoding="utf-8")
            marked = built.replace("<head>", f"<head>{SENDS_DOCUMENT_IDS}", 1)
            return HTMLResponse(marked, headers=_html_headers(PAGE_POLICY))
        if index.is_file():
            return FileResponse(index, headers=_html_headers(PAGE_POLICY))
        body = (
            f"<p>{html.escape(HOW_TO_BUILD)}</p>"
            '<p>The API is served meanwhile at <a href="/graphql">/graphql</a>.</p>'
        )
        return HTMLResponse(_note("Billing & Subscriptions", body))

    def graphiql(self) -> HTMLResponse:
        """GraphiQL bundled from npm (web/graphiql.html): it loads nothing from elsewhere."""
        built = self.dist / "graphiql.html"
        if built.is_file():
            return HTMLResponse(
                built.read_text(encoding="utf-8"), headers=_html_headers(GRAPHIQL_POLICY)
            )
        body = (
            f"<p>{html.escape(HOW_TO_BUILD.replace('The page is', 'GraphiQL is'))}</p>"
            "<p>Meanwhile, POST GraphQL requests to this address as JSON.</p>"
        )
        return HTMLResponse(_note("GraphiQL", body))

    def routes(self) -> list[BaseRoute]:
        return [
            Mount(
                "/assets",
                # Compressed here, for a page served without a proxy in front (make run).
                app=GZipMiddleware(BuiltAssets(directory=self.dist / "assets", check_dir=False)),
            ),
            *(Route(path, self.page, methods=["GET", "HEAD"]) for path in PAGE_PATHS),
        ]


def web_page(settings: Settings) -> WebPage:
    dist = Path(settings.web_dist) if settings.web_dist else DEFAULT_DIST
    return WebPage(dist, only_trusted=settings.only_trusted_documents)


def startup_lines(settings: Settings, page: WebPage, host: str, port: int) -> list[str]:
    """What the start-up log says: where to go, and who to be in development."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host  # noqa: S104
    base = f"http://{shown}:{port}"
    lines = [f"Billing & Subscriptions page: {base}/", f"GraphQL API: {base}/graphql"]
    if not page.built:
        lines[0] = f"Billing & Subscriptions page: not built. {HOW_TO_BUILD}"
    if settings.production:
        return lines
    lines.append(f"GraphiQL: {base}/graphql (in a browser)")
    users = ", ".join(f"{email} ({name})" for email, name in USERS.items())
    lines.append(f"Demo users (development only; sign in on the page): {users}")
    return lines
