"""Cursors of the invoice list: opaque, stable positions (issued_at, id) in it."""

import base64
import binascii
from datetime import UTC, datetime

from services.errors import DomainError, ErrorCode
from services.queries import InvoicePosition

_PREFIX = "invoice:"


def encode(position: InvoicePosition) -> str:
    micros = int(position.issued_at.timestamp() * 1_000_000)
    raw = f"{_PREFIX}{micros}:{position.invoice_id}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def decode(cursor: str) -> InvoicePosition:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        micros, invoice_id = raw.removeprefix(_PREFIX).split(":")
        if not raw.startswith(_PREFIX):
            raise ValueError(raw)
        issued_at = datetime.fromtimestamp(int(micros) / 1_000_000, UTC)
        return InvoicePosition(issued_at, int(invoice_id))
    except (ValueError, binascii.Error, UnicodeDecodeError, OverflowError, OSError):
        raise DomainError(
            ErrorCode.BAD_USER_INPUT, "`after` is not a cursor of this list.", ("after",)
        ) from None
