"""Business-day calendar: MCA 1-1-216 holidays and MCA 1-1-306 counting (docs/domain.md)."""

from __future__ import annotations

import timeit
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from engine.runtime.calendar import (
    DEFAULT_RULES_PATH,
    BusinessCalendar,
    CalendarFileError,
    montana,
    today_mountain,
)

D = date


@pytest.fixture(scope="module")
def cal() -> BusinessCalendar:
    return montana()


def write_rules(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def rules_with(extra: str = "extra_closures: []", opened: str = "not_closed: []") -> str:
    """The shipped Montana file with its per-deployment lists replaced."""
    text = DEFAULT_RULES_PATH.read_text(encoding="utf-8")
    assert text.count("\nextra_closures: []\n") == 1
    assert text.count("\nnot_closed: []\n") == 1
    return text.replace("\nextra_closures: []\n", f"\n{extra}\n").replace(
        "\nnot_closed: []\n", f"\n{opened}\n"
    )


# -------------------------------------------------------- the examples of docs/domain.md


def test_worked_example_seven_business_days_skips_thanksgiving(cal: BusinessCalendar) -> None:
    assert cal.add_business_days(D(2025, 11, 21), 7) == D(2025, 12, 3)
    assert cal.business_days_between(D(2025, 11, 21), D(2025, 12, 3)) == 7


def test_worked_example_ten_days_prior(cal: BusinessCalendar) -> None:
    assert cal.latest_date_before(D(2026, 3, 16), 10) == D(2026, 3, 6)
    assert cal.safe_cutoff(D(2026, 3, 16), 10) == D(2026, 3, 6)  # a Friday: no move


# --------------------------------------------------------------------------- holiday lists

MONTANA_2026 = {
    D(2026, 1, 1): "New Year's Day",
    D(2026, 1, 19): "Martin Luther King Jr. Day",
    D(2026, 2, 16): "Lincoln's and Washington's Birthdays",
    D(2026, 5, 25): "Memorial Day",
    D(2026, 7, 3): "Independence Day (observed)",  # 4 July 2026 is a Saturday
    D(2026, 9, 7): "Labor Day",
    D(2026, 10, 12): "Columbus Day / Indigenous Peoples' Day",
    D(2026, 11, 3): "State general election day",
    D(2026, 11, 11): "Veterans' Day",
    D(2026, 11, 26): "Thanksgiving Day",
    D(2026, 12, 25): "Christmas Day",
}

MONTANA_2027 = {
    D(2027, 1, 1): "New Year's Day",
    D(2027, 1, 18): "Martin Luther King Jr. Day",
    D(2027, 2, 15): "Lincoln's and Washington's Birthdays",
    D(2027, 5, 31): "Memorial Day",
    D(2027, 7, 5): "Independence Day (observed)",  # 4 July 2027 is a Sunday
    D(2027, 9, 6): "Labor Day",
    D(2027, 10, 11): "Columbus Day / Indigenous Peoples' Day",
    D(2027, 11, 11): "Veterans' Day",
    D(2027, 11, 25): "Thanksgiving Day",
    D(2027, 12, 24): "Christmas Day (observed)",  # 25 Dec 2027 is a Saturday
    # 1 Jan 2028 is a Saturday; by design the observed Friday is listed under 2027,
    # the year it falls in.
    D(2027, 12, 31): "New Year's Day 2028 (observed)",
}


def test_montana_2026_in_full(cal: BusinessCalendar) -> None:
    assert cal.holidays(2026) == MONTANA_2026
    assert list(cal.holidays(2026)) == sorted(MONTANA_2026)


def test_montana_2027_in_full_without_election_day(cal: BusinessCalendar) -> None:
    assert cal.holidays(2027) == MONTANA_2027
    assert not any("election" in name.lower() for name in cal.holidays(2027).values())


def test_observed_new_year_2028_belongs_to_2027_and_is_closed() -> None:
    # A fresh calendar, so is_business_day must not rely on holidays(2027) having been
    # computed first (the date is looked up by its own year).
    fresh = BusinessCalendar.from_file(DEFAULT_RULES_PATH)
    assert fresh.is_business_day(D(2027, 12, 31)) is False
    assert D(2027, 12, 31) not in fresh.holidays(2028)
    assert D(2028, 1, 1) not in fresh.holidays(2028)
    assert min(fresh.holidays(2028)) == D(2028, 1, 17)
    assert fresh.is_business_day(D(2028, 1, 3)) is True
    assert fresh.add_business_days(D(2027, 12, 30), 1) == D(2028, 1, 3)


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        (2024, D(2024, 11, 5)),
        (2026, D(2026, 11, 3)),
        (2028, D(2028, 11, 7)),
        (2030, D(2030, 11, 5)),
        (2032, D(2032, 11, 2)),
    ],
)
def test_election_day_first_tuesday_after_first_monday_even_years(
    cal: BusinessCalendar, year: int, expected: date
) -> None:
    assert cal.holidays(year)[expected] == "State general election day"
    assert cal.is_business_day(expected) is False


