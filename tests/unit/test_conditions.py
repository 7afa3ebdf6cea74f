"""The condition vocabulary: parsing, type checks, three-valued evaluation, describe(),
to_json(), and the browser mirror in static/js/conditions.js run side by side."""

from __future__ import annotations

import html
import json
import subprocess
import textwrap
from collections.abc import Mapping
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.spec.conditions import (
    Condition,
    ConditionInvalid,
    Context,
    RefInfo,
    Scope,
    parse_condition,
)

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "static" / "js" / "conditions.js"
TODAY = date(2026, 3, 10)  # a Tuesday

ORG_TYPE = RefInfo(
    "choice",
    "Type of eligible organization",
    {
        "government_agency": "A government agency",
        "school_district": "An accredited school or school district",
        "college": "An accredited college or university",
    },
)
FORMAT = RefInfo("choice", "Format", {"in_person": "In person", "live_virtual": "Live virtual"})
AUDIENCES = RefInfo(
    "choices", "Who is it for?", {"teachers": "Teachers", "other": "Others", "admins": "Admins"}
)
HAS_OTHERS = RefInfo("boolean", "Will other people enter events for your organization?")

FIELDS: dict[str, RefInfo] = {
    "org_type": ORG_TYPE,
    "format": FORMAT,
    "audiences": AUDIENCES,
    "has_other_users": HAS_OTHERS,
    "attest": RefInfo("boolean", "We will keep records"),
    "hours": RefInfo("number", "Hours"),
    "max_hours": RefInfo("number", "Most hours"),
    "start_date": RefInfo("date", "Start date"),
    "end_date": RefInfo("date", "End date"),
    "legal_name": RefInfo("text", "Legal name"),
    "city": RefInfo("text", "City"),
    "other_users": RefInfo("group", "Other users"),
    "dates": RefInfo("group", "Event dates"),
    "dates.first.date": RefInfo("date", "Event dates (first) Date"),
    "dates.last.date": RefInfo("date", "Event dates (last) Date"),
    "dates.min.date": RefInfo("date", "Event dates (min) Date"),
    "dates.max.date": RefInfo("date", "Event dates (max) Date"),
    "dates.first.hours": RefInfo("number", "Event dates (first) Hours"),
    "dates.min.hours": RefInfo("number", "Event dates (min) Hours"),
    "dates.max.hours": RefInfo("number", "Event dates (max) Hours"),
    "dates.first.format": RefInfo("choice", "Event dates (first) Format", FORMAT.options),
}
ITEM_FIELDS: dict[str, RefInfo] = {
    "date": RefInfo("date", "Date"),
    # Shadows the top-level `hours`: inside an item the sibling wins.
    "hours": RefInfo("number", "Hours of this session"),
    "format": FORMAT,
}
SCOPE = Scope(FIELDS)
ITEM_SCOPE = Scope(FIELDS, ITEM_FIELDS)


def parse(raw: Any, scope: Scope = SCOPE) -> Condition:
    return parse_condition(raw, scope)


def problems(raw: Any, scope: Scope = SCOPE) -> list[tuple[tuple[str | int, ...], str]]:
    with pytest.raises(ConditionInvalid) as caught:
        parse_condition(raw, scope)
    return caught.value.problems


def ctx(
    answers: Mapping[str, Any] | None = None,
    item: Mapping[str, Any] | None = None,
    calendar: Any = None,
    today: date = TODAY,
) -> Context:
    return Context(answers=answers or {}, today=today, item=item, calendar=calendar)


def run(raw: Any, answers: Mapping[str, Any] | None = None, **kw: Any) -> bool | None:
    scope = ITEM_SCOPE if "item" in kw else SCOPE
    return parse(raw, scope).evaluate(ctx(answers, **kw))


class WeekdayCalendar:
    """A tiny business calendar: weekdays count, except the listed holidays."""

    def __init__(self, holidays: tuple[date, ...] = ()) -> None:
        self.holidays = holidays
        self.calls: list[tuple[date, date]] = []

    def business_days_between(self, start: date, end: date) -> int:
        self.calls.append((start, end))
        step = 1 if end >= start else -1
        count, day = 0, start
        while day != end:
            day += timedelta(days=step)
            if day.weekday() < 5 and day not in self.holidays:
                count += step
        return count


# -- parsing: every operator -----------------------------------------------------------

