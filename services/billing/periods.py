"""Trial and period arithmetic. Every boundary falls at 00:00 UTC."""

import calendar
from datetime import UTC, date, datetime, timedelta


def midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def trial_ends_at(subscribed_at: datetime, trial_days: int) -> datetime:
    """00:00 UTC of (date(t) + trial_days), whatever the hour of subscribing."""
    return midnight(subscribed_at.astimezone(UTC).date() + timedelta(days=trial_days))


def anchored_day(year: int, month: int, anchor_day: int) -> date:
    """The anchor day in that month, clamped to the month's last day."""
    return date(year, month, min(anchor_day, calendar.monthrange(year, month)[1]))


def period_end(start: datetime, anchor_day: int) -> datetime:
    """The end of the period starting at `start`: the anchor day of the next month.

    The anchor is kept rather than the start's day, so a short month never moves it:
    anchor 31 gives Jan 31 → Feb 28 → Mar 31.
    """
    year, month = (start.year + 1, 1) if start.month == 12 else (start.year, start.month + 1)
    return midnight(anchored_day(year, month, anchor_day))


def days_between(start: datetime, end: datetime) -> int:
    """Whole calendar days from the date of `start` to the date of `end`."""
    return (end.astimezone(UTC).date() - start.astimezone(UTC).date()).days
