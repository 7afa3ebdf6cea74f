"""The one place the app reads the wall clock, so tests (and `worker --today`) can move time.

`current()` is the clock in use: the system clock, unless `frozen_at(day)` replaced it.
Everything that asks "what day is it?" (guards, due dates, reminders, the worker) or
"what time is it?" (rows' timestamps) goes through it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

from engine.runtime.calendar import today_mountain


class SystemClock:
    """The real time."""

    def now(self) -> datetime:
        """Return the current UTC time as a naive datetime (the database convention)."""
        return datetime.now(UTC).replace(tzinfo=None)

    def today(self) -> date:
        """Return today's date in Montana, where the agency's deadlines are counted."""
        return today_mountain()


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped on one day (at 18:00 UTC, midday in Montana)."""

    day: date

    def now(self) -> datetime:
        """Return midday in Montana of the fixed day, in UTC."""
        return datetime.combine(self.day, time(18, 0))

    def today(self) -> date:
        """Return the fixed day."""
        return self.day


_clock: SystemClock | FixedClock = SystemClock()


def current() -> SystemClock | FixedClock:
    """Return the clock in use."""
    return _clock


@contextmanager
def frozen_at(day: date) -> Iterator[FixedClock]:
    """Stop the clock on `day` for the duration of the block (tests, `worker --today`)."""
    global _clock
    previous, _clock = _clock, FixedClock(day)
    try:
        yield _clock
    finally:
        _clock = previous


def utcnow() -> datetime:
    """Return the current UTC time as a naive datetime (the database convention)."""
    return _clock.now()


def today() -> date:
    """Return today's date in Montana."""
    return _clock.today()