@pytest.mark.parametrize("year", [2025, 2027, 2029, 2031])
def test_no_election_day_in_odd_years(cal: BusinessCalendar, year: int) -> None:
    first_monday = next(D(year, 11, d) for d in range(1, 8) if D(year, 11, d).weekday() == 0)
    assert cal.is_business_day(first_monday + timedelta(days=1)) is True


@pytest.mark.parametrize("year", range(2024, 2036))
def test_juneteenth_and_day_after_thanksgiving_are_business_days(
    cal: BusinessCalendar, year: int
) -> None:
    juneteenth = D(year, 6, 19)
    thanksgiving = next(d for d in cal.holidays(year) if d.month == 11 and d.day >= 22)
    assert thanksgiving.weekday() == 3
    friday_after = thanksgiving + timedelta(days=1)
    assert cal.is_business_day(friday_after) is True
    assert friday_after not in cal.holidays(year)
    assert juneteenth not in cal.holidays(year)
    if juneteenth.weekday() < 5:
        assert cal.is_business_day(juneteenth) is True
    # Nor is the federal Juneteenth observance rule applied.
    assert not any("juneteenth" in name.lower() for name in cal.holidays(year).values())


def test_weekends_are_not_business_days(cal: BusinessCalendar) -> None:
    assert cal.is_business_day(D(2026, 3, 7)) is False  # Saturday
    assert cal.is_business_day(D(2026, 3, 8)) is False  # Sunday
    assert cal.is_business_day(D(2026, 3, 9)) is True  # Monday


def test_holidays_returns_a_copy(cal: BusinessCalendar) -> None:
    cal.holidays(2026).clear()
    cal.holidays(2026)[D(2026, 3, 10)] = "not really"
    assert cal.holidays(2026) == MONTANA_2026
    assert cal.is_business_day(D(2026, 3, 10)) is True


def test_montana_is_cached() -> None:
    assert montana() is montana()


# --------------------------------------------------------------------------- counting