PARSED: list[tuple[Any, dict[str, Any]]] = [
    (
        {"field": "org_type", "equals": "college"},
        {"op": "equals", "ref": "org_type", "kind": "choice", "value": "college"},
    ),
    (
        {"field": "org_type", "not_equals": "college"},
        {"op": "not_equals", "ref": "org_type", "kind": "choice", "value": "college"},
    ),
    (
        {"field": "org_type", "one_of": ["school_district", "college"]},
        {
            "op": "one_of",
            "ref": "org_type",
            "kind": "choice",
            "values": ["school_district", "college"],
        },
    ),
    (
        {"field": "audiences", "contains": "other"},
        {"op": "contains", "ref": "audiences", "kind": "choices", "value": "other"},
    ),
    (
        {"field": "has_other_users", "equals": True},
        {"op": "equals", "ref": "has_other_users", "kind": "boolean", "value": True},
    ),
    (
        {"field": "other_users", "is_filled": True},
        {"op": "is_filled", "ref": "other_users", "kind": "group", "value": True},
    ),
    (
        {"field": "legal_name", "is_filled": False},
        {"op": "is_filled", "ref": "legal_name", "kind": "text", "value": False},
    ),
    (
        {"field": "legal_name", "equals": "Acme"},
        {"op": "equals", "ref": "legal_name", "kind": "text", "value": "Acme"},
    ),
    (
        {"field": "hours", "greater_than": 3},
        {"op": "greater_than", "ref": "hours", "kind": "number", "value": 3},
    ),
    (
        {"field": "hours", "less_than": 2.5},
        {"op": "less_than", "ref": "hours", "kind": "number", "value": 2.5},
    ),
    (
        {"field": "hours", "at_least": 1},
        {"op": "at_least", "ref": "hours", "kind": "number", "value": 1},
    ),
    (
        {"field": "hours", "at_most": {"field": "max_hours"}},
        {"op": "at_most", "ref": "hours", "kind": "number", "value": {"ref": "max_hours"}},
    ),
    (
        {"field": "start_date", "before": date(2026, 1, 31)},
        {"op": "before", "ref": "start_date", "kind": "date", "value": "2026-01-31"},
    ),
    (
        {"field": "start_date", "after": "2026-01-31"},
        {"op": "after", "ref": "start_date", "kind": "date", "value": "2026-01-31"},
    ),
    (
        {"field": "start_date", "on_or_before": "today"},
        {"op": "on_or_before", "ref": "start_date", "kind": "date", "value": {"today": True}},
    ),
    (
        {"field": "end_date", "on_or_after": {"field": "start_date"}},
        {"op": "on_or_after", "ref": "end_date", "kind": "date", "value": {"ref": "start_date"}},
    ),
    (
        {"days_between": ["today", {"field": "dates.first.date"}], "at_least": 10},
        {
            "op": "days_between",
            "from": {"today": True},
            "to": {"ref": "dates.first.date"},
            "cmp": "at_least",
            "n": 10,
        },
    ),
    (
        {"business_days_between": [date(2026, 1, 2), "today"], "less_than": 7},
        {
            "op": "business_days_between",
            "from": "2026-01-02",
            "to": {"today": True},
            "cmp": "less_than",
            "n": 7,
        },
    ),
    (
        {"not": {"field": "format", "equals": "in_person"}},
        {
            "op": "not",
            "item": {"op": "equals", "ref": "format", "kind": "choice", "value": "in_person"},
        },
    ),
    (
        {
            "all": [
                {"field": "hours", "is_filled": True},
                {"any": [{"field": "city", "equals": "X"}]},
            ]
        },
        {
            "op": "all",
            "items": [
                {"op": "is_filled", "ref": "hours", "kind": "number", "value": True},
                {
                    "op": "any",
                    "items": [{"op": "equals", "ref": "city", "kind": "text", "value": "X"}],
                },
            ],
        },
    ),
]


@pytest.mark.parametrize(("raw", "expected"), PARSED)
def test_parses_every_operator_to_its_json(raw: Any, expected: dict[str, Any]) -> None:
    cond = parse(raw)
    assert cond.to_json() == expected
    # The JSON goes into an HTML attribute: it must serialise as plain JSON.
    assert json.loads(json.dumps(cond.to_json())) == expected


def test_every_day_count_comparison_parses() -> None:
    for cmp in ("equals", "greater_than", "less_than", "at_least", "at_most"):
        cond = parse({"days_between": ["today", "2026-04-01"], cmp: 3})
        assert cond.to_json()["cmp"] == cmp


def test_one_of_accepts_today_and_field_refs_for_dates() -> None:
    cond = parse({"field": "end_date", "one_of": ["today", {"field": "start_date"}, "2026-05-01"]})
    assert cond.to_json()["values"] == [{"today": True}, {"ref": "start_date"}, "2026-05-01"]


def test_sibling_ref_is_resolved_in_the_item_before_top_level() -> None:
    cond = parse({"field": "hours", "at_least": 2}, ITEM_SCOPE)
    assert cond.describe() == "Hours of this session is at least 2"
    assert cond.evaluate(ctx({"hours": 1}, item={"hours": 5})) is True
    assert cond.evaluate(ctx({"hours": 5}, item={"hours": 1})) is False


def test_top_level_refs_still_resolve_inside_an_item() -> None:
    cond = parse({"field": "end_date", "after": {"field": "date"}}, ITEM_SCOPE)
    assert cond.refs() == frozenset({"end_date", "date"})
    assert cond.evaluate(ctx({"end_date": "2026-05-02"}, item={"date": "2026-05-01"})) is True


def test_a_sibling_ref_without_an_item_is_unknown() -> None:
    cond = parse({"field": "date", "after": "2026-01-01"}, ITEM_SCOPE)
    assert cond.evaluate(ctx({"date": "2026-05-01"})) is None


# -- parsing: problems, with their paths -----------------------------------------------

