"""Operations the tests send, kept as constants like the clients keep theirs."""

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
