import strawberry

from resolvers import plans
from schema.types.enums import PlanCode
from schema.types.money import Money
from services.catalog import Plan


@strawberry.type(name="Plan", description="A product of the catalog and its prices.")
class PlanType:
    code: PlanCode
    name: str
    unit_label: str = strawberry.field(
        description='What one unit is: "channel", "WhatsApp Business number", …'
    )
    first_unit_price: Money
    additional_unit_price: Money
    min_quantity: int
    max_quantity: int
    trial_days: int
    included_messages_per_unit: int
    plan: strawberry.Private[Plan]

    @classmethod
    def of(cls, plan: Plan) -> "PlanType":
        return cls(
            code=plan.code,
            name=plan.name,
            unit_label=plan.unit_label,
            first_unit_price=Money.of(plan.first_unit_price),
            additional_unit_price=Money.of(plan.additional_unit_price),
            min_quantity=plan.min_quantity,
            max_quantity=plan.max_quantity,
            trial_days=plan.trial_days,
            included_messages_per_unit=plan.included_messages_per_unit,
            plan=plan,
        )

    @strawberry.field(description="The monthly cost of this many units (1 to 50).")
    def monthly_cost(self, quantity: int) -> Money:
        return Money.of(plans.monthly_cost(self.plan, quantity))