PROBLEMS: list[tuple[Any, list[tuple[tuple[str | int, ...], str]]]] = [
    (
        {"field": "org_typ", "equals": "college"},
        [(("field",), "unknown field 'org_typ'; did you mean 'org_type'?")],
    ),
    (
        {"field": "zzzz", "equals": "college"},
        [(("field",), "unknown field 'zzzz'")],
    ),
    (
        {"field": "hours", "before": "2026-01-01"},
        [(("before",), "'before' compares dates, but 'Hours' is a number; use 'less_than'")],
    ),
    (
        {"field": "start_date", "greater_than": "2026-01-01"},
        [
            (
                ("greater_than",),
                "'greater_than' compares numbers, but 'Start date' is a date; use 'after'",
            )
        ],
    ),
    (
        {"field": "legal_name", "at_least": 3},
        [(("at_least",), "'at_least' compares numbers, but 'Legal name' is text")],
    ),
    (
        {"field": "format", "equals": "in-person"},
        [
            (
                ("equals",),
                "'in-person' is not an option of 'Format'; did you mean 'in_person'? "
                "(the options are: in_person, live_virtual)",
            )
        ],
    ),
    (
        {"field": "format", "one_of": ["in_person", "hybrid"]},
        [
            (
                ("one_of", 1),
                "'hybrid' is not an option of 'Format'; the options are: in_person, live_virtual",
            )
        ],
    ),
    (
        {"field": "format", "contains": "in_person"},
        [
            (
                ("contains",),
                "'contains' checks a multiple-choice question, but 'Format' is a single choice; "
                "use 'equals' or 'one_of'",
            )
        ],
    ),
    (
        {"field": "audiences", "contains": "everyone"},
        [
            (
                ("contains",),
                "'everyone' is not an option of 'Who is it for?'; "
                "the options are: teachers, other, admins",
            )
        ],
    ),
    (
        {"field": "audiences", "equals": "other"},
        [
            (
                ("equals",),
                "'equals' can't be used with 'Who is it for?', which allows several answers; "
                "use 'contains'",
            )
        ],
    ),
    (
        {"field": "org_type", "equal": "college"},
        [(("equal",), "unknown condition 'equal'; did you mean 'equals'?")],
    ),
    (
        {"field": "org_type", "equals": "college", "one_of": ["college"]},
        [
            (
                (),
                "compare in only one way per condition, but this one has 'equals' and 'one_of'; "
                "combine separate conditions with all: or any:",
            )
        ],
    ),
    (
        {"field": "hours"},
        [
            (
                (),
                "missing comparison for 'Hours': add one of equals, not_equals, one_of, "
                "greater_than, less_than, at_least, at_most, is_filled",
            )
        ],
    ),
    (
        {"field": "hours", "equals": "abc"},
        [(("equals",), "'Hours' is a number, so compare it with a number, not 'abc'")],
    ),
    (
        {"field": "hours", "equals": "12"},
        [
            (
                ("equals",),
                "'Hours' is a number, so compare it with a number, not '12' "
                "(write it without quotes)",
            )
        ],
    ),
    (
        {"field": "hours", "equals": True},
        [(("equals",), "'Hours' is a number, so compare it with a number, not true")],
    ),
    (
        {"field": "has_other_users", "equals": "maybe"},
        [
            (
                ("equals",),
                "'Will other people enter events for your organization?' is a yes/no question, "
                "so compare it with true or false, not 'maybe'",
            )
        ],
    ),
    (
        {"field": "start_date", "equals": "2026-13-01"},
        [(("equals",), "'2026-13-01' is not a real date; write a date like 2026-01-31")],
    ),
    (
        {"field": "start_date", "equals": "soon"},
        [
            (
                ("equals",),
                "'Start date' is a date, so compare it with a date like 2026-01-31 or today, "
                "not 'soon'",
            )
        ],
    ),
    (
        {"field": "start_date", "equals": datetime(2026, 1, 1, 9, 30)},
        [
            (
                ("equals",),
                "2026-01-01T09:30:00 has a time of day; write only the date, like 2026-01-31",
            )
        ],
    ),
    (
        {"field": "legal_name", "equals": 59601},
        [(("equals",), "'Legal name' is text, so put the value in quotes, like '59601'")],
    ),
    (
        {"field": "legal_name", "equals": None},
        [(("equals",), "write a value to compare 'Legal name' with")],
    ),
    (
        {"field": "legal_name", "is_filled": "yes"},
        [(("is_filled",), "'is_filled' takes true or false, not 'yes'")],
    ),
    (
        {"field": "other_users", "equals": "x"},
        [(("equals",), "'Other users' is a group of questions; only is_filled works on it")],
    ),
    (
        {"field": "end_date", "after": {"field": "hours"}},
        [
            (
                ("after", "field"),
                "'End date' is a date, but 'Hours' is a number; compare fields of the same kind",
            )
        ],
    ),
    (
        {"field": "end_date", "after": {"field": "strat_date"}},
        [(("after", "field"), "unknown field 'strat_date'; did you mean 'start_date'?")],
    ),
    (
        {"field": "end_date", "after": {"field": "start_date", "plus": 3}},
        [
            (
                ("after", "plus"),
                "a field to compare with is written {field: other_field} alone; remove 'plus'",
            )
        ],
    ),
    (
        {"field": "org_type", "one_of": "college"},
        [
            (
                ("one_of",),
                "'one_of' needs a list of values, like one_of: [a, b]; "
                "for a single value use equals",
            )
        ],
    ),
    (
        {"field": "org_type", "one_of": []},
        [(("one_of",), "'one_of' needs at least one value in its list")],
    ),
    (
        {"field": 3, "equals": 1},
        [(("field",), "'field' must be a field's id, like field: org_type, not 3")],
    ),
    (
        {"all": []},
        [(("all",), "'all' needs at least one condition in its list")],
    ),
    (
        {"any": {"field": "hours", "equals": 1}},
        [(("any",), "'any' needs a list of conditions, each on its own line starting with -")],
    ),
    (
        {"not": [{"field": "hours", "equals": 1}]},
        [
            (
                ("not",),
                "'not' takes one condition, not a list; to say that none of several hold, "
                "write not: {any: [...]}",
            )
        ],
    ),
    (
        {"all": [{"field": "hours", "equals": 1}], "field": "hours"},
        [
            (
                (),
                "a condition can do only one thing, but this one has 'all' and 'field'; "
                "put separate conditions in a list under all: or any:",
            )
        ],
    ),
    (
        {"al": [{"field": "hours", "equals": 1}]},
        [(("al",), "unknown condition 'al'; did you mean 'all'?")],
    ),
    (
        {"equals": 3},
        [((), "'equals' needs a field to compare: add field: and the field's id")],
    ),
    (
        "hours",
        [((), "expected a condition like {field: org_type, equals: college}, but found 'hours'")],
    ),
    (
        {},
        [((), "this condition is empty; write something like {field: org_type, equals: college}")],
    ),
    (
        {"any": [{"field": "hours", "equals": 1}], "equals": 1},
        [(("equals",), "'equals' can't be used with 'any'")],
    ),
    (
        {"field": "hours", True: 1},
        [((True,), "unknown condition 'True'")],
    ),
    (
        {"field": "hours", 2.5: 1},
        [(("2.5",), "unknown condition '2.5'")],
    ),
    (
        {"all": [{"field": "hours", "equals": 1}], "when": True},
        [(("when",), "unknown condition 'when'")],
    ),
    (
        {"days_between": ["today"], "at_least": 1},
        [
            (
                ("days_between",),
                "'days_between' needs two dates in a list, like "
                "days_between: [today, {field: a_date}]",
            )
        ],
    ),
    (
        {"days_between": ["today", {"field": "hours"}], "at_least": 1},
        [
            (
                ("days_between", 1, "field"),
                "'days_between' counts days between dates, but 'Hours' is a number",
            )
        ],
    ),
    (
        {"days_between": ["yesterday", "today"], "at_least": 1},
        [
            (
                ("days_between", 0),
                "'days_between' needs dates: today, {field: a_date} or a date like 2026-01-31, "
                "not 'yesterday'",
            )
        ],
    ),
    (
        {"business_days_between": ["today", "2026-04-01"], "at_least": 1.5},
        [(("at_least",), "'at_least' needs a whole number of days, like at_least: 10, not 1.5")],
    ),
    (
        {"days_between": ["today", "2026-04-01"], "before": 3},
        [
            (
                ("before",),
                "'before' can't be used with 'days_between'; "
                "use one of: equals, greater_than, less_than, at_least, at_most",
            )
        ],
    ),
    (
        {"days_between": ["today", "2026-04-01"]},
        [
            (
                (),
                "'days_between' needs a comparison: add one of equals, greater_than, less_than, "
                "at_least, at_most",
            )
        ],
    ),
    (
        {"days_between": ["today", "2026-04-01"], "at_lest": 3},
        [(("at_lest",), "unknown condition 'at_lest'; did you mean 'at_least'?")],
    ),
]


