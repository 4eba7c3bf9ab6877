"""Operations of the billing tests."""

from tests.api.operations import INVOICE, MONEY

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
