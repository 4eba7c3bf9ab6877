"""Billing rules: periods, proration, invoices and the billing run."""