@pytest.mark.parametrize(("raw", "expected"), PROBLEMS)
def test_problem_messages_and_paths(
    raw: Any, expected: list[tuple[tuple[str | int, ...], str]]
) -> None:
    assert problems(raw) == expected


def test_every_problem_is_collected_with_its_path_before_raising() -> None:
    raw = {
        "all": [
            {"field": "format", "equals": "in-person"},
            {"field": "hours", "equal": 3},
            {"any": [{"field": "org_typ", "one_of": ["college"]}, {"not": "x"}]},
            {"field": "hours", "at_least": 1},
        ]
    }
    found = problems(raw)
    assert [path for path, _ in found] == [
        ("all", 0, "equals"),
        ("all", 1, "equal"),
        ("all", 2, "any", 0, "field"),
        ("all", 2, "any", 1, "not"),
    ]
    assert "did you mean 'equals'?" in found[1][1]
    assert "did you mean 'org_type'?" in found[2][1]


def test_condition_invalid_message_joins_the_problems() -> None:
    with pytest.raises(ConditionInvalid) as caught:
        parse({"any": [{"field": "a", "equals": 1}, {"field": "b", "equals": 1}]})
    assert str(caught.value) == "unknown field 'a'; unknown field 'b'"


def test_unknown_field_suggestions_include_siblings() -> None:
    assert problems({"field": "hour", "equals": 1}, ITEM_SCOPE)[0][1] == (
        "unknown field 'hour'; did you mean 'hours'?"
    )
    assert problems({"field": "dat", "is_filled": True}, ITEM_SCOPE)[0][1] == (
        "unknown field 'dat'; did you mean 'date'?"
    )


def test_yaml_yes_for_a_choice_gets_a_quoting_hint() -> None:
    scope = Scope({"answer": RefInfo("choice", "Answer", {"yes": "Yes", "no": "No"})})
    [(path, message)] = problems({"field": "answer", "equals": True}, scope)
    assert path == ("equals",)
    assert message.startswith("true is not an option of 'Answer'; the options are: yes, no")
    assert "put the option in quotes" in message


def test_yaml_text_loaded_conditions_parse() -> None:
    raw = yaml.safe_load(
        textwrap.dedent(
            """
            all:
              - {field: has_other_users, equals: yes}
              - {field: start_date, on_or_after: 2026-01-31}
              - {days_between: [today, {field: dates.first.date}], at_least: 10}
            """
        )
    )
    cond = parse(raw)
    assert cond.to_json()["items"][1]["value"] == "2026-01-31"
    assert cond.to_json()["items"][0]["value"] is True


def test_a_ref_to_a_kind_the_engine_does_not_know_is_a_problem() -> None:
    scope = Scope({"x": RefInfo("colour", "Colour")})
    assert problems({"field": "x", "equals": "red"}, scope) == [
        (("equals",), "'Colour' holds a kind of value conditions do not know: 'colour'")
    ]


# -- evaluation: three-valued logic ----------------------------------------------------

T, F, U = True, False, None
YES = {"field": "has_other_users", "equals": True}
# Two yes/no comparisons: answering True/False/None (missing) makes each T/F/U.
PAIR = [YES, {"field": "attest", "equals": True}]


def _answers(a: bool | None, b: bool | None) -> dict[str, Any]:
    return {"has_other_users": a, "attest": b}


ALL_TABLE = [
    (T, T, T), (T, F, F), (T, U, U),
    (F, T, F), (F, F, F), (F, U, F),
    (U, T, U), (U, F, F), (U, U, U),
]  # fmt: skip
ANY_TABLE = [
    (T, T, T), (T, F, T), (T, U, T),
    (F, T, T), (F, F, F), (F, U, U),
    (U, T, T), (U, F, U), (U, U, U),
]  # fmt: skip


@pytest.mark.parametrize(("a", "b", "expected"), ALL_TABLE)
def test_all_truth_table(a: bool | None, b: bool | None, expected: bool | None) -> None:
    assert run({"all": PAIR}, _answers(a, b)) is expected


@pytest.mark.parametrize(("a", "b", "expected"), ANY_TABLE)
def test_any_truth_table(a: bool | None, b: bool | None, expected: bool | None) -> None:
    assert run({"any": PAIR}, _answers(a, b)) is expected


@pytest.mark.parametrize(("a", "expected"), [(T, F), (F, T), (U, U)])
def test_not_keeps_unknown_unknown(a: bool | None, expected: bool | None) -> None:
    assert run({"not": YES}, {"has_other_users": a}) is expected


MISSING: list[Any] = [None, "", "   ", [], "not there"]


@pytest.mark.parametrize("missing", MISSING)
@pytest.mark.parametrize(
    "raw",
    [
        {"field": "org_type", "equals": "college"},
        {"field": "org_type", "not_equals": "college"},
        {"field": "org_type", "one_of": ["college"]},
        {"field": "legal_name", "equals": "Acme"},
        {"field": "legal_name", "not_equals": "Acme"},
    ],
)
def test_comparisons_on_a_missing_value_are_unknown(raw: dict[str, Any], missing: Any) -> None:
    answers = {} if missing == "not there" else {raw["field"]: missing}
    assert run(raw, answers) is None


