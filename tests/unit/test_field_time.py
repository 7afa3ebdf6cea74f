"""The time field type: reading US-style times, checking, showing, defaults and conditions
(on the server and in the browser's mirror)."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Mapping
from datetime import date, time
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from engine.platform.web.form_view import page_fields
from engine.runtime.answers import display_value, read_page
from engine.runtime.listing_items import ListedDate, listed_item
from engine.runtime.validation import FormValidator
from engine.spec.conditions import ConditionInvalid, Context, RefInfo, Scope, parse_condition
from engine.spec.errors import DefinitionsInvalid
from engine.spec.fields import field_type
from engine.spec.loader import load_definitions, load_texts
from engine.spec.model import FormSpec, ListingDates, ListingSpec
from engine.spec.time_of_day import format_time, parse_time

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "tests" / "fixtures" / "runtime" / "forms" / "times.yaml"
SCRIPT = ROOT / "static" / "js" / "conditions.js"
TODAY = date(2026, 1, 10)


@pytest.fixture(scope="module")
def form() -> FormSpec:
    loaded = load_definitions([FORM], [], ROOT / "tests" / "fixtures" / "definitions" / "templates")
    return loaded.forms["times"]


TYPED = [
    ("9:00 AM", time(9, 0)),
    ("9am", time(9, 0)),
    ("9 a.m.", time(9, 0)),
    ("9:30 pm", time(21, 30)),
    ("9:30PM", time(21, 30)),
    ("12:15 PM", time(12, 15)),
    ("12:15 am", time(0, 15)),
    ("12 pm", time(12, 0)),
    ("  7:05 p  ", time(19, 5)),
    ("14:30", time(14, 30)),
    ("00:00", time(0, 0)),
    ("23:59", time(23, 59)),
    ("noon", time(12, 0)),
    ("Midnight", time(0, 0)),
]
NOT_TIMES = ["", "9", "930", "13:00 pm", "0 am", "9:60 am", "24:00", "9:5 am", "soon", "9 o'clock"]


@pytest.mark.parametrize(("typed", "expected"), TYPED)
def test_times_are_read_the_way_people_type_them(typed: str, expected: time) -> None:
    assert parse_time(typed) == expected


@pytest.mark.parametrize("typed", NOT_TIMES)
def test_what_is_not_a_time_is_refused(typed: str) -> None:
    assert parse_time(typed) is None


@pytest.mark.parametrize(
    ("posted", "stored"),
    [("9:00 AM", "09:00"), ("2:30 pm", "14:30"), ("14:30", "14:30"), ("  ", None), ("25", "25")],
)
def test_a_posted_time_is_stored_on_the_24_hour_clock(
    form: FormSpec, posted: str, stored: str | None
) -> None:
    values = read_page(form.pages[0].fields, MultiDict([("opens", posted)]))
    assert values["opens"] == stored


def test_times_inside_a_group_are_read_item_by_item(form: FormSpec) -> None:
    posted = MultiDict([("sessions-0-starts", "9am"), ("sessions-0-ends", "10:15 am")])
    values = read_page(form.pages[0].fields, posted)
    assert values["sessions"] == [{"starts": "09:00", "ends": "10:15"}]


def errors(form: FormSpec, answers: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    found = FormValidator(form).validate(answers, TODAY)
    return [(e.path, e.rule, e.message) for e in found]


def test_a_time_that_is_not_one_gets_a_clear_message(form: FormSpec) -> None:
    assert errors(form, {"opens": "25"}) == [
        ("opens", "type", "Enter a time like 9:00 AM for “Opens at”.")
    ]


def test_a_required_time_left_empty(form: FormSpec) -> None:
    assert errors(form, {}) == [("opens", "required", "Enter a time for “Opens at”.")]


def test_good_times_pass_and_rules_compare_them(form: FormSpec) -> None:
    assert errors(form, {"opens": "09:00", "closes": "17:00"}) == []
    assert errors(form, {"opens": "09:00", "closes": "08:30"}) == [
        ("closes", "rule", "Closing time comes after opening time.")
    ]


def test_group_rules_and_aggregates_compare_times(form: FormSpec) -> None:
    sessions = [{"starts": "10:00", "ends": "09:00"}, {"starts": "08:00"}]
    assert errors(form, {"opens": "09:00", "sessions": sessions}) == [
        ("opens", "rule", "No session starts before opening time."),
        ("sessions-0-ends", "rule", "A session ends after it starts."),
    ]


def test_a_hidden_question_follows_a_time(form: FormSpec) -> None:
    late = form.field("late_note")
    assert late.show_if is not None
    assert late.show_if.evaluate(Context({"closes": "21:00"}, TODAY)) is True
    assert late.show_if.evaluate(Context({"closes": "17:00"}, TODAY)) is False
    assert late.show_if.describe() == "Closes at is after 6:00 PM"


@pytest.mark.parametrize(
    ("stored", "shown"),
    [("14:30", "2:30 PM"), ("09:05", "9:05 AM"), ("00:00", "12:00 AM"), ("12:00", "12:00 PM")],
)
def test_a_time_is_shown_on_the_12_hour_clock(form: FormSpec, stored: str, shown: str) -> None:
    assert display_value(form.field("opens"), stored) == shown
    assert format_time(time.fromisoformat(stored)) == shown


def test_a_time_that_is_not_one_is_shown_as_typed(form: FormSpec) -> None:
    assert display_value(form.field("opens"), "25") == "25"
    assert display_value(form.field("opens"), None) == ""


def test_the_input_shows_the_time_again_as_people_type_it(form: FormSpec) -> None:
    views = page_fields(form, form.pages[0], {"opens": "14:30", "closes": "late"}, [], TODAY)
    found = {v.spec.id: v for v in views}
    assert (found["opens"].text, found["closes"].text) == ("2:30 PM", "late")


def test_a_default_is_stored_on_the_24_hour_clock(form: FormSpec) -> None:
    closes = form.field("closes")
    assert field_type(closes.type).stored(closes.default) == "17:00"


def one_field(yaml_field: str) -> str:
    page = f"  - id: p\n    title: P\n    fields:\n      - {yaml_field}\n"
    text = f"form: example\ntitle: Example\npages:\n{page}"
    with pytest.raises(DefinitionsInvalid) as raised:
        load_texts([("example.yaml", text)], ROOT / "templates")
    return str(raised.value)


def test_a_default_that_is_not_a_time_is_a_lint_problem() -> None:
    # Unquoted, YAML reads 9:30 as a number (570): the message says to quote it.
    message = one_field("{id: t, type: time, label: T, default: 9:30}")
    assert "the default of a time field must be a time in quotes, like '9:00 AM'" in message


def test_number_keys_do_not_apply_to_times() -> None:
    message = one_field("{id: t, type: time, label: T, min: 9}")
    assert "'min' only applies to whole number and decimal fields" in message


SCOPE = Scope(
    {
        "opens": RefInfo("time", "Opens at"),
        "closes": RefInfo("time", "Closes at"),
        "day": RefInfo("date", "Day"),
    }
)


def problems(raw: Any) -> list[str]:
    with pytest.raises(ConditionInvalid) as raised:
        parse_condition(raw, SCOPE)
    return [message for _, message in raised.value.problems]


def test_conditions_refuse_what_cannot_be_a_time() -> None:
    assert problems({"field": "opens", "before": 570}) == [
        "'Opens at' is a time of day, so compare it with a time like '9:00 AM' or '14:30', "
        "not 570 (put it in quotes)"
    ]
    assert problems({"field": "opens", "greater_than": "9:00 AM"}) == [
        "'greater_than' compares numbers, but 'Opens at' is a time of day; use 'after'"
    ]
    assert problems({"field": "opens", "after": {"field": "day"}}) == [
        "'Opens at' is a time of day, but 'Day' is a date; compare fields of the same kind"
    ]
    assert problems({"field": "opens", "after": "today"}) == [
        "'Opens at' is a time of day, so compare it with a time like '9:00 AM' or '14:30', "
        "not 'today'"
    ]


MIRRORED: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"field": "opens", "before": "12:00 PM"}, {"opens": "09:30"}),
    ({"field": "opens", "before": "12:00 PM"}, {"opens": "9:30 pm"}),
    ({"field": "opens", "on_or_after": "9am"}, {"opens": "9:00 AM"}),
    ({"field": "opens", "equals": "noon"}, {"opens": "12:00"}),
    ({"field": "opens", "one_of": ["9:00 AM", "10:00 AM"]}, {"opens": "10:00"}),
    ({"field": "opens", "after": {"field": "closes"}}, {"opens": "13:00", "closes": "12:59"}),
    ({"field": "opens", "after": {"field": "closes"}}, {"opens": "13:00", "closes": "late"}),
    ({"field": "opens", "is_filled": True}, {"opens": "whenever"}),
    ({"field": "opens", "is_filled": True}, {"opens": "12 am"}),
]

HARNESS = """
const fs = require("fs");
const vm = require("vm");
const sandbox = { window: {} };
vm.createContext(sandbox);
vm.runInContext(fs.readFileSync(process.argv[1], "utf8"), sandbox);
const cases = JSON.parse(fs.readFileSync(0, "utf8"));
const api = sandbox.window.FormConditions;
process.stdout.write(JSON.stringify({
  results: cases.conditions.map((c) => api.evaluate(c.json, (ref) => c.table[ref], "2026-01-10")),
  minutes: cases.typed.map((t) => api.minuteOfDay(t)),
}));
"""


def test_the_browser_mirror_reads_and_compares_times_as_the_server_does() -> None:
    conditions = [parse_condition(raw, SCOPE) for raw, _ in MIRRORED]
    expected = [
        c.evaluate(Context(answers, TODAY))
        for c, (_, answers) in zip(conditions, MIRRORED, strict=True)
    ]
    typed = [t for t, _ in TYPED] + NOT_TIMES
    cases = {
        "conditions": [
            {"json": c.to_json(), "table": answers}
            for c, (_, answers) in zip(conditions, MIRRORED, strict=True)
        ],
        "typed": typed,
    }
    out = subprocess.run(
        ["node", "-e", HARNESS, str(SCRIPT)],
        input=json.dumps(cases),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    got = json.loads(out.stdout)
    assert got["results"] == expected
    assert {True, False, None} <= set(expected)
    minutes = [None if (t := parse_time(raw)) is None else t.hour * 60 + t.minute for raw in typed]
    assert got["minutes"] == minutes


# -- a listing's times from time questions ---------------------------------------------


@pytest.mark.parametrize(
    ("item", "times"),
    [
        ({"starts": "13:00", "ends": "16:00"}, "1:00 PM to 4:00 PM"),
        ({"starts": "09:30"}, "from 9:30 AM"),
        ({"ends": "12:00"}, "until 12:00 PM"),
        ({"starts": "soon"}, ""),
        ({}, ""),
    ],
)
def test_a_listing_writes_a_day_s_start_and_end(
    form: FormSpec, item: dict[str, str], times: str
) -> None:
    listing = ListingSpec(
        page="portal",
        states=("sent",),
        title="late_note",
        provider="late_note",
        dates=ListingDates("sessions", "day", starts="starts", ends="ends"),
    )
    answers = {"opens": "08:00", "sessions": [{"day": "2027-04-14", **item}]}
    listed = listed_item(1, listing, form, answers, "", TODAY)
    assert listed.dates == (ListedDate(date(2027, 4, 14), times),)


LISTED = """workflow: listed
title: Listed
form: times
initial: draft
states:
  draft: {label: Draft, editable: true}
  sent: {label: Sent, final: true}
