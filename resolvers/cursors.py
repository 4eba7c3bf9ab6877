"""Cursors: opaque, stable positions in a newest-first list (see services.queries.Listing)."""

import base64
import binascii
import json
from datetime import datetime

from services.errors import InvalidInput, Subject
from services.queries import Listing
from services.settings import parse_instant


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
        elif python_type is int and type(value) is int:
            typed.append(value)
        else:
            raise ValueError(name)
    return tuple(typed)


def decode(listing: Listing, cursor: str) -> tuple:
    try:
        kind, *values = json.loads(base64.urlsafe_b64decode(cursor.encode()))
        if kind != listing.model.__tablename__:
            raise ValueError(kind)
        return _typed(listing, values)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError):
        raise InvalidInput("`after` is not a cursor of this list.", Subject.PAGE_POSITION) from None
