"""The domain's enums, as GraphQL enums."""

import strawberry

from services.billing.cycle import SubscriptionStatus
from services.billing.invoices import InvoiceLineKind, InvoiceStatus
from services.catalog import PlanCode
from services.events import EventKind
from services.permissions import Role

PlanCode = strawberry.enum(PlanCode)
Role = strawberry.enum(Role)
SubscriptionStatus = strawberry.enum(SubscriptionStatus)
InvoiceStatus = strawberry.enum(InvoiceStatus)
InvoiceLineKind = strawberry.enum(InvoiceLineKind)
AccountEventKind = strawberry.enum(EventKind, name="AccountEventKind")
