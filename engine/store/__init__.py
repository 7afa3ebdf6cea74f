"""Persistence: SQLAlchemy models, transactions and migrations glue."""