ADD_CASES = [
    # (start, n, expected, why)
    (D(2025, 11, 21), 7, D(2025, 12, 3), "docs/domain.md example, Thanksgiving skipped"),
    (D(2025, 11, 21), 1, D(2025, 11, 24), "Friday + 1 skips the weekend"),
    (D(2025, 11, 26), 1, D(2025, 11, 28), "Thanksgiving skipped, Friday after counts"),
    (D(2026, 1, 16), 1, D(2026, 1, 20), "weekend and MLK Day skipped"),
    (D(2026, 3, 6), 5, D(2026, 3, 13), "one calendar week"),
    (D(2026, 3, 7), 1, D(2026, 3, 9), "start on a Saturday"),
    (D(2026, 1, 1), 1, D(2026, 1, 2), "start on a holiday"),
    (D(2026, 5, 22), 10, D(2026, 6, 8), "Memorial Day skipped"),
    (D(2026, 6, 18), 1, D(2026, 6, 19), "Juneteenth is a business day"),
    (D(2026, 7, 2), 1, D(2026, 7, 6), "observed Independence Day Fri 3 Jul skipped"),
    (D(2026, 11, 2), 1, D(2026, 11, 4), "election day 2026 skipped"),
    (D(2027, 11, 2), 1, D(2027, 11, 3), "no election day in 2027"),
    (D(2026, 12, 24), 2, D(2026, 12, 29), "Christmas and weekend skipped"),
    (D(2027, 12, 23), 1, D(2027, 12, 27), "observed Christmas Fri 24 Dec 2027 skipped"),
    (D(2027, 12, 30), 1, D(2028, 1, 3), "observed New Year Fri 31 Dec 2027 skipped"),
    (D(2025, 12, 31), 250, D(2026, 12, 31), "all 250 business days of 2026"),
    (D(2026, 12, 31), 250, D(2027, 12, 30), "all 250 business days of 2027"),
]


@pytest.mark.parametrize(
    ("start", "n", "expected", "why"), ADD_CASES, ids=[c[3] for c in ADD_CASES]
)
def test_add_business_days(
    cal: BusinessCalendar, start: date, n: int, expected: date, why: str
) -> None:
    assert cal.add_business_days(start, n) == expected, why
    assert cal.business_days_between(start, expected) == n, why
    assert cal.business_days_between(expected, start) == -n, why


@pytest.mark.parametrize("start", [D(2026, 3, 9), D(2026, 3, 7), D(2026, 1, 1)])
def test_add_zero_business_days_returns_start(cal: BusinessCalendar, start: date) -> None:
    assert cal.add_business_days(start, 0) == start


BETWEEN_CASES = [
    (D(2026, 3, 9), D(2026, 3, 9), 0),
    (D(2026, 3, 6), D(2026, 3, 7), 0),  # Fri → Sat
    (D(2026, 3, 7), D(2026, 3, 8), 0),  # Sat → Sun
    (D(2026, 3, 6), D(2026, 3, 9), 1),  # Fri → Mon
    (D(2026, 3, 7), D(2026, 3, 9), 1),  # Sat → Mon
    (D(2026, 3, 9), D(2026, 3, 6), -1),
    (D(2025, 11, 26), D(2025, 11, 27), 0),  # Wed → Thanksgiving
    (D(2025, 11, 26), D(2025, 11, 30), 1),  # only the Friday after counts
    (D(2026, 6, 30), D(2026, 7, 6), 3),  # 1, 2, 6 July (3 July observed)
    (D(2026, 11, 1), D(2026, 11, 14), 8),  # two weeks less election day and Veterans' Day
    (D(2025, 12, 31), D(2026, 12, 31), 250),
    (D(2026, 12, 31), D(2027, 12, 31), 250),
    (D(2026, 12, 31), D(2025, 12, 31), -250),
]


@pytest.mark.parametrize(("start", "end", "expected"), BETWEEN_CASES)
def test_business_days_between(
    cal: BusinessCalendar, start: date, end: date, expected: int
) -> None:
    assert cal.business_days_between(start, end) == expected
    assert cal.business_days_between(end, start) == -expected


def _brute_between(cal: BusinessCalendar, start: date, end: date) -> int:
    sign = 1
    if end < start:
        start, end, sign = end, start, -1
    count, d = 0, start
    while d < end:
        d += timedelta(days=1)
        count += cal.is_business_day(d)
    return sign * count


def test_round_trip_over_four_years(cal: BusinessCalendar) -> None:
    start = D(2025, 1, 1)
    for offset in range((D(2029, 1, 1) - start).days):
        s = start + timedelta(days=offset)
        for n in (1, 2, 3, 5, 7, 10, 20):
            e = cal.add_business_days(s, n)
            assert cal.is_business_day(e), (s, n, e)
            assert cal.business_days_between(s, e) == n, (s, n, e)
            assert cal.business_days_between(e, s) == -n, (s, n, e)
            # e is the first date reaching n: one day earlier is still short of it.
            assert cal.business_days_between(s, e - timedelta(days=1)) == n - 1, (s, n, e)


