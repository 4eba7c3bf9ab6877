"""The product catalog: every price, unit, limit and allowance lives here, as data."""

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from services.errors import Reason, Refused, Subject


class PlanCode(StrEnum):
    OMNICHANNEL = "OMNICHANNEL"
    WHATSAPP_BUSINESS = "WHATSAPP_BUSINESS"
    INSTAGRAM = "INSTAGRAM"
    SLACK = "SLACK"


@dataclass(frozen=True, slots=True)
class Plan:
    code: PlanCode
    name: str
    unit_label: str
    unit_label_plural: str
    first_unit_price: Decimal
    additional_unit_price: Decimal
    included_messages_per_unit: int
    min_quantity: int = 1
    max_quantity: int = 50
    trial_days: int = 7

    def monthly_cost(self, quantity: int) -> Decimal:
        """monthly(q) = first + additional × (q − 1)."""
        return self.first_unit_price + self.additional_unit_price * (quantity - 1)

    def messaging_allowance(self, quantity: int) -> int:
        return self.included_messages_per_unit * quantity

    def units(self, quantity: int) -> str:
        """ "1 channel", "5 channels"."""
        return f"{quantity} {self.unit_label if quantity == 1 else self.unit_label_plural}"

    def check_quantity(self, quantity: int) -> None:
        if not self.min_quantity <= quantity <= self.max_quantity:
            raise Refused(
                Reason.INVALID_QUANTITY,
                f"Quantity must be between {self.min_quantity} and {self.max_quantity}; "
                f"got {quantity}.",
                Subject.QUANTITY,
            )


PLANS: tuple[Plan, ...] = (
    Plan(
        code=PlanCode.OMNICHANNEL,
        name="Omnichannel",
        unit_label="channel",
        unit_label_plural="channels",
        first_unit_price=Decimal("49.00"),
        additional_unit_price=Decimal("39.00"),
        included_messages_per_unit=1000,
    ),
    Plan(
        code=PlanCode.WHATSAPP_BUSINESS,
        name="WhatsApp Business",
        unit_label="WhatsApp Business number",
        unit_label_plural="WhatsApp Business numbers",
        first_unit_price=Decimal("29.00"),
        additional_unit_price=Decimal("29.00"),
        included_messages_per_unit=1000,
    ),
    Plan(
        code=PlanCode.INSTAGRAM,
        name="Instagram",
        unit_label="Instagram account",
        unit_label_plural="Instagram accounts",
        first_unit_price=Decimal("19.00"),
        additional_unit_price=Decimal("19.00"),
        included_messages_per_unit=1000,
    ),
    Plan(
        code=PlanCode.SLACK,
        name="Slack",
        unit_label="Slack workspace",
        unit_label_plural="Slack workspaces",
        first_unit_price=Decimal("19.00"),
        additional_unit_price=Decimal("19.00"),
        included_messages_per_unit=1000,
    ),
)

_BY_CODE = {plan.code: plan for plan in PLANS}


def plan_for(code: PlanCode | str) -> Plan:
    return _BY_CODE[PlanCode(code)]
