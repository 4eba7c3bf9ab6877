"""The GraphQL documents the tests send, in one place, kept as constants like the
clients keep theirs. The clients' own documents are in operations/ (tests read those
from there)."""

from pathlib import Path

MONEY = "{ amount currency formatted }"
LINE = f"{{ kind description quantity amount {MONEY} periodStart periodEnd }}"
INVOICE = f"{{ id number status issuedAt periodStart periodEnd total {MONEY} lines {LINE} }}"
SUBSCRIPTION = f"""{{
  id quantity status trialEndsAt currentPeriodStart currentPeriodEnd
  monthlyCost {MONEY} messagingAllowance viewerCanUpdate
  plan {{ code name }}
  upcomingInvoice {INVOICE}
}}"""

ACME_SUBSCRIPTIONS = f"""
query {{ viewer {{ memberships {{ role account {{ id name subscriptions {SUBSCRIPTION} }} }} }} }}
"""

ACCOUNT = f"""
query Account($id: ID!) {{
  account(id: $id) {{
    id name viewerRole messagingAllowance
    availablePlans {{ code }}
    subscriptions {SUBSCRIPTION}
  }}
}}
"""

SUBSCRIPTION_BY_ID = f"""
query Subscription($id: ID!) {{ subscription(id: $id) {SUBSCRIPTION} }}
"""

PREVIEW_COST = f"""
query PreviewCost($id: ID!, $quantity: Int!) {{
  previewCost(subscriptionId: $id, quantity: $quantity) {{
    subscription {{ id quantity }}
    currentQuantity newQuantity changed
    currentMonthlyCost {MONEY} newMonthlyCost {MONEY} prorationAmount {MONEY}
    remainingDays daysInPeriod nextInvoiceTotal {MONEY} messagingAllowance
  }}
}}
"""

UPDATE_QUANTITY = f"""
mutation UpdateQuantity($input: UpdateQuantityInput!) {{
  updateQuantity(input: $input) {{
    subscription {SUBSCRIPTION}
    prorationLine {LINE}
    errors {{ code message field }}
  }}
}}
"""

SUBSCRIBE_PRODUCT = f"""
mutation SubscribeProduct($input: SubscribeProductInput!) {{
  subscribeProduct(input: $input) {{
    subscription {SUBSCRIPTION}
    errors {{ code message field }}
  }}
}}
"""

ADVANCE_CLOCK = """
mutation Advance($to: DateTime!) { advanceTestClock(to: $to) { now invoicesIssued } }
"""

INVOICES = f"""
query Invoices($id: ID!, $first: Int, $after: String) {{
  account(id: $id) {{
    invoices(first: $first, after: $after) {{
      edges {{ cursor node {INVOICE} }}
      pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    }}
  }}
}}
"""


# More reads and the smaller refusals.

MEMBERSHIPS = """
query Memberships {
  viewer {
    email name
    memberships { role account { id name subscriptions { id quantity status plan { code } } } }
  }
}
"""

ACCOUNT_DETAILS = f"""
query AccountDetails($id: ID!) {{
  account(id: $id) {{
    id name viewerRole messagingAllowance
    availablePlans {{ code }}
    subscriptions {{ id quantity status messagingAllowance plan {{ code }} }}
    invoices {{ edges {{ node {INVOICE} }} }}
  }}
}}
"""

NODE = f"""
query Node($id: ID!) {{
  node(id: $id) {{
    __typename id
    ... on Account {{ name }}
    ... on Subscription {{ quantity plan {{ code }} }}
    ... on Invoice {{ status number total {MONEY} }}
  }}
}}
"""

PLANS = f"""
query Plans {{
  plans {{
    code name unitLabel minQuantity maxQuantity trialDays includedMessagesPerUnit
    firstUnitPrice {MONEY} additionalUnitPrice {MONEY}
  }}
}}
"""

PLAN_MONTHLY_COST = f"""
query PlanMonthlyCost($quantity: Int!) {{
  plans {{ code monthlyCost(quantity: $quantity) {MONEY} }}
}}
"""

NOW = "query Now { now }"

VIEWER = "query Viewer { viewer { email name memberships { role account { id name } } } }"

PREVIEW_PRORATION = """
query PreviewProration($id: ID!, $quantity: Int!) {
  previewCost(subscriptionId: $id, quantity: $quantity) {
    changed prorationAmount { amount } nextInvoiceTotal { amount }
  }
}
"""

SUBSCRIBE_PRODUCT_DEFAULT_QUANTITY = f"""
mutation SubscribeProductDefaultQuantity($accountId: ID!, $planCode: PlanCode!) {{
  subscribeProduct(input: {{ accountId: $accountId, planCode: $planCode }}) {{
    subscription {SUBSCRIPTION}
    errors {{ code message field }}
  }}
}}
"""

UPDATE_QUANTITY_LINE = f"""
mutation UpdateQuantityLine($input: UpdateQuantityInput!) {{
  updateQuantity(input: $input) {{
    subscription {{ id quantity }}
    prorationLine {LINE}
    errors {{ code message field }}
  }}
}}
"""


# Connected channels (SPEC §9).

CHANNELS = """
query Channels($id: ID!) {
  subscription(id: $id) { id quantity connectedUnits channels { id name connectedAt } }
}
"""

CONNECT_CHANNEL = """
mutation Connect($input: ConnectChannelInput!) {
  connectChannel(input: $input) {
    channel { id name connectedAt subscription { id } }
    subscription { id quantity connectedUnits channels { name } }
    errors { code message field }
  }
}
"""

DISCONNECT_CHANNEL = """
mutation Disconnect($input: DisconnectChannelInput!) {
  disconnectChannel(input: $input) {
    subscription { id quantity connectedUnits channels { name } }
    errors { code message field }
  }
}
"""

CHANNEL_NODE = """
query ChannelNode($id: ID!) { node(id: $id) { __typename id ... on Channel { name } } }
"""


# The billing tests.

ADVANCE = """
mutation Advance($to: DateTime!) { advanceTestClock(to: $to) { now invoicesIssued } }
"""

ACCOUNTS = f"""
query Accounts {{
  viewer {{ memberships {{ account {{
    id name
    subscriptions {{
      id quantity status trialEndsAt currentPeriodStart currentPeriodEnd
      upcomingInvoice {INVOICE}
    }}
  }} }} }}
}}
"""

INVOICE_PAGE = f"""
query InvoicePage($id: ID!, $first: Int, $after: String) {{
  account(id: $id) {{
    invoices(first: $first, after: $after) {{
      edges {{ cursor node {{
        id number issuedAt periodStart periodEnd total {MONEY}
        lines {{ kind amount {MONEY} }}
      }} }}
      pageInfo {{ hasNextPage hasPreviousPage startCursor endCursor }}
    }}
  }}
}}
"""

UPDATE = """
mutation Update($input: UpdateQuantityInput!) {
  updateQuantity(input: $input) { errors { code } prorationLine { amount { amount } } }
}
"""


# The clients' own documents (operations/), as they send them.

CLIENT_OPERATIONS = Path(__file__).resolve().parents[2] / "operations"


def client_operation(name: str) -> str:
    """The text of operations/<name>.graphql, exactly as the clients send it."""
    return (CLIENT_OPERATIONS / f"{name}.graphql").read_text()
