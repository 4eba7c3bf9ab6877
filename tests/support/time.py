"""Instants as the tests write them."""

from datetime import UTC, datetime


def utc(year: int, month: int, day: int, *rest: int) -> datetime:
    """An instant in UTC: utc(2026, 11, 15, 12) is 2026-11-15T12:00:00Z."""
    return datetime(year, month, day, *rest, tzinfo=UTC)
