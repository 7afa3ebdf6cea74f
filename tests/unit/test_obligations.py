"""What is owed and when: obligations read from YAML, due dates, periods, reminder stages."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.runtime.calendar import montana
from engine.runtime.obligations import Owed, add_months, owed, reminder_stage
from engine.spec.conditions import ConditionInvalid, Context, Scope, parse_condition
from engine.spec.loader import load_definitions
from engine.spec.model import Due, EachItem, ObligationSpec, Periods, Reminders

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "definitions"

PER_DATE = ObligationSpec(
    name="count",
    label="Count",
    form="certificate_count",
    due=Due(30, business=False),
    each_item=EachItem("dates", "date", "session_title"),
    reminders=Reminders((7, 1), "remind", "due", "late"),
)
YEARLY = ObligationSpec(
    name="count",
    label="Count",
    form="certificate_count",
    due=Due(30, business=False),
    periods=Periods(12, "available_from", "available_until"),
)


def test_an_obligation_is_read_from_yaml_into_a_frozen_spec() -> None:
    definitions = load_definitions(
        sorted((FIXTURES / "forms").glob("*.yaml")),
        [FIXTURES / "workflows" / "owing.yaml"],
        FIXTURES / "templates",
    )
    spec = definitions.workflows["owing"].obligations["count"]
    assert spec.form == "rules"
    assert spec.due == Due(10, business=True)
    assert spec.each_item == EachItem("dates", "date", None)
    assert spec.periods is None
    assert spec.reminders == Reminders((7, 2), "submitted", "submitted", "approved")
    assert spec.where is not None and spec.where.line == 7
    transitions = {t.trigger: t for t in definitions.workflows["owing"].transitions}
    assert transitions["deliver"].roles == ("system",)
    assert [a.kind for a in transitions["list"].actions] == ["owe"]


def test_one_obligation_per_date_due_days_after_it() -> None:
    answers = {
        "dates": [
            {"date": "2027-03-16", "session_title": "Opening keynote"},
            {"date": "2027-03-16", "session_title": "Small groups"},
            {"date": "2027-03-18"},
            {"session_title": "No date yet"},
        ]
    }
    assert owed(PER_DATE, answers, date(2027, 1, 1), None) == [
        Owed(
            "date:2027-03-16",
            "Opening keynote (16 March 2027)",
            date(2027, 3, 16),
            date(2027, 4, 15),
        ),
        Owed(
            "date:2027-03-16#2",
            "Small groups (16 March 2027)",
            date(2027, 3, 16),
            date(2027, 4, 15),
        ),
        Owed("date:2027-03-18", "18 March 2027", date(2027, 3, 18), date(2027, 4, 17)),
    ]


def test_a_business_day_due_date_skips_weekends_and_montana_holidays() -> None:
    spec = ObligationSpec(
        name="count",
        label="Count",
        form="f",
        due=Due(7, business=True),
        each_item=EachItem("dates", "date"),
    )
    # Friday 21 November 2025 + 7 business days is Wednesday 3 December (Thanksgiving skipped).
    found = owed(spec, {"dates": [{"date": "2025-11-21"}]}, date(2025, 11, 1), montana())
    assert [o.due_on for o in found] == [date(2025, 12, 3)]


def test_a_self_paced_course_owes_a_count_per_year_once_each_year_begins() -> None:
    answers = {"available_from": "2027-03-01"}
    # Before it starts, the first year is owed already; the second appears when it begins.
    assert [o.key for o in owed(YEARLY, answers, date(2027, 2, 28), None)] == ["period:2027-03-01"]
    assert len(owed(YEARLY, answers, date(2028, 2, 29), None)) == 1
    assert [
        (o.key, o.opens_on, o.due_on) for o in owed(YEARLY, answers, date(2028, 3, 1), None)
    ] == [
        ("period:2027-03-01", date(2028, 3, 1), date(2028, 3, 30)),
        ("period:2028-03-01", date(2029, 3, 1), date(2029, 3, 30)),
    ]
    first = owed(YEARLY, answers, date(2027, 3, 1), None)[0]
    assert first.label == "1 March 2027 to 29 February 2028"


def test_the_last_period_ends_with_the_course() -> None:
    answers = {"available_from": "2027-03-01", "available_until": "2028-06-30"}
    found = owed(YEARLY, answers, date(2030, 1, 1), None)
    assert [(o.key, o.opens_on) for o in found] == [
        ("period:2027-03-01", date(2028, 3, 1)),
        ("period:2028-03-01", date(2028, 7, 1)),
    ]


def test_nothing_is_owed_without_dates() -> None:
    assert owed(PER_DATE, {}, date(2027, 1, 1), None) == []
    assert owed(YEARLY, {"available_from": "not a date"}, date(2027, 1, 1), None) == []


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2027, 1, 31), 1, date(2027, 2, 28)),
        (date(2028, 2, 29), 12, date(2029, 2, 28)),
        (date(2027, 11, 15), 3, date(2028, 2, 15)),
    ],
)
def test_add_months_keeps_the_day_when_it_exists(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


DUE = date(2027, 4, 15)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2027, 4, 7), None),
        (date(2027, 4, 8), ("before7:2027-04-15", "remind")),
        (date(2027, 4, 13), ("before7:2027-04-15", "remind")),
        (date(2027, 4, 14), ("before1:2027-04-15", "remind")),
        (date(2027, 4, 15), ("due:2027-04-15", "due")),
        (date(2027, 4, 16), ("overdue:2027-04-15", "late")),
        (date(2027, 9, 1), ("overdue:2027-04-15", "late")),
    ],
)
def test_the_latest_reminder_due_is_the_one_sent(
    today: date, expected: tuple[str, str] | None
) -> None:
    assert reminder_stage(PER_DATE, DUE, today) == expected


def test_without_reminder_templates_nothing_is_sent() -> None:
    assert reminder_stage(YEARLY, DUE, date(2027, 4, 15)) is None
    assert reminder_stage(YEARLY, DUE, date(2027, 5, 15)) is None


def test_obligations_met_asks_the_store_and_is_unknown_without_it() -> None:
    scope = Scope({}, obligations=frozenset({"count"}))
    met = parse_condition({"obligations_met": "count"}, scope)
    day = date(2027, 4, 1)
    assert met.evaluate(Context({}, day, obligations={"count": True})) is True
    assert met.evaluate(Context({}, day, obligations={"count": False})) is False
    assert met.evaluate(Context({}, day, obligations={})) is None  # nothing owed yet
    assert met.evaluate(Context({}, day)) is None
    assert met.describe() == "everything owed for 'count' is filed"


@pytest.mark.parametrize(
    ("raw", "scope", "message"),
    [
        ({"obligations_met": "count"}, Scope({}), "can only be used in a workflow guard"),
        (
            {"obligations_met": "cuont"},
            Scope({}, obligations=frozenset({"count"})),
            "there is no obligation 'cuont' under 'obligations:'; did you mean 'count'?",
        ),
        (
            {"obligations_met": "count", "equals": 1},
            Scope({}, obligations=frozenset({"count"})),
            "'equals' can't be used with 'obligations_met'",
        ),
    ],
)
def test_obligations_met_is_checked_when_loaded(
    raw: dict[str, object], scope: Scope, message: str
) -> None:
    with pytest.raises(ConditionInvalid) as refused:
        parse_condition(raw, scope)
    assert message in str(refused.value)
