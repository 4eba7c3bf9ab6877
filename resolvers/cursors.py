"""Cursors: opaque, stable positions in a newest-first list (see services.queries.Listing).

A cursor is the client's to send back as it got it; anything else (not base64, not our
JSON, another list's, values outside their column's range) is BAD_USER_INPUT.
"""

import base64
import binascii
import json
from datetime import datetime

from resolvers.ids import MAX_DATABASE_ID
from services.errors import InvalidInput, Subject
from services.queries import Listing
from services.settings import parse_instant

MAX_CURSOR_LENGTH = 1_000  # ours are under 100 characters


def encode(listing: Listing, record) -> str:
    values = [
        value.isoformat() if isinstance(value, datetime) else value
        for value in listing.position(record)
    ]
    raw = json.dumps([listing.model.__tablename__, *values], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _typed(listing: Listing, values: list) -> tuple:
    typed = []
    for name, value in zip(listing.order, values, strict=True):
        column_type = getattr(listing.model, name).type
        python_type = getattr(column_type, "impl_instance", column_type).python_type
        if python_type is datetime and isinstance(value, str):
            typed.append(parse_instant(value))
        elif python_type is int and type(value) is int and 1 <= value <= MAX_DATABASE_ID:
            typed.append(value)
        else:
            raise ValueError(name)
    return tuple(typed)


def decode(listing: Listing, cursor: str) -> tuple:
    try:
        if len(cursor) > MAX_CURSOR_LENGTH:
            raise ValueError("too long")
        kind, *values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind != listing.model.__tablename__:
            raise ValueError(kind)
        return _typed(listing, values)
    except (ValueError, TypeError, binascii.Error, RecursionError):
        raise InvalidInput("`after` is not a cursor of this list.", Subject.PAGE_POSITION) from None
