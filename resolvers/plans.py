from decimal import Decimal

from services.catalog import PLANS, Plan


def all_plans() -> tuple[Plan, ...]:
    return PLANS


def monthly_cost(plan: Plan, quantity: int) -> Decimal:
    plan.check_quantity(quantity)
    return plan.monthly_cost(quantity)