def test_between_matches_day_by_day_count(cal: BusinessCalendar) -> None:
    # The arithmetic shortcut in business_days_between against a plain loop, including
    # spans that cross years and start or end on weekends and holidays.
    anchors = [D(2025, 12, 27), D(2026, 7, 3), D(2027, 1, 1), D(2027, 12, 24)]
    for a in anchors:
        for days in range(-400, 401, 13):
            b = a + timedelta(days=days)
            assert cal.business_days_between(a, b) == _brute_between(cal, a, b), (a, b)


def test_negative_count_is_refused(cal: BusinessCalendar) -> None:
    with pytest.raises(ValueError, match="0 or more"):
        cal.add_business_days(D(2026, 3, 9), -1)
    with pytest.raises(ValueError, match="0 or more"):
        cal.latest_date_before(D(2026, 3, 9), -1)


def test_datetime_is_refused(cal: BusinessCalendar) -> None:
    # datetime(2026, 1, 1) != date(2026, 1, 1), so it would miss the holiday set.
    with pytest.raises(TypeError, match="datetime.date"):
        cal.is_business_day(datetime(2026, 1, 1, 9, 0))
    with pytest.raises(TypeError, match="start"):
        cal.add_business_days(datetime(2026, 1, 1, 9, 0), 1)


def test_add_business_days_is_fast(cal: BusinessCalendar) -> None:
    cal.add_business_days(D(2026, 1, 2), 20)  # warm the per-year cache
    per_call = (
        min(timeit.repeat(lambda: cal.add_business_days(D(2026, 1, 2), 20), number=200, repeat=5))
        / 200
    )
    assert per_call < 200e-6  # microseconds, not milliseconds: no per-call YAML parse


# --------------------------------------------------------------------------- "days prior"


@pytest.mark.parametrize(
    ("event", "days", "latest", "safe"),
    [
        (D(2026, 3, 16), 10, D(2026, 3, 6), D(2026, 3, 6)),
        (D(2026, 3, 17), 10, D(2026, 3, 7), D(2026, 3, 6)),  # Saturday → Friday
        (D(2026, 3, 18), 10, D(2026, 3, 8), D(2026, 3, 6)),  # Sunday → Friday
        (D(2026, 7, 13), 10, D(2026, 7, 3), D(2026, 7, 2)),  # observed holiday → Thursday
        (D(2026, 7, 14), 10, D(2026, 7, 4), D(2026, 7, 2)),  # Sat + observed Fri → Thursday
        (D(2026, 1, 11), 10, D(2026, 1, 1), D(2025, 12, 31)),  # New Year → previous year
        (D(2026, 3, 16), 0, D(2026, 3, 16), D(2026, 3, 16)),
    ],
)
def test_latest_date_before_and_safe_cutoff(
    cal: BusinessCalendar, event: date, days: int, latest: date, safe: date
) -> None:
    assert cal.latest_date_before(event, days) == latest
    assert cal.safe_cutoff(event, days) == safe


# --------------------------------------------------------------------------- Mountain Time


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 3, 7, 5, 0, tzinfo=UTC), D(2026, 3, 6)),  # 22:00 MST on the 6th
        (datetime(2026, 3, 7, 6, 59, tzinfo=UTC), D(2026, 3, 6)),
        (datetime(2026, 3, 7, 7, 0, tzinfo=UTC), D(2026, 3, 7)),  # MST is UTC-7
        (datetime(2026, 7, 1, 5, 59, tzinfo=UTC), D(2026, 6, 30)),
        (datetime(2026, 7, 1, 6, 0, tzinfo=UTC), D(2026, 7, 1)),  # MDT is UTC-6
    ],
)
def test_today_mountain(now: datetime, expected: date) -> None:
    assert today_mountain(now) == expected


