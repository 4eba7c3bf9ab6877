"""Alembic migrations; run them with `octopods migrate`."""
