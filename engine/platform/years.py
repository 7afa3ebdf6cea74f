"""Whole-year arithmetic on moments, for retention periods."""

from __future__ import annotations

from datetime import datetime


def add_years(moment: datetime, years: int) -> datetime:
    """Return the same moment `years` later (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year + years)
    except ValueError:
        return moment.replace(year=moment.year + years, day=28)