def test_today_mountain_default_is_now() -> None:
    before = datetime.now(UTC)
    today = today_mountain()
    after = datetime.now(UTC)
    assert type(today) is date
    assert today in {today_mountain(before), today_mountain(after)}


def test_today_mountain_refuses_naive_datetime() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        today_mountain(datetime(2026, 3, 7, 5, 0))


# --------------------------------------------------------------------------- per-deployment lists


def test_extra_closure_and_not_closed_are_honoured(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        rules_with(
            extra='extra_closures:\n  - {date: 2026-12-24, name: "Governor\'s closure"}',
            opened="not_closed:\n  - {date: 2026-10-12, reason: Open by executive order}\n"
            "  - {date: '2027-11-11', reason: Open for a test}",
        ),
    )
    custom = BusinessCalendar.from_file(path)

    assert custom.is_business_day(D(2026, 12, 24)) is False
    assert custom.holidays(2026)[D(2026, 12, 24)] == "Governor's closure"
    assert custom.add_business_days(D(2026, 12, 23), 1) == D(2026, 12, 28)

    assert custom.is_business_day(D(2026, 10, 12)) is True
    assert D(2026, 10, 12) not in custom.holidays(2026)
    assert custom.add_business_days(D(2026, 10, 9), 1) == D(2026, 10, 12)
    assert custom.is_business_day(D(2027, 11, 11)) is True

    assert custom.business_days_between(D(2025, 12, 31), D(2026, 12, 31)) == 250  # −1 +1
    assert custom.business_days_between(D(2026, 12, 31), D(2027, 12, 31)) == 251

    # The shared default calendar is not affected.
    assert montana().is_business_day(D(2026, 12, 24)) is True
    assert montana().is_business_day(D(2026, 10, 12)) is False


def test_not_closed_can_open_a_weekend_day(tmp_path: Path) -> None:
    path = write_rules(
        tmp_path,
        rules_with(opened="not_closed:\n  - {date: 2026-03-07, reason: Saturday processing day}"),
    )
    custom = BusinessCalendar.from_file(path)
    assert custom.is_business_day(D(2026, 3, 7)) is True
    assert custom.add_business_days(D(2026, 3, 6), 1) == D(2026, 3, 7)
    assert custom.business_days_between(D(2026, 3, 6), D(2026, 3, 9)) == 2


def test_shipped_file_has_no_deployment_overrides() -> None:
    rules = montana().rules
    assert rules.extra_closures == ()
    assert rules.not_closed == ()
    assert rules.weekend == frozenset({5, 6})


# --------------------------------------------------------------------------- broken files

