"""An educator's renewal units in their current license term (ARM 10.57.215). Pure.

A Montana license runs five years; renewing it takes 60 renewal units earned in that
term. A certificate counts in the term its last date attended falls in (the day the
activity was completed), so a certificate straddling two terms counts once, in the
later. Revoked certificates never count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from engine.runtime.obligations import add_months, format_date

REQUIRED_UNITS = 60
TERM_YEARS = 5


@dataclass(frozen=True)
class Term:
    """The days of one license term, both included."""

    starts: date
    ends: date

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.starts <= day <= self.ends

    @property
    def label(self) -> str:
        """Return the term as read: 1 July 2022 to 30 June 2027."""
        return f"{format_date(self.starts)} to {format_date(self.ends)}"


@dataclass(frozen=True)
class Earned:
    """One certificate as the total sees it: its dates attended, its units, revoked or not."""

    attended: tuple[date, ...]
    units: str
    revoked: bool = False


@dataclass(frozen=True)
class Progress:
    """The units counted in a term toward the units required."""

    term: Term
    units: Decimal
    required: int = REQUIRED_UNITS

    @property
    def remaining(self) -> Decimal:
        """Return how many units are still needed (0 once the requirement is met)."""
        return max(Decimal(self.required) - self.units, Decimal(0))


def term_ending(ends: date) -> Term:
    """Return the five-year term that ends on this day: it starts the day after the same
    date five years before (a term ending 29 February 2028 starts 1 March 2023)."""
    return Term(add_months(ends, -12 * TERM_YEARS) + timedelta(days=1), ends)


def counts_in(term: Term, certificate: Earned) -> bool:
    """Tell whether a certificate's units count in this term."""
    return (
        not certificate.revoked and bool(certificate.attended) and max(certificate.attended) in term
    )


def progress(term: Term, certificates: Sequence[Earned]) -> Progress:
    """Return the units of the certificates that count in this term."""
    total = sum((units(c.units) for c in certificates if counts_in(term, c)), Decimal(0))
    return Progress(term, total)


def units(text: str) -> Decimal:
    """Read units as stored on a certificate ('6', '6.5'); anything else is 0."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        return Decimal(0)
    return value if value.is_finite() and value > 0 else Decimal(0)


def units_text(value: Decimal) -> str:
    """Write a number of units as people do: 60, 6.5, 0.25."""
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
