"""Storage: tables, column types, the database handle and migrations."""