BROKEN = [
    ("missing fixed", rules_with().replace("\nfixed:", "\nfixd:"), "unknown key(s): fixd"),
    (
        "bad month",
        rules_with().replace("month: 11, day: 11", "month: 13, day: 11"),
        "fixed[2].month: 13 is out of range 1..12",
    ),
    (
        "bad day",
        rules_with().replace("month: 7, day: 4", "month: 6, day: 31"),
        "fixed[1].day: 31 is out of range 1..30",
    ),
    (
        "bad weekday",
        rules_with().replace("weekday: thursday", "weekday: thursdy"),
        "nth_weekday[5].weekday: expected a weekday name",
    ),
    ("nth zero", rules_with().replace("nth: -1", "nth: 0"), "nth_weekday[2].nth"),
    ("nth five", rules_with().replace("nth: -1", "nth: 5"), "nth_weekday[2].nth"),
    (
        "election every",
        rules_with().replace("every: even_years", "every: sometimes"),
        "election_day.every: expected one of even_years, odd_years, every_year",
    ),
    (
        "observance",
        rules_with().replace("saturday: friday_before", "saturday: monday_after"),
        "observance.saturday",
    ),
    (
        "entry missing name",
        rules_with().replace('{name: "Labor Day", ', "{"),
        "nth_weekday[3]: missing key(s): name",
    ),
    (
        "entry extra key",
        rules_with().replace("nth: 3}", "nth: 3, year: 2026}", 1),
        "nth_weekday[0]: unknown key(s): year",
    ),
    (
        "boolean month",
        rules_with().replace("month: 1, day: 1", "month: yes, day: 1"),
        "fixed[0].month: expected a whole number",
    ),
    (
        "not a list",
        rules_with(extra="extra_closures: 2026-12-24"),
        "extra_closures: expected a list",
    ),
    (
        "closure without name",
        rules_with(extra="extra_closures:\n  - {date: 2026-12-24}"),
        "extra_closures[0]: missing key(s): name",
    ),
    (
        "closure bad date",
        rules_with(extra="extra_closures:\n  - {date: 'Dec 24', name: x}"),
        "extra_closures[0].date: expected a date written YYYY-MM-DD",
    ),
    (
        "closure datetime",
        rules_with(extra="extra_closures:\n  - {date: 2026-12-24 12:00:00, name: x}"),
        "without a time",
    ),
    (
        "impossible date",
        rules_with(extra="extra_closures:\n  - {date: 2026-02-30, name: x}"),
        "not valid YAML",
    ),
    (
        "closure on weekend",
        rules_with(extra="extra_closures:\n  - {date: 2026-12-26, name: x}"),
        "2026-12-26 (Saturday) is already a weekend day or holiday",
    ),
    (
        "closure on holiday",
        rules_with(extra="extra_closures:\n  - {date: 2026-07-03, name: x}"),
        "2026-07-03 (Friday) is already a weekend day or holiday",
    ),
    (
        "not_closed on business day",
        rules_with(opened="not_closed:\n  - {date: 2026-06-19, reason: x}"),
        "not_closed: 2026-06-19 (Friday) is already a business day",
    ),
    (
        "in both lists",
        rules_with(
            extra="extra_closures:\n  - {date: 2026-12-24, name: x}",
            opened="not_closed:\n  - {date: 2026-12-24, reason: y}",
        ),
        "2026-12-24 is in both lists",
    ),
    (
        "listed twice",
        rules_with(
            extra="extra_closures:\n  - {date: 2026-12-24, name: x}\n"
            "  - {date: 2026-12-24, name: y}"
        ),
        "2026-12-24 is listed twice",
    ),
    (
        "weekend twice",
        rules_with().replace("weekend: [saturday, sunday]", "weekend: [saturday, saturday]"),
        "weekend: a weekday is listed twice",
    ),
    ("top level list", "- 1\n- 2\n", "top level: expected a mapping"),
    ("empty file", "", "top level: expected a mapping"),
    ("bad yaml", "fixed: [\n", "not valid YAML"),
]


@pytest.mark.parametrize(
    ("text", "message"), [(t, m) for _, t, m in BROKEN], ids=[b[0] for b in BROKEN]
)
def test_broken_file_gives_clear_error(tmp_path: Path, text: str, message: str) -> None:
    path = write_rules(tmp_path, text)
    with pytest.raises(CalendarFileError) as info:
        BusinessCalendar.from_file(path)
    assert str(path) in str(info.value)
    assert message in str(info.value)


def test_missing_file_gives_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(CalendarFileError, match="cannot read the file"):
        BusinessCalendar.from_file(path)


def test_from_mapping_reports_its_source() -> None:
    with pytest.raises(CalendarFileError, match=r"^<mapping>: top level: missing key 'weekend'"):
        BusinessCalendar.from_mapping({"fixed": [], "nth_weekday": []})
    minimal = BusinessCalendar.from_mapping({"weekend": ["sunday"], "fixed": [], "nth_weekday": []})
    assert minimal.is_business_day(D(2026, 3, 7)) is True  # Saturday open in this calendar
    assert minimal.holidays(2026) == {}
