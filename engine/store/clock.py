"""The one place the store reads the wall clock, so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (the database convention)."""
    return datetime.now(UTC).replace(tzinfo=None)
