"""Quotes: a preview's price, held for the change that follows it (SPEC §10).

A quote is the terms of a priced change (who, which subscription, from and to which
quantity, what it costs then) and an expiry, signed with HMAC-SHA256 under a key
derived from the server's secret. It needs no storage, so it holds on every instance
that shares the secret, and it cannot be forged or moved to another user,
subscription or quantity. A change made with a quote goes through only if it would be
priced exactly as quoted, now.
"""

import base64
import binascii
import hashlib
import hmac
import json
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta
from decimal import Decimal

from services.billing.proration import PricedChange
from services.errors import Reason, Refused, Subject

LIFETIME = timedelta(minutes=15)
_VERSION = "q1"


def quote_key(secret: str) -> bytes:
    """A key for quotes alone, so a quote is never a valid token and the reverse."""
    return hmac.new(secret.encode(), b"octopods quotes", hashlib.sha256).digest()


@dataclass(frozen=True, slots=True)
class QuoteTerms:
    user_id: int
    subscription_id: int
    current_quantity: int
    new_quantity: int
    proration_amount: str  # Decimal as text: exact, and JSON-safe
    new_monthly_cost: str
    remaining_days: int | None
    days_in_period: int | None
    expires_at: str = ""  # ISO 8601

    @classmethod
    def of(
        cls, user_id: int, subscription_id: int, change: PricedChange, new_monthly_cost: Decimal
    ) -> "QuoteTerms":
        return cls(
            user_id=user_id,
            subscription_id=subscription_id,
            current_quantity=change.old_quantity,
            new_quantity=change.new_quantity,
            proration_amount=str(change.proration_amount),
            new_monthly_cost=str(new_monthly_cost),
            remaining_days=change.remaining_days,
            days_in_period=change.days_in_period,
        )


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def issue(key: bytes, terms: QuoteTerms, now: datetime) -> tuple[str, datetime]:
    """The quote id of `terms`, valid until the instant returned (excluded)."""
    expires_at = now + LIFETIME
    body = json.dumps(asdict(replace(terms, expires_at=expires_at.isoformat())), sort_keys=True)
    payload = _b64(body.encode())
    signature = _b64(hmac.new(key, f"{_VERSION}.{payload}".encode(), hashlib.sha256).digest())
    return f"{_VERSION}.{payload}.{signature}", expires_at


def _read(key: bytes, quote_id: str) -> QuoteTerms | None:
    """The terms of a quote made with `key`, or None if it is not one."""
    version, _, rest = quote_id.partition(".")
    payload, _, signature = rest.partition(".")
    expected = hmac.new(key, f"{version}.{payload}".encode(), hashlib.sha256).digest()
    try:
        if version != _VERSION or not hmac.compare_digest(_unb64(signature), expected):
            return None
        return QuoteTerms(**json.loads(_unb64(payload)))
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        return None


def require_honoured(key: bytes, quote_id: str, now_terms: QuoteTerms, now: datetime) -> None:
    """Refuse (QUOTE_EXPIRED) unless the quote was made for exactly these terms and has
    not expired: same user, subscription and quantities, and the change priced now
    as it was then, to the cent."""
    quoted = _read(key, quote_id)
    if quoted is not None and replace(quoted, expires_at="") == now_terms:
        try:
            if now < datetime.fromisoformat(quoted.expires_at):
                return
        except (ValueError, TypeError):
            pass
    raise Refused(
        Reason.QUOTE_EXPIRED,
        "The price you saw has changed or expired; review the new price and confirm again.",
        Subject.QUOTE,
    )
