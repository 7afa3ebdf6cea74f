"""Renewal units in an educator's five-year license term (ARM 10.57.215)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from engine.runtime.renewal_term import (
    Earned,
    Term,
    counts_in,
    progress,
    term_ending,
    units,
    units_text,
)

TERM = term_ending(date(2027, 6, 30))


def test_a_term_is_the_five_years_ending_on_the_day_given() -> None:
    assert TERM == Term(date(2022, 7, 1), date(2027, 6, 30))
    assert TERM.label == "1 July 2022 to 30 June 2027"


@pytest.mark.parametrize(
    ("ends", "starts"),
    [
        # Five years before a leap day there is none: the term starts on 1 March.
        (date(2028, 2, 29), date(2023, 3, 1)),
        # A term ending the day before a leap day started on one.
        (date(2029, 2, 28), date(2024, 2, 29)),
        (date(2026, 12, 31), date(2022, 1, 1)),
    ],
)
def test_term_boundaries_across_leap_days(ends: date, starts: date) -> None:
    assert term_ending(ends).starts == starts


def test_the_first_and_last_days_are_in_the_term() -> None:
    assert date(2022, 7, 1) in TERM and date(2027, 6, 30) in TERM
    assert date(2022, 6, 30) not in TERM and date(2027, 7, 1) not in TERM


def test_a_certificate_straddling_the_start_counts_by_its_last_date() -> None:
    straddling = Earned((date(2022, 6, 30), date(2022, 7, 1)), "12")
    before = Earned((date(2022, 6, 29), date(2022, 6, 30)), "12")
    past_the_end = Earned((date(2027, 6, 30), date(2027, 7, 1)), "12")
    assert counts_in(TERM, straddling)
    assert not counts_in(TERM, before)
    # It counts in the next term instead, never in both.
    assert not counts_in(TERM, past_the_end)
    assert counts_in(term_ending(date(2032, 6, 30)), past_the_end)


def test_revoked_certificates_and_ones_without_dates_do_not_count() -> None:
    found = progress(
        TERM,
        [
            Earned((date(2024, 3, 16),), "6"),
            Earned((date(2024, 3, 17),), "6.5", revoked=True),
            Earned((), "3"),
            Earned((date(2025, 1, 10),), "0.25"),
        ],
    )
    assert found.units == Decimal("6.25")
    assert found.remaining == Decimal("53.75")


def test_nothing_remains_once_sixty_units_are_earned() -> None:
    found = progress(TERM, [Earned((date(2023, 1, d),), "6") for d in range(1, 12)])
    assert found.units == 66 and found.remaining == 0


@pytest.mark.parametrize(
    ("text", "value"),
    [("6", "6"), ("6.5", "6.5"), (" 2 ", "2"), ("", "0"), ("x", "0"), ("-3", "0"), ("NaN", "0")],
)
def test_units_are_read_from_the_certificate_text(text: str, value: str) -> None:
    assert units(text) == Decimal(value)


def test_units_are_written_without_trailing_zeros() -> None:
    assert [units_text(Decimal(v)) for v in ("60", "6.50", "0.25", "12.0")] == [
        "60",
        "6.5",
        "0.25",
        "12",
    ]
