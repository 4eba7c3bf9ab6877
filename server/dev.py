"""Development sign-in: the page's demo-user buttons get their token here.

Mounted only outside production (see server/app.py), so in production these addresses
do not exist. It mints tokens for the seed's demo users and nobody else, through the
same services as `octopods token`.
"""

import json

from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from services.auth import issue_token
from services.demo import USERS
from services.queries import user_by_email

TOKEN_HOURS = 12.0
_NO_STORE = {"Cache-Control": "no-store"}


def _refused(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=_NO_STORE)


async def demo_users(request: Request) -> JSONResponse:
    """The demo users that are in the database, for one sign-in button each."""
    users = []
    for email in USERS:
        user = await user_by_email(request.app.state.db, email)
        if user is not None:
            users.append({"email": user.email, "name": user.name})
    return JSONResponse({"users": users}, headers=_NO_STORE)


def token_route(jwt_secret: str) -> Route:
    async def demo_token(request: Request) -> JSONResponse:
        # JSON only: a cross-site form cannot send it without the browser asking first.
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return _refused(415, 'Send JSON: {"email": "ada@acme.test"}.')
        try:
            body = json.loads(await request.body())
        except ValueError:
            return _refused(400, 'Send JSON: {"email": "ada@acme.test"}.')
        email = body.get("email") if isinstance(body, dict) else None
        if not isinstance(email, str) or email not in USERS:
            return _refused(404, f"Only the demo users can sign in here: {', '.join(USERS)}.")
        user = await user_by_email(request.app.state.db, email)
        if user is None:
            return _refused(404, f"{email} is not in the database: run `octopods seed`.")
        token = issue_token(jwt_secret, user.id, hours=TOKEN_HOURS)
        return JSONResponse({"token": token}, headers=_NO_STORE)

    return Route("/dev/token", demo_token, methods=["POST"])


def dev_routes(jwt_secret: str) -> list[Route]:
    return [Route("/dev/users", demo_users, methods=["GET"]), token_route(jwt_secret)]
