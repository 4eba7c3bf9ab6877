"""Counting the SQL statements an operation sends, to pin them against N+1 queries: the
product's own recorder, which the benchmark uses too."""

from services.persistence.statements import statements

__all__ = ["statements"]
