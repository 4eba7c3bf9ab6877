"""More operations the API tests send, beside tests/api/operations.py."""

from tests.api.operations import INVOICE, LINE, MONEY, SUBSCRIPTION

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

SUBSCRIPTION_BY_ID = f"""
query SubscriptionById($id: ID!) {{ subscription(id: $id) {SUBSCRIPTION} }}
"""

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
