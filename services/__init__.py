"""The billing domain: catalog, periods, proration, invoices, permissions, persistence.

Nothing in here knows about GraphQL or HTTP.
"""