COMPARISONS: list[tuple[dict[str, Any], dict[str, Any], bool | None]] = [
    ({"field": "org_type", "equals": "college"}, {"org_type": "college"}, True),
    ({"field": "org_type", "equals": "college"}, {"org_type": "school_district"}, False),
    ({"field": "org_type", "not_equals": "college"}, {"org_type": "school_district"}, True),
    ({"field": "org_type", "not_equals": "college"}, {"org_type": "college"}, False),
    (
        {"field": "org_type", "one_of": ["college", "school_district"]},
        {"org_type": "college"},
        True,
    ),
    ({"field": "org_type", "one_of": ["college"]}, {"org_type": "government_agency"}, False),
    ({"field": "org_type", "equals": "college"}, {"org_type": 7}, None),
    ({"field": "audiences", "contains": "other"}, {"audiences": ["teachers", "other"]}, True),
    ({"field": "audiences", "contains": "other"}, {"audiences": ["teachers"]}, False),
    ({"field": "audiences", "contains": "other"}, {"audiences": []}, None),
    ({"field": "audiences", "contains": "other"}, {"audiences": "other"}, None),
    ({"field": "has_other_users", "equals": True}, {"has_other_users": True}, True),
    ({"field": "has_other_users", "equals": False}, {"has_other_users": True}, False),
    ({"field": "has_other_users", "equals": True}, {"has_other_users": "yes"}, True),
    ({"field": "has_other_users", "equals": False}, {"has_other_users": "no"}, True),
    ({"field": "has_other_users", "equals": True}, {"has_other_users": "maybe"}, None),
    ({"field": "legal_name", "equals": "Acme"}, {"legal_name": "  Acme "}, True),
    ({"field": "legal_name", "equals": "Acme"}, {"legal_name": "acme"}, False),
    ({"field": "hours", "greater_than": 3}, {"hours": 4}, True),
    ({"field": "hours", "greater_than": 3}, {"hours": 3}, False),
    ({"field": "hours", "less_than": 3}, {"hours": 2.5}, True),
    ({"field": "hours", "at_least": 3}, {"hours": 3.0}, True),
    ({"field": "hours", "at_most": 3}, {"hours": 3.5}, False),
    ({"field": "hours", "equals": 3}, {"hours": 3.0}, True),
    ({"field": "hours", "equals": 1000}, {"hours": "1,000"}, True),
    ({"field": "hours", "at_least": 3}, {"hours": "abc"}, None),
    ({"field": "hours", "at_least": 3}, {"hours": "3 hours"}, None),
    ({"field": "hours", "at_least": 3}, {"hours": True}, None),
    ({"field": "hours", "at_least": 3}, {"hours": float("nan")}, None),
    ({"field": "hours", "at_least": 3}, {"hours": " 4 "}, True),
    ({"field": "hours", "at_most": {"field": "max_hours"}}, {"hours": 4, "max_hours": 5}, True),
    ({"field": "hours", "at_most": {"field": "max_hours"}}, {"hours": 6, "max_hours": 5}, False),
    ({"field": "hours", "at_most": {"field": "max_hours"}}, {"hours": 6}, None),
    ({"field": "hours", "at_most": {"field": "max_hours"}}, {"hours": 6, "max_hours": "x"}, None),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "2026-01-30"}, True),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "2026-01-31"}, False),
    ({"field": "start_date", "on_or_before": "2026-01-31"}, {"start_date": "2026-01-31"}, True),
    ({"field": "start_date", "after": "2026-01-31"}, {"start_date": "2026-02-01"}, True),
    ({"field": "start_date", "on_or_after": "today"}, {"start_date": "2026-03-10"}, True),
    ({"field": "start_date", "after": "today"}, {"start_date": "2026-03-10"}, False),
    ({"field": "start_date", "equals": "today"}, {"start_date": date(2026, 3, 10)}, True),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "2026-13-01"}, None),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "2026-02-30"}, None),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "20260101"}, None),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": "soon"}, None),
    ({"field": "start_date", "before": "2026-01-31"}, {"start_date": 20260101}, None),
    (
        {"field": "end_date", "on_or_after": {"field": "start_date"}},
        {"start_date": "2026-05-01", "end_date": "2026-04-30"},
        False,
    ),
    (
        {"field": "end_date", "on_or_after": {"field": "start_date"}},
        {"start_date": "2026-05-01", "end_date": "2026-05-01"},
        True,
    ),
    (
        {"field": "org_type", "one_of": ["college", {"field": "org_type"}]},
        {"org_type": "school_district"},
        True,
    ),
]


@pytest.mark.parametrize(("raw", "answers", "expected"), COMPARISONS)
def test_comparisons(raw: dict[str, Any], answers: dict[str, Any], expected: bool | None) -> None:
    assert run(raw, answers) is expected


def test_one_of_with_a_missing_value_ref_is_unknown_unless_another_matches() -> None:
    raw = {"field": "end_date", "one_of": [{"field": "start_date"}, "2026-05-01"]}
    assert run(raw, {"end_date": "2026-05-01"}) is True
    assert run(raw, {"end_date": "2026-05-02"}) is None
    assert run(raw, {"end_date": "2026-05-02", "start_date": "2026-01-01"}) is False


IS_FILLED: list[tuple[str, Any, bool]] = [
    ("legal_name", "Acme", True),
    ("legal_name", "  ", False),
    ("legal_name", None, False),
    ("hours", 0, True),
    ("hours", "abc", False),  # what is not a number counts as missing
    ("start_date", "2026-01-01", True),
    ("start_date", "2026-02-31", False),
    ("org_type", "college", True),
    ("org_type", "", False),
    ("audiences", ["other"], True),
    ("audiences", [], False),
    ("has_other_users", False, True),  # "no" is an answer
    ("has_other_users", None, False),
    ("other_users", [{"name": "A"}], True),
    ("other_users", [], False),
    ("other_users", "junk", False),
]


@pytest.mark.parametrize(("ref", "value", "filled"), IS_FILLED)
def test_is_filled_is_never_unknown(ref: str, value: Any, filled: bool) -> None:
    assert run({"field": ref, "is_filled": True}, {ref: value}) is filled
    assert run({"field": ref, "is_filled": False}, {ref: value}) is (not filled)


