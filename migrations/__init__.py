"""Alembic migrations, and running them from code (`apply`): `octopods migrate`.

This package imports the services (the tables); the services never import it."""
