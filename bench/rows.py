"""The three rows: the documents the dashboard sends (operations/*.graphql) and their
variables, as request bodies that every variant receives unchanged."""

import json
from dataclasses import dataclass, field

from bench.data import BENCH_EMAIL, PREVIEW_QUANTITY, WRITER_EMAIL, Seeded
from bench.environment import OPERATIONS
from bench.floors import PATHS
from resolvers import ids
from schema.manifest import document_id


@dataclass(frozen=True)
class Row:
    name: str  # the operation's field: dashboard, previewCost, updateQuantity
    email: str  # whose token the requests carry
    document: str
    variables: dict
    # updateQuantity only: the subscriptions each request picks from, at random.
    subscriptions: list[str] = field(default_factory=list)

    @property
    def floor_path(self) -> str:
        return PATHS[self.name]

    @property
    def writes(self) -> bool:
        return bool(self.subscriptions)

    def body(self, variables: dict | None = None, *, by_id: bool = False) -> bytes:
        """The request as the page sends it: the document's text, or its `documentId`
        from the manifest (SPEC §12)."""
        sent = {"documentId": document_id(self.document)} if by_id else {"query": self.document}
        return json.dumps({**sent, "variables": variables or self.variables}).encode()


def update_variables(subscription: str, quantity: int, key: str) -> dict:
    return {"input": {"subscriptionId": subscription, "quantity": quantity, "idempotencyKey": key}}


def rows_for(seeded: Seeded) -> list[Row]:
    def document(name: str) -> str:
        return (OPERATIONS / f"{name}.graphql").read_text()

    writes = [ids.encode("Subscription", key) for key in seeded.writer_subscription_ids]
    return [
        Row("dashboard", BENCH_EMAIL, document("Dashboard"), {"invoicesFirst": 10}),
        Row(
            "previewCost",
            BENCH_EMAIL,
            document("PreviewCost"),
            {
                "subscriptionId": ids.encode("Subscription", seeded.preview_subscription_id),
                "quantity": PREVIEW_QUANTITY,
            },
        ),
        Row(
            "updateQuantity",
            WRITER_EMAIL,
            document("UpdateQuantity"),
            update_variables(writes[0], 1, "check"),
            subscriptions=writes,
        ),
    ]