transitions:
  - {trigger: send, from: draft, to: sent, by: applicant, form: times}
listing:
  page: portal
  states: [sent]
  title: late_note
  provider: {field: late_note}
  dates: {group: sessions, date: day, DATES}
"""


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        ("starts: day", "'day' is a date question; a listing needs a time one here"),
        (
            "times: starts, ends: ends",
            "'starts' is a time question; a listing needs a text one here",
        ),
    ],
)
def test_a_listing_s_time_questions_are_checked(dates: str, message: str) -> None:
    texts = [(str(FORM), FORM.read_text()), ("listed.yaml", LISTED.replace("DATES", dates))]
    with pytest.raises(DefinitionsInvalid) as raised:
        load_texts(texts, ROOT / "templates")
    assert message in str(raised.value)


ENDS = "          - {id: ends, type: time, label: Ends}"


def test_a_listing_takes_text_times_or_time_questions_not_both() -> None:
    assert ENDS in FORM.read_text()
    texts = [
        (
            str(FORM),
            FORM.read_text().replace(
                ENDS, f"{ENDS}\n          - {{id: note, type: text, label: Note}}"
            ),
        ),
        ("listed.yaml", LISTED.replace("DATES", "times: note, starts: starts")),
    ]
    with pytest.raises(DefinitionsInvalid) as raised:
        load_texts(texts, ROOT / "templates")
    assert "give the times as one text question ('times') or as time questions" in str(raised.value)
