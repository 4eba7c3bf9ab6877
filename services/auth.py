"""Bearer tokens: HS256 JWTs carrying the user's id in `sub` and an expiry.

Expiry is checked against the real clock, not the test clock: a token is a security
matter, and one printed today must keep working with a test clock set in 2026.
"""

from datetime import UTC, datetime, timedelta

import jwt

from services.errors import NotSignedIn

ALGORITHM = "HS256"


def issue_token(secret: str, user_id: int, hours: float = 24.0) -> str:
    issued = datetime.now(UTC)
    claims = {"sub": str(user_id), "iat": issued, "exp": issued + timedelta(hours=hours)}
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def _refused(reason: str) -> NotSignedIn:
    return NotSignedIn(reason)


def user_id_from_header(secret: str, authorization: str | None) -> int:
    """The user id of a valid `Authorization: Bearer <JWT>` header, or NotSignedIn."""
    if not authorization:
        raise _refused("Sign in first: send the header 'Authorization: Bearer <token>'.")
    scheme, _, token = authorization.strip().partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _refused("The Authorization header must be 'Bearer <token>'.")
    try:
        claims = jwt.decode(
            token.strip(), secret, algorithms=[ALGORITHM], options={"require": ["sub", "exp"]}
        )
    except jwt.ExpiredSignatureError:
        raise _refused("The token has expired; sign in again.") from None
    except jwt.InvalidTokenError:
        raise _refused("The token is not valid.") from None
    subject = claims["sub"]
    if not _is_user_id(subject):
        raise _refused("The token is not valid.")
    return int(subject)


MAX_USER_ID = 2**31 - 1  # the database's id range


def _is_user_id(subject: object) -> bool:
    """A user id exactly as issue_token writes it: ASCII digits, no sign, no spaces, no
    leading zero, within the database's ids (str.isdigit alone takes "٣" as 3)."""
    return (
        isinstance(subject, str)
        and 0 < len(subject) <= 10
        and subject.isascii()
        and subject.isdigit()
        and subject[0] != "0"
        and int(subject) <= MAX_USER_ID
    )
