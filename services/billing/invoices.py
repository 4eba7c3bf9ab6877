"""Invoice contents: which lines an invoice holds at a boundary, and what they say."""

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from services.billing.cycle import BillingState, cross_boundary
from services.catalog import Plan
from services.money import ZERO


class InvoiceStatus(StrEnum):
    UPCOMING = "UPCOMING"
    ISSUED = "ISSUED"


class InvoiceLineKind(StrEnum):
    RECURRING = "RECURRING"
    PRORATION = "PRORATION"


class Line(Protocol):
    """What every invoice line has, stored (a row) or drafted."""

    kind: InvoiceLineKind
    description: str
    quantity: int
    amount: Decimal
    period_start: datetime
    period_end: datetime


@dataclass(frozen=True, slots=True)
class LineDraft:
    kind: InvoiceLineKind
    description: str
    quantity: int
    amount: Decimal
    period_start: datetime
    period_end: datetime

    def fields(self) -> dict:
        """Its values by name, to store it as a line."""
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class InvoiceDraft:
    """An invoice before it has a number: the upcoming one, or one about to be issued."""

    issued_at: datetime
    period_start: datetime
    period_end: datetime
    lines: tuple[Line, ...]
    total: Decimal = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "total", sum((line.amount for line in self.lines), ZERO))


def _day(instant: datetime) -> str:
    return f"{instant:%b} {instant.day}, {instant.year}"


def recurring_line(plan: Plan, state: BillingState) -> LineDraft:
    """The month's charge for the period `state` has just entered."""
    if state.current_period_start is None or state.current_period_end is None:
        raise ValueError("a recurring line is for a period")
    return LineDraft(
        kind=InvoiceLineKind.RECURRING,
        description=(
            f"{plan.name}, {plan.units(state.quantity)} "
            f"({_day(state.current_period_start)} – {_day(state.current_period_end)})"
        ),
        quantity=state.quantity,
        amount=plan.monthly_cost(state.quantity),
        period_start=state.current_period_start,
        period_end=state.current_period_end,
    )


def invoice_at_next_boundary(
    plan: Plan, state: BillingState, pending: Sequence[Line]
) -> tuple[BillingState, InvoiceDraft]:
    """The invoice issued when `state` crosses its next boundary: every pending
    proration line plus the recurring line of the period that starts there."""
    entered = cross_boundary(state)
    recurring = recurring_line(plan, entered)
    draft = InvoiceDraft(
        issued_at=recurring.period_start,
        period_start=recurring.period_start,
        period_end=recurring.period_end,
        lines=(*pending, recurring),
    )
    return entered, draft


@dataclass(frozen=True, slots=True)
class Settlement:
    """A subscription billed up to an instant: its state then, the invoices that fell due
    on the way (oldest first) and the proration lines still pending."""

    state: BillingState
    due: tuple[InvoiceDraft, ...]
    pending: tuple[Line, ...]


def settle(plan: Plan, state: BillingState, pending: Sequence[Line], now: datetime) -> Settlement:
    """Bill `state` up to `now`. Pending lines go on the first invoice that falls due."""
    due = []
    while state.next_boundary <= now:
        state, draft = invoice_at_next_boundary(plan, state, pending)
        due.append(draft)
        pending = ()
    return Settlement(state, tuple(due), tuple(pending))
