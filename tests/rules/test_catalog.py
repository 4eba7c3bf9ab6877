"""SPEC §1: the four plans, their prices, quantity limits and messaging allowance."""

from decimal import Decimal

import pytest

from services.catalog import PLANS, PlanCode, plan_for
from services.errors import Reason, Refused, Subject

OMNICHANNEL = plan_for(PlanCode.OMNICHANNEL)
WHATSAPP = plan_for(PlanCode.WHATSAPP_BUSINESS)
INSTAGRAM = plan_for(PlanCode.INSTAGRAM)
SLACK = plan_for(PlanCode.SLACK)


def test_the_catalog_has_exactly_the_four_plans_of_the_spec():
    assert [plan.code for plan in PLANS] == [
        "OMNICHANNEL",
        "WHATSAPP_BUSINESS",
        "INSTAGRAM",
        "SLACK",
    ]
    assert [plan.name for plan in PLANS] == [
        "Omnichannel",
        "WhatsApp Business",
        "Instagram",
        "Slack",
    ]


@pytest.mark.parametrize(
    ("code", "unit", "first", "additional"),
    [
        pytest.param("OMNICHANNEL", "channel", "49.00", "39.00", id="omnichannel"),
        pytest.param(
            "WHATSAPP_BUSINESS", "WhatsApp Business number", "29.00", "29.00", id="whatsapp"
        ),
        pytest.param("INSTAGRAM", "Instagram account", "19.00", "19.00", id="instagram"),
        pytest.param("SLACK", "Slack workspace", "19.00", "19.00", id="slack"),
    ],
)
def test_plan_prices_and_units_match_the_price_table(code, unit, first, additional):
    plan = plan_for(code)  # by its string code, as the API passes it

    assert plan.code == code
    assert plan.unit_label == unit
    assert plan.first_unit_price == Decimal(first)
    assert plan.additional_unit_price == Decimal(additional)
    assert plan.included_messages_per_unit == 1000
    assert plan.trial_days == 7


@pytest.mark.parametrize(
    ("plan", "quantity", "expected"),
    [
        pytest.param(OMNICHANNEL, 1, "49.00", id="omnichannel-1"),
        pytest.param(OMNICHANNEL, 2, "88.00", id="omnichannel-2"),
        pytest.param(OMNICHANNEL, 3, "127.00", id="omnichannel-3-spec"),
        pytest.param(OMNICHANNEL, 4, "166.00", id="omnichannel-4"),
        pytest.param(OMNICHANNEL, 5, "205.00", id="omnichannel-5"),
        pytest.param(OMNICHANNEL, 50, "1960.00", id="omnichannel-50"),
        pytest.param(WHATSAPP, 1, "29.00", id="whatsapp-1"),
        pytest.param(WHATSAPP, 2, "58.00", id="whatsapp-2"),
        pytest.param(WHATSAPP, 50, "1450.00", id="whatsapp-50"),
        pytest.param(INSTAGRAM, 1, "19.00", id="instagram-1"),
        pytest.param(INSTAGRAM, 7, "133.00", id="instagram-7"),
        pytest.param(INSTAGRAM, 50, "950.00", id="instagram-50"),
        pytest.param(SLACK, 1, "19.00", id="slack-1"),
        pytest.param(SLACK, 3, "57.00", id="slack-3"),
        pytest.param(SLACK, 50, "950.00", id="slack-50"),
    ],
)
def test_monthly_cost_is_first_unit_plus_additional_units(plan, quantity, expected):
    cost = plan.monthly_cost(quantity)

    assert isinstance(cost, Decimal)  # never a float
    assert str(cost) == expected


@pytest.mark.parametrize("plan", PLANS, ids=lambda plan: plan.code.lower())
def test_every_quantity_from_1_to_50_is_accepted(plan):
    for quantity in range(1, 51):
        plan.check_quantity(quantity)


@pytest.mark.parametrize("quantity", [0, 51, -1, 100], ids=lambda q: f"quantity{q}")
@pytest.mark.parametrize("plan", PLANS, ids=lambda plan: plan.code.lower())
def test_a_quantity_outside_1_to_50_is_refused_with_invalid_quantity(plan, quantity):
    with pytest.raises(Refused) as refused:
        plan.check_quantity(quantity)

    assert refused.value.reason is Reason.INVALID_QUANTITY
    assert refused.value.subject is Subject.QUANTITY
    assert str(quantity) in refused.value.message


@pytest.mark.parametrize(
    ("plan", "quantity", "expected"),
    [
        pytest.param(OMNICHANNEL, 1, 1000, id="omnichannel-1"),
        pytest.param(OMNICHANNEL, 3, 3000, id="omnichannel-3"),
        pytest.param(OMNICHANNEL, 5, 5000, id="omnichannel-5"),
        pytest.param(WHATSAPP, 2, 2000, id="whatsapp-2"),
        pytest.param(INSTAGRAM, 50, 50000, id="instagram-50"),
        pytest.param(SLACK, 7, 7000, id="slack-7"),
    ],
)
def test_messaging_allowance_is_1000_messages_per_unit(plan, quantity, expected):
    assert plan.messaging_allowance(quantity) == expected


@pytest.mark.parametrize(
    ("plan", "quantity", "expected"),
    [
        pytest.param(OMNICHANNEL, 1, "1 channel", id="one-channel"),
        pytest.param(OMNICHANNEL, 5, "5 channels", id="five-channels"),
        pytest.param(WHATSAPP, 2, "2 WhatsApp Business numbers", id="whatsapp-plural"),
        pytest.param(SLACK, 1, "1 Slack workspace", id="slack-singular"),
    ],
)
def test_units_are_singular_for_one_and_plural_otherwise(plan, quantity, expected):
    assert plan.units(quantity) == expected
