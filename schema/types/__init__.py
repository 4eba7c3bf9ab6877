"""The GraphQL types, each presenting a domain value."""
