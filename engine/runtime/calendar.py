"""Business-day calendar for deadline arithmetic (MCA 1-1-216 holidays, MCA 1-1-306 counting).

The holiday rules are data (``holidays/montana.yaml``), not code, so agency staff can read
them and a deployment can add or remove specific closures without a release. We do not use
the ``holidays`` package: its Montana set adds Juneteenth and follows federal rules that
Montana law does not (see docs/domain.md, business days and deadlines).

Year attribution: ``holidays(year)`` lists the days *observed* in that calendar year. A
holiday moved across a year boundary belongs to the year it is observed in, so New Year's
Day 2028 (a Saturday) appears in ``holidays(2027)`` as Friday 31 December 2027 and not in
``holidays(2028)``. ``is_business_day`` looks dates up by the year they fall in, which is
therefore always right.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml

__all__ = [
    "DEFAULT_RULES_PATH",
    "MOUNTAIN",
    "BusinessCalendar",
    "CalendarFileError",
    "CalendarRules",
    "Closure",
    "ElectionDay",
    "FixedHoliday",
    "NthWeekdayHoliday",
    "montana",
    "parse_rules",
    "today_mountain",
]

DEFAULT_RULES_PATH = Path(__file__).resolve().parent / "holidays" / "montana.yaml"
MOUNTAIN = ZoneInfo("America/Denver")

_ONE_DAY = timedelta(days=1)
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_SATURDAY, _SUNDAY = 5, 6
_SATURDAY_RULES = ("friday_before", "none")
_SUNDAY_RULES = ("monday_after", "none")
_ELECTION_EVERY = ("even_years", "odd_years", "every_year")
_REQUIRED_KEYS = ("weekend", "fixed", "nth_weekday")
_OPTIONAL_KEYS = ("observance", "election_day", "extra_closures", "not_closed")


class CalendarFileError(ValueError):
    """A holiday rules file (or mapping) is unreadable or breaks the expected shape."""


@dataclass(frozen=True)
class FixedHoliday:
    """A holiday on the same month and day every year."""

    name: str
    month: int
    day: int


@dataclass(frozen=True)
class NthWeekdayHoliday:
    """A holiday on the nth given weekday of a month (nth -1 is the last)."""

    name: str
    month: int
    weekday: int  # Monday == 0, as date.weekday()
    nth: int


@dataclass(frozen=True)
class ElectionDay:
    """The state general election day: first Tuesday after the first Monday in November."""

    name: str
    every: str  # one of _ELECTION_EVERY


@dataclass(frozen=True)
class Closure:
    """One specific date added to or removed from the closed days of a deployment."""

    day: date
    name: str


@dataclass(frozen=True)
class CalendarRules:
    """Validated holiday rules, as read from a rules file."""

    weekend: frozenset[int]
    fixed: tuple[FixedHoliday, ...]
    nth_weekday: tuple[NthWeekdayHoliday, ...]
    election_day: ElectionDay | None = None
    saturday_rule: str = "friday_before"
    sunday_rule: str = "monday_after"
    extra_closures: tuple[Closure, ...] = ()
    not_closed: tuple[Closure, ...] = ()


# --------------------------------------------------------------------------- parsing


def _fail(source: str, where: str, problem: str) -> CalendarFileError:
    return CalendarFileError(f"{source}: {where}: {problem}")


def _int_in(source: str, where: str, value: object, low: int, high: int) -> int:
    # bool is a subclass of int in Python; "month: yes" must not be read as 1.
    if isinstance(value, bool) or not isinstance(value, int):
        raise _fail(source, where, f"expected a whole number, got {value!r}")
    if not low <= value <= high:
        raise _fail(source, where, f"{value} is out of range {low}..{high}")
    return value


def _name(source: str, where: str, value: object) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, where, f"expected a non-empty name, got {value!r}")
    return value.strip()


def _weekday(source: str, where: str, value: object) -> int:
    if not isinstance(value, str) or value.strip().lower() not in _WEEKDAYS:
        raise _fail(
            source, where, f"expected a weekday name ({', '.join(_WEEKDAYS)}), got {value!r}"
        )
    return _WEEKDAYS.index(value.strip().lower())


def _choice(source: str, where: str, value: object, allowed: tuple[str, ...]) -> str:
    if value not in allowed:
        raise _fail(source, where, f"expected one of {', '.join(allowed)}, got {value!r}")
    return str(value)


def _entry(source: str, where: str, value: object, keys: tuple[str, ...]) -> Mapping[str, Any]:
    # Every list entry is a small mapping with exactly these keys; an unknown key is
    # almost always a typing mistake ("mnth"), so it is refused rather than ignored.
    if not isinstance(value, Mapping):
        raise _fail(source, where, f"expected a mapping with keys {', '.join(keys)}, got {value!r}")
    missing = [k for k in keys if k not in value]
    unknown = [str(k) for k in value if k not in keys]
    if missing:
        raise _fail(source, where, f"missing key(s): {', '.join(missing)}")
    if unknown:
        raise _fail(
            source, where, f"unknown key(s): {', '.join(unknown)}; expected {', '.join(keys)}"
        )
    return value


def _list(source: str, where: str, value: object) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise _fail(source, where, f"expected a list, got {value!r}")
    return value


def _date(source: str, where: str, value: object) -> date:
    # YAML turns an unquoted 2026-12-24 into a date; accept a quoted ISO string as well.
    # A datetime is a date subclass, but a closure is a whole day, so refuse it.
    if isinstance(value, datetime):
        raise _fail(source, where, f"expected a date (YYYY-MM-DD) without a time, got {value}")
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise _fail(source, where, f"expected a date written YYYY-MM-DD, got {value!r}")


def _closures(source: str, key: str, value: object, label: str) -> tuple[Closure, ...]:
    result = []
    for i, item in enumerate(_list(source, key, value)):
        where = f"{key}[{i}]"
        entry = _entry(source, where, item, ("date", label))
        result.append(
            Closure(
                _date(source, f"{where}.date", entry["date"]),
                _name(source, f"{where}.{label}", entry[label]),
            )
        )
    return tuple(result)


def parse_rules(data: object, source: str = "<rules>") -> CalendarRules:
    """Validate a mapping as loaded from a rules file and return the rules it describes."""
    if not isinstance(data, Mapping):
        raise _fail(source, "top level", f"expected a mapping of rule lists, got {data!r}")
    # Unknown keys first: a misspelt key ("fixd") is the likelier cause of a missing one.
    unknown = [str(k) for k in data if k not in _REQUIRED_KEYS + _OPTIONAL_KEYS]
    if unknown:
        raise _fail(
            source,
            "top level",
            f"unknown key(s): {', '.join(unknown)}; expected "
            f"{', '.join(_REQUIRED_KEYS + _OPTIONAL_KEYS)}",
        )
    for key in _REQUIRED_KEYS:
        if key not in data:
            raise _fail(source, "top level", f"missing key {key!r}")

    weekend_list = _list(source, "weekend", data["weekend"])
    weekend = [_weekday(source, f"weekend[{i}]", v) for i, v in enumerate(weekend_list)]
    if len(set(weekend)) != len(weekend):
        raise _fail(source, "weekend", "a weekday is listed twice")
    if len(weekend) >= 7:
        raise _fail(source, "weekend", "every day of the week is a weekend day")

    saturday_rule, sunday_rule = "friday_before", "monday_after"
    if data.get("observance") is not None:
        obs = _entry(source, "observance", data["observance"], ("saturday", "sunday"))
        saturday_rule = _choice(source, "observance.saturday", obs["saturday"], _SATURDAY_RULES)
        sunday_rule = _choice(source, "observance.sunday", obs["sunday"], _SUNDAY_RULES)

    fixed = []
    for i, item in enumerate(_list(source, "fixed", data["fixed"])):
        where = f"fixed[{i}]"
        entry = _entry(source, where, item, ("name", "month", "day"))
        month = _int_in(source, f"{where}.month", entry["month"], 1, 12)
        # 29 February exists only in leap years, so it cannot be a yearly holiday.
        last = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)[month - 1]
        day = _int_in(source, f"{where}.day", entry["day"], 1, last)
        fixed.append(FixedHoliday(_name(source, f"{where}.name", entry["name"]), month, day))

    nth_rules = []
    for i, item in enumerate(_list(source, "nth_weekday", data["nth_weekday"])):
        where = f"nth_weekday[{i}]"
        entry = _entry(source, where, item, ("name", "month", "weekday", "nth"))
        nth = entry["nth"]
        # A 5th weekday does not exist in every month, so only 1..4 and -1..-4 are allowed.
        if isinstance(nth, bool) or not isinstance(nth, int) or nth == 0 or not -4 <= nth <= 4:
            raise _fail(
                source, f"{where}.nth", f"expected 1, 2, 3, 4 or -1 (last) .. -4, got {nth!r}"
            )
        nth_rules.append(
            NthWeekdayHoliday(
                _name(source, f"{where}.name", entry["name"]),
                _int_in(source, f"{where}.month", entry["month"], 1, 12),
                _weekday(source, f"{where}.weekday", entry["weekday"]),
                nth,
            )
        )

    election = None
    if data.get("election_day") is not None:
        entry = _entry(source, "election_day", data["election_day"], ("name", "every"))
        election = ElectionDay(
            _name(source, "election_day.name", entry["name"]),
            _choice(source, "election_day.every", entry["every"], _ELECTION_EVERY),
        )

    extra = _closures(source, "extra_closures", data.get("extra_closures"), "name")
    opened = _closures(source, "not_closed", data.get("not_closed"), "reason")
    for key, items in (("extra_closures", extra), ("not_closed", opened)):
        seen: set[date] = set()
        for c in items:
            if c.day in seen:
                raise _fail(source, key, f"{c.day.isoformat()} is listed twice")
            seen.add(c.day)
    both = {c.day for c in extra} & {c.day for c in opened}
    if both:
        listed = ", ".join(sorted(d.isoformat() for d in both))
        raise _fail(source, "extra_closures/not_closed", f"{listed} is in both lists")

    return CalendarRules(
        weekend=frozenset(weekend),
        fixed=tuple(fixed),
        nth_weekday=tuple(nth_rules),
        election_day=election,
        saturday_rule=saturday_rule,
        sunday_rule=sunday_rule,
        extra_closures=extra,
        not_closed=opened,
    )


# --------------------------------------------------------------------------- rules → dates


def _nth_weekday(year: int, month: int, weekday: int, nth: int) -> date:
    if nth > 0:
        first = date(year, month, 1)
        return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (nth - 1))
    # Last (or nth-from-last) weekday: start from the last day of the month.
    last = (date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)) - _ONE_DAY
    return last - timedelta(days=(last.weekday() - weekday) % 7 + 7 * (-nth - 1))


def _election_day(year: int) -> date:
    # "First Tuesday after the first Monday" is the day after the first Monday (2..8 Nov).
    return _nth_weekday(year, 11, 0, 1) + _ONE_DAY


def _plain_date(d: date, what: str) -> date:
    # datetime is a subclass of date but never equals one, so a datetime would silently
    # miss every holiday in the lookup sets; make the caller convert (today_mountain).
    if isinstance(d, datetime) or not isinstance(d, date):
        raise TypeError(f"{what} must be a datetime.date, not {type(d).__name__}")
    return d


class BusinessCalendar:
    """Business days: not a weekend day, not an observed holiday, not an extra closure."""

    def __init__(self, rules: CalendarRules, source: str = "<rules>") -> None:
        """Build a calendar from validated rules; checks the per-deployment date lists."""
        self.rules = rules
        self.source = source
        self._weekend = rules.weekend
        # Observed holidays per year, computed once per year on first use; deadline
        # arithmetic then costs a set lookup per day.
        self._named: dict[int, dict[date, str]] = {}
        self._closed: dict[int, frozenset[date]] = {}
        self._opened = frozenset(c.day for c in rules.not_closed)
        self._check_overrides()

    @classmethod
    def from_file(cls, path: str | Path) -> BusinessCalendar:
        """Load and validate a YAML rules file (safe_load only)."""
        source = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise CalendarFileError(f"{source}: cannot read the file: {exc}") from exc
        try:
            data = yaml.safe_load(text)
        except (yaml.YAMLError, ValueError) as exc:
            # PyYAML raises a bare ValueError for a date-shaped value such as 2026-02-30.
            raise CalendarFileError(f"{source}: not valid YAML: {exc}") from exc
        return cls(parse_rules(data, source), source)

    @classmethod
    def from_mapping(cls, data: object, source: str = "<mapping>") -> BusinessCalendar:
        """Build a calendar from an already-loaded mapping of the rules-file shape."""
        return cls(parse_rules(data, source), source)

    # ----------------------------------------------------------------- holidays

    def _rule_holidays(self, year: int) -> list[tuple[date, str]]:
        # The holidays the rules define for `year`, each at its observed date, which
        # may fall in the previous or next year (31 Dec 2027 for 1 Jan 2028).
        rules = self.rules
        found: list[tuple[date, str]] = []
        for f in rules.fixed:
            found.append((date(year, f.month, f.day), f.name))
        for r in rules.nth_weekday:
            found.append((_nth_weekday(year, r.month, r.weekday, r.nth), r.name))
        e = rules.election_day
        if e is not None and (
            e.every == "every_year" or (e.every == "even_years") == (year % 2 == 0)
        ):
            found.append((_election_day(year), e.name))
        observed = []
        for day, name in found:
            # MCA 1-1-216(2): Sunday → following Monday, Saturday → preceding Friday.
            if day.weekday() == _SUNDAY and rules.sunday_rule == "monday_after":
                observed.append((day + _ONE_DAY, f"{name} (observed)"))
            elif day.weekday() == _SATURDAY and rules.saturday_rule == "friday_before":
                observed.append((day - _ONE_DAY, f"{name} (observed)"))
            else:
                observed.append((day, name))
        return observed

    def _named_for(self, year: int) -> dict[date, str]:
        cached = self._named.get(year)
        if cached is not None:
            return cached
        named: dict[date, str] = {}
        # Neighbouring years' rules can push an observed day into this year.
        for y in (year - 1, year, year + 1):
            if not date.min.year <= y <= date.max.year:
                continue
            for day, name in self._rule_holidays(y):
                if day.year == year:
                    if y != year:
                        # Say which year's holiday this is: "New Year's Day 2028 (observed)".
                        name = name.replace(" (observed)", f" {y} (observed)")
                    # Two holidays on one day stay one closed day; keep both names.
                    named[day] = f"{named[day]}; {name}" if day in named else name
        for c in self.rules.extra_closures:
            if c.day.year == year:
                named[c.day] = c.name
        for d in self._opened:
            named.pop(d, None)
        # _closed first: is_business_day relies on "_named has the year" implying "_closed
        # has it", which keeps the lazy fill safe when web threads share the calendar.
        self._closed[year] = frozenset(named)
        self._named[year] = named
        return named

    def _rules_close(self, d: date) -> bool:
        # Closed by the weekend or holiday rules alone, before the per-deployment lists.
        if d.weekday() in self._weekend:
            return True
        return any(
            day == d
            for day, _ in self._rule_holidays(d.year - 1)
            + self._rule_holidays(d.year)
            + self._rule_holidays(d.year + 1)
        )

    def _check_overrides(self) -> None:
        # An override that changes nothing is almost always a mistyped date; refusing it
        # at load time is better than a closure silently landing on the wrong day.
        for c in self.rules.extra_closures:
            if self._rules_close(c.day):
                raise CalendarFileError(
                    f"{self.source}: extra_closures: {c.day.isoformat()} ({c.day:%A}) is "
                    "already a weekend day or holiday, so the closure has no effect"
                )
        for c in self.rules.not_closed:
            if not self._rules_close(c.day):
                raise CalendarFileError(
                    f"{self.source}: not_closed: {c.day.isoformat()} ({c.day:%A}) is "
                    "already a business day, so the entry has no effect"
                )

    def holidays(self, year: int) -> dict[date, str]:
        """Observed holidays and extra closures falling in `year`, date → name, by date."""
        return dict(sorted(self._named_for(year).items()))

    # ----------------------------------------------------------------- business days

    def is_business_day(self, d: date) -> bool:
        """True when state offices are open on `d`."""
        return self._is_open(_plain_date(d, "d"))

    def _is_open(self, d: date) -> bool:
        # The unchecked fast path used inside the counting loops.
        if d in self._opened:
            return True
        if d.weekday() in self._weekend:
            return False
        closed = self._closed.get(d.year)
        if closed is None:
            self._named_for(d.year)
            closed = self._closed[d.year]
        return d not in closed

    def business_day_on_or_before(self, d: date) -> date:
        """`d` if it is a business day, else the previous business day."""
        d = _plain_date(d, "d")
        while not self._is_open(d):
            d -= _ONE_DAY
        return d

    def add_business_days(self, start: date, n: int) -> date:
        """The nth business day after `start` (MCA 1-1-306: skip the first day, count the last)."""
        # Counting only business days makes the statute's "a last day that is a holiday
        # is excluded too" automatic: the result is always a business day. n == 0 returns
        # `start` unchanged. Backward counting has no statutory meaning, so it is refused;
        # use safe_cutoff for "at least N days before" rules.
        if n < 0:
            raise ValueError(f"n must be 0 or more, got {n}")
        d = _plain_date(start, "start")
        while n:
            d += _ONE_DAY
            if self._is_open(d):
                n -= 1
        return d

    def business_days_between(self, start: date, end: date) -> int:
        """Business days after `start` up to and including `end`; negative when end < start."""
        start, end = _plain_date(start, "start"), _plain_date(end, "end")
        if end < start:
            return -self.business_days_between(end, start)
        # Weekdays in (start, end] by arithmetic, then correct for holidays and overrides
        # in the range; this costs O(years), not O(days).
        span = (end - start).days
        weeks, rest = divmod(span, 7)
        workdays_per_week = 7 - len(self._weekend)
        count = weeks * workdays_per_week
        wd = start.weekday()
        for i in range(1, rest + 1):
            if (wd + i) % 7 not in self._weekend:
                count += 1
        for year in range(start.year, end.year + 1):
            for h in self._named_for(year):
                if start < h <= end and h.weekday() not in self._weekend:
                    count -= 1
        for o in self._opened:
            if start < o <= end and o.weekday() in self._weekend:
                count += 1
        return count

    # ----------------------------------------------------------------- "days before" rules

    def latest_date_before(self, event_start: date, days: int) -> date:
        """Last date that is at least `days` calendar days before `event_start`."""
        if days < 0:
            raise ValueError(f"days must be 0 or more, got {days}")
        return _plain_date(event_start, "event_start") - timedelta(days=days)

    def safe_cutoff(self, event_start: date, days: int) -> date:
        """latest_date_before, moved back to a business day if it falls on a closed day."""
        return self.business_day_on_or_before(self.latest_date_before(event_start, days))


@functools.cache
def montana() -> BusinessCalendar:
    """The Montana calendar from the bundled rules file, loaded once per process."""
    return BusinessCalendar.from_file(DEFAULT_RULES_PATH)


def today_mountain(now: datetime | None = None) -> date:
    """Today's date in Montana (America/Denver); `now` must be timezone-aware."""
    if now is None:
        now = datetime.now(UTC)
    elif now.tzinfo is None or now.utcoffset() is None:
        # A naive datetime could be server-local or UTC; guessing would shift dates.
        raise ValueError("now must be a timezone-aware datetime")
    return now.astimezone(MOUNTAIN).date()