def test_is_filled_on_an_absent_key() -> None:
    assert run({"field": "legal_name", "is_filled": False}, {}) is True


# -- group aggregates ------------------------------------------------------------------

DATES = {
    "dates": [
        {"date": "2026-04-10", "hours": 2},
        {"date": "2026-03-20", "hours": "abc"},
        {"date": "2026-13-40", "hours": 6},
        {"date": "2026-05-01", "hours": 1.5, "format": "live_virtual"},
    ]
}


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ({"field": "dates.first.date", "equals": "2026-04-10"}, True),
        ({"field": "dates.last.date", "equals": "2026-05-01"}, True),
        ({"field": "dates.min.date", "equals": "2026-03-20"}, True),  # invalid one skipped
        ({"field": "dates.max.date", "equals": "2026-05-01"}, True),
        ({"field": "dates.min.hours", "equals": 1.5}, True),
        ({"field": "dates.max.hours", "equals": 6}, True),
        ({"field": "dates.first.hours", "equals": 2}, True),
        ({"field": "dates.first.format", "is_filled": True}, False),
        ({"field": "dates", "is_filled": True}, True),
    ],
)
def test_group_aggregates(raw: dict[str, Any], expected: bool) -> None:
    assert run(raw, DATES) is expected


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"dates": []},
        {"dates": "junk"},
        {"dates": ["junk"]},
        {"dates": [{"date": "nope"}, {"date": ""}]},
    ],
)
@pytest.mark.parametrize("how", ["first", "last", "min", "max"])
def test_group_aggregates_without_usable_values_are_unknown(
    answers: dict[str, Any], how: str
) -> None:
    assert run({"field": f"dates.{how}.date", "after": "2000-01-01"}, answers) is None


def test_first_is_item_zero_even_when_it_is_empty() -> None:
    answers = {"dates": [{"date": ""}, {"date": "2026-04-10"}]}
    assert run({"field": "dates.first.date", "is_filled": True}, answers) is False
    assert run({"field": "dates.min.date", "is_filled": True}, answers) is True


# -- counting days ---------------------------------------------------------------------


UNTIL_START = {"days_between": ["today", {"field": "start_date"}]}


@pytest.mark.parametrize(
    ("raw", "answers", "expected"),
    [
        ({**UNTIL_START, "at_least": 10}, {"start_date": "2026-03-20"}, True),
        ({**UNTIL_START, "at_least": 10}, {"start_date": "2026-03-19"}, False),
        ({**UNTIL_START, "equals": -10}, {"start_date": "2026-02-28"}, True),
        ({**UNTIL_START, "at_least": 10}, {"start_date": "bad"}, None),
        ({**UNTIL_START, "at_least": 10}, {}, None),
        ({"days_between": [{"field": "start_date"}, {"field": "end_date"}], "at_most": 30},
         {"start_date": "2026-01-31", "end_date": "2026-03-02"}, True),
        ({"days_between": [{"field": "start_date"}, {"field": "end_date"}], "greater_than": 30},
         {"start_date": "2026-01-31", "end_date": "2026-03-02"}, False),
        ({"days_between": ["2026-03-01", "today"], "equals": 9}, {}, True),
        ({"days_between": ["today", {"field": "dates.first.date"}], "less_than": 32}, DATES, True),
    ],
)  # fmt: skip
def test_days_between(raw: dict[str, Any], answers: dict[str, Any], expected: bool | None) -> None:
    assert run(raw, answers) is expected


def test_business_days_between_uses_the_calendar() -> None:
    calendar = WeekdayCalendar(holidays=(date(2026, 3, 13),))
    raw = {"business_days_between": ["today", {"field": "start_date"}], "at_least": 5}
    # Tue 10 Mar -> Tue 17 Mar: Wed, Thu, (Fri holiday), Mon, Tue = 4 business days.
    assert run(raw, {"start_date": "2026-03-17"}, calendar=calendar) is False
    assert calendar.calls == [(TODAY, date(2026, 3, 17))]
    assert run(raw, {"start_date": "2026-03-18"}, calendar=calendar) is True
    assert run(raw, {"start_date": "nope"}, calendar=calendar) is None


def test_business_days_between_without_a_calendar_fails_loudly() -> None:
    cond = parse({"business_days_between": ["today", "2026-04-01"], "at_least": 5})
    with pytest.raises(RuntimeError, match="business-day calendar"):
        cond.evaluate(ctx())


def test_business_days_inside_all_still_needs_a_calendar() -> None:
    cond = parse(
        {
            "all": [
                {"field": "hours", "equals": 99},
                {"business_days_between": ["today", "2026-04-01"], "at_least": 5},
            ]
        }
    )
    # The first part is already false, but a missing calendar is a setup bug to surface.
    with pytest.raises(RuntimeError):
        cond.evaluate(ctx({"hours": 1}))


# -- refs ------------------------------------------------------------------------------


def test_refs_include_value_refs_and_date_expressions() -> None:
    cond = parse(
        {
            "all": [
                {"field": "end_date", "on_or_after": {"field": "start_date"}},
                {"days_between": ["today", {"field": "dates.first.date"}], "at_least": 1},
                {"not": {"field": "hours", "one_of": [1, {"field": "max_hours"}]}},
                {"field": "audiences", "contains": "other"},
            ]
        }
    )
    assert cond.refs() == frozenset(
        {"end_date", "start_date", "dates.first.date", "hours", "max_hours", "audiences"}
    )


def test_refs_of_a_literal_only_day_count_is_empty() -> None:
    assert parse({"days_between": ["today", "2026-04-01"], "at_least": 1}).refs() == frozenset()


# -- describe --------------------------------------------------------------------------

