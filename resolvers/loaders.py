"""Per-request DataLoaders over the batch reads, so an operation costs a fixed number
of statements whatever the data size. Never shared between requests or users."""

from dataclasses import dataclass, field

from strawberry.dataloader import DataLoader

from services import queries
from services.persistence.database import Database
from services.persistence.tables import Account, Invoice, InvoiceLine, Subscription, User


@dataclass
class Loaders:
    db: Database
    account: DataLoader[int, Account | None] = field(init=False)
    user: DataLoader[int, User | None] = field(init=False)
    subscription: DataLoader[int, Subscription | None] = field(init=False)
    invoice: DataLoader[int, Invoice | None] = field(init=False)
    subscriptions_of_account: DataLoader[int, list[Subscription]] = field(init=False)
    pending_lines: DataLoader[int, list[InvoiceLine]] = field(init=False)
    invoice_lines: DataLoader[int, list[InvoiceLine]] = field(init=False)
    invoice_page: DataLoader[queries.PageRequest, queries.Page] = field(init=False)
    change_page: DataLoader[queries.PageRequest, queries.Page] = field(init=False)

    def __post_init__(self) -> None:
        def loader(batch):
            return DataLoader(lambda keys: batch(self.db, keys))

        self.account = loader(queries.accounts_by_id)
        self.user = loader(queries.users_by_id)
        self.subscription = loader(queries.subscriptions_by_id)
        self.invoice = loader(queries.invoices_by_id)
        self.subscriptions_of_account = loader(queries.subscriptions_of_accounts)
        self.pending_lines = loader(queries.pending_lines_of_subscriptions)
        self.invoice_lines = loader(queries.lines_of_invoices)
        self.invoice_page = DataLoader(
            lambda requests: queries.pages(self.db, queries.INVOICES, requests)
        )
        self.change_page = DataLoader(
            lambda requests: queries.pages(self.db, queries.SUBSCRIPTION_CHANGES, requests)
        )

    def prime_subscriptions(self, subscriptions: list[Subscription]) -> None:
        for subscription in subscriptions:
            self.subscription.prime(subscription.id, subscription)