DESCRIBED: list[tuple[Any, str]] = [
    (
        {"field": "org_type", "one_of": ["school_district", "college"]},
        "Type of eligible organization is An accredited school or school district "
        "or An accredited college or university",
    ),
    ({"field": "audiences", "contains": "other"}, "Who is it for? includes Others"),
    (
        {"field": "has_other_users", "equals": True},
        "Will other people enter events for your organization? is yes",
    ),
    (
        {"field": "has_other_users", "equals": False},
        "Will other people enter events for your organization? is no",
    ),
    (
        {"field": "end_date", "on_or_after": {"field": "start_date"}},
        "End date is on or after Start date",
    ),
    (
        {"days_between": ["today", {"field": "dates.first.date"}], "at_least": 10},
        "there are at least 10 days from today to Event dates (first) Date",
    ),
    (
        {"business_days_between": [{"field": "start_date"}, "today"], "equals": 1},
        "there are exactly 1 business day from Start date to today",
    ),
    ({"field": "start_date", "before": "2026-01-31"}, "Start date is before January 31, 2026"),
    ({"field": "start_date", "after": "today"}, "Start date is after today"),
    ({"field": "hours", "greater_than": 2.5}, "Hours is more than 2.5"),
    ({"field": "hours", "at_most": 10.0}, "Hours is at most 10"),
    ({"field": "legal_name", "not_equals": "Acme"}, 'Legal name is not "Acme"'),
    ({"field": "legal_name", "is_filled": True}, "Legal name is filled in"),
    ({"field": "other_users", "is_filled": True}, "Other users has at least one entry"),
    ({"not": {"field": "legal_name", "is_filled": True}}, "Legal name is not filled in"),
    ({"not": {"field": "format", "equals": "in_person"}}, "Format is not In person"),
    (
        {"not": {"field": "audiences", "contains": "other"}},
        "Who is it for? does not include Others",
    ),
    (
        {
            "not": {
                "any": [{"field": "hours", "at_least": 3}, {"field": "city", "equals": "Helena"}]
            }
        },
        'it is not true that (Hours is at least 3 or City is "Helena")',
    ),
    (
        {
            "all": [
                {"field": "has_other_users", "equals": True},
                {
                    "any": [
                        {"field": "hours", "at_least": 3},
                        {"field": "format", "equals": "in_person"},
                    ]
                },
                {"not": {"field": "hours", "one_of": [1, 2]}},
            ]
        },
        "Will other people enter events for your organization? is yes and "
        "(Hours is at least 3 or Format is In person) and "
        "(it is not true that Hours is 1 or 2)",
    ),
]


@pytest.mark.parametrize(("raw", "text"), DESCRIBED)
def test_describe(raw: Any, text: str) -> None:
    assert parse(raw).describe() == text


# -- the browser mirror ----------------------------------------------------------------

NODE_HARNESS = """
const fs = require("fs");
const vm = require("vm");
const sandbox = { window: {} };
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), sandbox, { filename: "conditions.js" });
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const results = cases.map((c) => {
  const has = (ref) => Object.prototype.hasOwnProperty.call(c.table, ref);
  const lookup = (ref) => (has(ref) ? c.table[ref] : undefined);
  return sandbox.window.FormConditions.evaluate(c.json, lookup, c.today);
});
process.stdout.write(JSON.stringify(results));
"""


def _lookup_table(
    cond: Condition, answers: Mapping[str, Any], item: Mapping[str, Any] | None, scope: Scope
) -> dict[str, Any]:
    """What the page would give the browser for each ref: the mirror of Context lookups."""
    table: dict[str, Any] = {}
    for ref in cond.refs():
        if scope.item_fields and ref in scope.item_fields:
            table[ref] = (item or {}).get(ref)
        elif ref.count(".") == 2:
            group, _, sub = ref.split(".")
            items = answers.get(group)
            table[ref] = (
                [i.get(sub) if isinstance(i, dict) else None for i in items]
                if isinstance(items, list)
                else items
            )
        else:
            table[ref] = answers.get(ref)
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in table.items()}


MIRRORED: list[tuple[Any, dict[str, Any], dict[str, Any] | None]] = [
    # NaN has no JSON form: the page can never hand it to the browser.
    *((raw, answers, None) for raw, answers, _ in COMPARISONS
      if answers.get("hours") == answers.get("hours")),
    *((raw, DATES, None) for raw in [
        {"field": "dates.first.date", "equals": "2026-04-10"},
        {"field": "dates.last.date", "equals": "2026-05-01"},
        {"field": "dates.min.date", "equals": "2026-03-20"},
        {"field": "dates.max.hours", "equals": 6},
        {"field": "dates.min.hours", "at_least": 2},
        {"field": "dates", "is_filled": True},
        {"days_between": ["today", {"field": "dates.first.date"}], "less_than": 32},
        {"days_between": ["today", {"field": "dates.max.date"}], "equals": 52},
    ]),
    ({"field": "dates.first.date", "is_filled": True}, {"dates": []}, None),
    ({"field": "dates.max.hours", "at_least": 1}, {"dates": [{"hours": "x"}]}, None),
    ({"field": "other_users", "is_filled": False}, {"other_users": []}, None),
    ({"field": "audiences", "is_filled": True}, {"audiences": ["", None]}, None),
    ({"field": "hours", "at_least": 2}, {"hours": 1}, {"hours": "3"}),
    ({"field": "hours", "at_least": 2}, {"hours": 3}, {"hours": ""}),
    ({"field": "format", "equals": "in_person"}, {}, {"format": "in_person"}),
    ({"field": "end_date", "after": {"field": "date"}}, {"end_date": "2026-05-02"},
     {"date": "2026-05-01"}),
    ({"field": "hours", "equals": 1e3}, {"hours": "1e3"}, None),
    ({"field": "hours", "less_than": 0}, {"hours": "-.5"}, None),
    ({"field": "hours", "less_than": 0}, {"hours": "1e999"}, None),
    ({"field": "start_date", "after": "0001-01-01"}, {"start_date": "0000-01-01"}, None),
    ({"field": "start_date", "after": "1899-12-31"}, {"start_date": "0099-01-01"}, None),
    ({"field": "start_date", "equals": "2024-02-29"}, {"start_date": "2024-02-29"}, None),
    ({"field": "start_date", "equals": "2024-02-29"}, {"start_date": "2023-02-29"}, None),
    ({"days_between": ["1970-01-01", "today"], "greater_than": 20000}, {}, None),
    ({"not": {"all": [YES, {"field": "legal_name", "is_filled": True}]}},
     {"has_other_users": "yes", "legal_name": ""}, None),
    ({"any": [{"field": "hours", "at_least": 2}, {"field": "city", "equals": "Helena"}]},
     {"city": " Helena "}, None),
    ({"all": [{"field": "hours", "at_least": 2}, {"field": "city", "equals": "Helena"}]},
     {"city": "Butte"}, None),
]  # fmt: skip


def test_browser_mirror_agrees_with_python() -> None:
    cases = []
    expected = []
    for raw, answers, item in MIRRORED:
        scope = ITEM_SCOPE if item is not None else SCOPE
        cond = parse(raw, scope)
        expected.append(cond.evaluate(ctx(answers, item=item)))
        cases.append(
            {
                "json": cond.to_json(),
                "table": _lookup_table(cond, answers, item, scope),
                "today": TODAY.isoformat(),
            }
        )
    out = subprocess.run(
        ["node", "-e", NODE_HARNESS, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    got = json.loads(out.stdout)
    mismatches = [
        (raw, answers, item, want, have)
        for (raw, answers, item), want, have in zip(MIRRORED, expected, got, strict=True)
        if want is not have and want != have
    ]
    assert not mismatches
    # The table is not trivial: every outcome occurs.
    assert {True, False, None} <= set(expected)


def test_browser_mirror_business_days_are_unknown_and_flagged() -> None:
    cond = parse(
        {
            "any": [
                {"field": "hours", "at_least": 99},
                {"business_days_between": ["today", "2026-04-01"], "at_least": 1},
            ]
        }
    )
    script = NODE_HARNESS.replace(
        "process.stdout.write(JSON.stringify(results));",
        "results.push(sandbox.window.FormConditions.usesBusinessDays(cases[0].json));"
        "process.stdout.write(JSON.stringify(results));",
    )
    case = {"json": cond.to_json(), "table": {"hours": 1}, "today": TODAY.isoformat()}
    out = subprocess.run(
        ["node", "-e", script, str(SCRIPT)],
        input=json.dumps([case]),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(out.stdout) == [None, True]


# -- the browser mirror on a real page -------------------------------------------------


def _attr(raw: Any, scope: Scope = SCOPE) -> str:
    return html.escape(json.dumps(parse(raw, scope).to_json()), quote=True)


PAGE = f"""<!doctype html>
<html data-today="2026-03-10"><body><form>
<fieldset data-kind="boolean">
  <input type="radio" name="has_other_users" value="yes" data-kind="boolean">
  <input type="radio" name="has_other_users" value="no" data-kind="boolean">
</fieldset>
<div id="users" data-show-if="{_attr({"field": "has_other_users", "equals": True})}">users</div>
<input type="checkbox" name="audiences" value="teachers">
<input type="checkbox" name="audiences" value="other">
<div id="aud_other" data-show-if="{_attr({"field": "audiences", "contains": "other"})}">x</div>
<select name="org_type"><option value=""></option><option value="college">C</option>
  <option value="government_agency">G</option></select>
<div id="accreditor"
  data-show-if="{_attr({"field": "org_type", "one_of": ["college", "school_district"]})}">a</div>
<input type="number" name="hours">
<div id="many_hours" data-show-if="{_attr({"field": "hours", "at_least": 3})}">h</div>
<input type="checkbox" name="attest" value="yes" data-kind="boolean">
<div id="not_attested" data-show-if="{_attr({"not": {"field": "attest", "equals": True}})}">n</div>
<input type="date" name="dates-0-date" value="2026-04-10">
<input type="date" name="dates-1-date" value="2026-03-12">
<div id="soon"
  data-show-if="{_attr({"days_between": ["today", {"field": "dates.min.date"}], "less_than": 7})}"
  >s</div>
<div id="first_late"
  data-show-if="{_attr({"field": "dates.first.date", "after": "2026-04-01"})}">f</div>
<div id="item1" data-item-prefix="dates-1-"
  data-show-if="{_attr({"field": "date", "before": "2026-03-20"}, ITEM_SCOPE)}">i</div>
<div id="item0" data-item-prefix="dates-0-"
  data-show-if="{_attr({"field": "date", "before": "2026-03-20"}, ITEM_SCOPE)}">i</div>
<div id="bdays" data-show-if="{
    _attr({"business_days_between": ["today", "2026-04-01"], "at_least": 99})
}">b</div>
<div id="broken" data-show-if="{{not json">!</div>
</form></body></html>"""


@pytest.mark.browser
def test_page_shows_and_hides_as_the_applicant_answers() -> None:
    from playwright import sync_api

    # `make test` installs Debian's Chromium; a missing browser must fail, not skip.
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--headless", "--no-sandbox"]
        )
        try:
            page = browser.new_page()
            page.set_content(PAGE)
            page.add_script_tag(path=str(SCRIPT))

            def hidden() -> set[str]:
                found: list[str] = page.eval_on_selector_all(
                    "[data-show-if]", "els => els.filter(e => e.hidden).map(e => e.id)"
                )
                return set(found)

            assert page.evaluate("document.documentElement.classList.contains('js')")
            # Nothing answered: unknown hides; an unticked attestation is a "no", so the
            # "not attested" note shows; business days and broken JSON fail open.
            assert hidden() == {"users", "aud_other", "accreditor", "many_hours", "item0"}
            page.check("input[name=has_other_users][value=yes]")
            page.check("input[name=audiences][value=other]")
            page.select_option("select[name=org_type]", "college")
            page.fill("input[name=hours]", "5")
            page.check("input[name=attest]")
            assert hidden() == {"not_attested", "item0"}
            page.check("input[name=has_other_users][value=no]")
            page.uncheck("input[name=audiences][value=other]")
            page.fill("input[name=hours]", "2")
            # The second item's date moves: its own sibling condition and the min change.
            page.fill("input[name=dates-1-date]", "2026-03-30")
            assert hidden() == {
                "users", "aud_other", "many_hours", "not_attested", "soon", "item0", "item1"
            }  # fmt: skip
            page.fill("input[name=dates-0-date]", "2026-03-11")
            assert hidden() == {
                "users", "aud_other", "many_hours", "not_attested", "first_late", "item1"
            }  # fmt: skip
        finally:
            browser.close()
