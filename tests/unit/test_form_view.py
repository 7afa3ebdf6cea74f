"""What the field templates render: page fields, check-your-answers rows and changes."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from engine.platform.web.form_view import FieldView, answer_rows, diff_rows, page_fields
from engine.runtime.validation import AnswerError
from engine.spec.loader import load_definitions
from engine.spec.model import FormSpec

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "tests" / "fixtures" / "definitions"
RUNTIME = ROOT / "tests" / "fixtures" / "runtime"
TODAY = date(2026, 1, 10)


@pytest.fixture(scope="module")
def forms() -> Mapping[str, FormSpec]:
    loaded = load_definitions(
        sorted((DEFINITIONS / "forms").glob("*.yaml")) + sorted((RUNTIME / "forms").glob("*.yaml")),
        [],
        DEFINITIONS / "templates",
    )
    return loaded.forms


def views(
    form: FormSpec, page: str, answers: Mapping[str, Any], errors: list[AnswerError] | None = None
) -> dict[str, FieldView]:
    fields = page_fields(form, form.page(page), answers, errors or [], TODAY)
    return {view.name: view for view in fields}


# -- page_fields -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "shown"),
    [
        ({"topics": ["other"]}, ["other_topic", "reason"]),
        ({"topics": ["math"]}, ["reason"]),
        ({}, ["reason"]),
    ],
)
def test_fields_hidden_by_an_earlier_page_are_left_out(
    forms: Mapping[str, FormSpec], answers: dict[str, Any], shown: list[str]
) -> None:
    found = views(forms["conditions"], "second", answers)
    assert list(found) == shown
    # Decided on the server: the browser has nothing to re-evaluate.
    assert all(v.show_if is None and v.only_if is None for v in found.values())


def test_a_field_hidden_through_a_hidden_field_is_left_out_too(
    forms: Mapping[str, FormSpec],
) -> None:
    # a = no hides b, so b's stale "yes" no longer shows c; c_copy follows c.
    found = views(forms["cascade"], "second", {"a": False, "b": True, "c": "x"})
    assert list(found) == ["venues"]


def test_same_page_conditions_are_sent_to_the_browser(forms: Mapping[str, FormSpec]) -> None:
    form = forms["conditions"]
    found = views(form, "first", {"kind": "college", "accreditor": "NWCCU"})
    assert list(found) == ["kind", "accreditor", "topics"]
    accreditor = found["accreditor"]
    condition = form.field("accreditor").show_if
    assert condition is not None
    assert accreditor.show_if is not None
    assert json.loads(accreditor.show_if) == condition.to_json()
    assert json.loads(accreditor.show_if)["ref"] == "kind"
    assert accreditor.only_if == condition.describe()
    assert "Kind" in accreditor.only_if
    assert (found["kind"].show_if, found["kind"].only_if) == (None, None)
    # Shown with its answer even when the condition does not hold now: the browser decides.
    assert views(form, "first", {"accreditor": "NWCCU"})["accreditor"].value == "NWCCU"


def test_values_errors_and_descriptions(forms: Mapping[str, FormSpec]) -> None:
    errors = [
        AnswerError("name", "name", "pattern", "Letters only."),
        AnswerError("name", "name", "min_length", "Second message for the same input."),
        AnswerError("count", "count", "type", "Count must be a whole number."),
    ]
    found = views(forms["field_types"], "only", {"name": "Ann 2", "count": "x"}, errors)
    name, count, site = found["name"], found["count"], found["site"]
    assert (name.id, name.value, name.error) == ("f-name", "Ann 2", "Letters only.")
    assert name.describedby == "f-name-error"
    assert (count.value, count.error) == ("x", "Count must be a whole number.")
    assert (site.value, site.error, site.describedby) == (None, None, "f-site-hint")


def test_a_group_shows_at_least_its_minimum_of_items(forms: Mapping[str, FormSpec]) -> None:
    dates = views(forms["group_repeat"], "event", {})["dates"]
    [item] = dates.items
    assert (item.index, item.number, item.prefix, item.can_remove) == (0, 1, "dates-0-", False)
    assert [(f.name, f.id, f.value) for f in item.fields] == [
        ("dates-0-date", "f-dates-0-date", None),
        ("dates-0-hours", "f-dates-0-hours", None),
        ("dates-0-online", "f-dates-0-online", None),
        ("dates-0-link", "f-dates-0-link", None),
    ]
    assert all(f.item_prefix == "dates-0-" for f in item.fields)
    assert dates.can_add


def test_conditions_inside_items_name_their_sibling(forms: Mapping[str, FormSpec]) -> None:
    item = views(forms["group_repeat"], "event", {})["dates"].items[0]
    link = item.fields[-1]
    assert link.show_if is not None
    assert json.loads(link.show_if)["ref"] == "online"
    assert link.only_if == "Online? is yes"
    assert all(f.show_if is None for f in item.fields[:-1])


@pytest.mark.parametrize(
    ("count", "can_add", "can_remove"),
    [(1, True, False), (2, True, True), (4, True, True), (5, False, True)],
)
def test_add_and_remove_follow_the_repeat_limits(
    forms: Mapping[str, FormSpec], count: int, can_add: bool, can_remove: bool
) -> None:
    items = [{"date": f"2026-03-0{n + 1}"} for n in range(count)]
    dates = views(forms["group_repeat"], "event", {"dates": items})["dates"]
    assert [i.number for i in dates.items] == list(range(1, count + 1))
    assert [f.value for i in dates.items for f in i.fields if f.spec.id == "date"] == [
        i["date"] for i in items
    ]
    assert dates.can_add is can_add
    assert {i.can_remove for i in dates.items} == {can_remove}


def test_a_group_with_minimum_zero_still_shows_one_removable_item(
    forms: Mapping[str, FormSpec],
) -> None:
    venues = views(forms["cascade"], "second", {})["venues"]
    assert [(i.number, i.can_remove) for i in venues.items] == [(1, True)]
    assert venues.can_add


def test_item_errors_land_on_their_inputs(forms: Mapping[str, FormSpec]) -> None:
    errors = [AnswerError("dates-1-date", "date", "required", "Enter a date for “Date”.")]
    answers = {"dates": [{"date": "2026-03-01"}, {"hours": 2}]}
    dates = views(forms["group_repeat"], "event", answers, errors)["dates"]
    by_name = {f.name: f for item in dates.items for f in item.fields}
    assert by_name["dates-1-date"].error == "Enter a date for “Date”."
    assert by_name["dates-1-date"].describedby == "f-dates-1-date-error"
    assert by_name["dates-1-hours"].value == 2
    assert [f.error for f in by_name.values() if f.name != "dates-1-date"] == [None] * 7


# -- answer_rows -------------------------------------------------------------------------


def rows(form: FormSpec, answers: Mapping[str, Any]) -> dict[str, list[tuple[str, str]]]:
    return {
        page.id: [(row.label, row.value) for row in found]
        for page, found in answer_rows(form, answers, TODAY)
    }


def test_answer_rows_show_each_pages_shown_answers(forms: Mapping[str, FormSpec]) -> None:
    answers = {
        "kind": "college",
        "accreditor": "NWCCU",
        "topics": ["math", "other"],
        "other_topic": "Art",
    }
    assert rows(forms["conditions"], answers) == {
        "first": [("Kind", "College"), ("Accreditor", "NWCCU"), ("Topics", "Math, Other")],
        "second": [("Other topic", "Art"), ("Reason", "")],
    }
    answers = {"accreditor": "NWCCU", "topics": ["math"], "other_topic": "Art"}
    assert rows(forms["conditions"], answers) == {
        "first": [("Kind", ""), ("Topics", "Math")],
        "second": [("Reason", "")],
    }


def test_answer_rows_leave_out_what_a_hidden_answer_would_show(
    forms: Mapping[str, FormSpec],
) -> None:
    answers = {"a": False, "b": True, "c": "stale", "c_copy": "stale", "note": "n"}
    assert rows(forms["cascade"], answers) == {
        "first": [("A?", "No"), ("Note", "n")],
        "second": [("Venues", "")],
    }


def test_answer_rows_of_a_group_list_each_items_shown_answers(
    forms: Mapping[str, FormSpec],
) -> None:
    answers = {
        "title": "Fair",
        "dates": [
            {"date": "2026-03-01", "hours": 1.5, "online": True, "link": "https://x.org"},
            {"date": "2026-03-02", "online": False, "link": "https://stale.org"},
        ],
    }
    pages = answer_rows(forms["group_repeat"], answers, TODAY)
    event = pages[0][1]
    assert [(r.label, r.page, r.anchor) for r in event] == [
        ("Event title", "event", "f-title"),
        ("Event dates", "event", "f-dates"),
        ("Helpers", "event", "f-helpers"),
    ]
    assert event[1].items == (
        (
            "Date 1",
            (
                ("Date", "1 March 2026"),
                ("Hours", "1.5"),
                ("Online?", "Yes"),
                ("Link", "https://x.org"),
            ),
        ),
        ("Date 2", (("Date", "2 March 2026"), ("Hours", ""), ("Online?", "No"))),
    )
    assert event[2].items == ()


# -- diff_rows ---------------------------------------------------------------------------


def test_diff_rows_list_only_what_changed(forms: Mapping[str, FormSpec]) -> None:
    before = {"kind": "school", "accreditor": "Cognia", "topics": ["math"]}
    after = {"kind": "college", "accreditor": "Cognia", "topics": ["math", "other"], "reason": "R"}
    assert diff_rows(forms["conditions"], before, after) == [
        ("Kind", "School", "College"),
        ("Topics", "Math", "Math, Other"),
        ("Reason", "", "R"),
    ]
    assert diff_rows(forms["conditions"], before, dict(before)) == []


def test_diff_rows_flatten_groups(forms: Mapping[str, FormSpec]) -> None:
    before = {"dates": [{"date": "2026-03-01", "hours": 2}]}
    after = {
        "dates": [{"date": "2026-03-01", "hours": 2.5}, {"date": "2026-03-02", "online": True}]
    }
    assert diff_rows(forms["group_repeat"], before, after) == [
        (
            "Event dates",
            "1. Date: 1 March 2026; Hours: 2",
            "1. Date: 1 March 2026; Hours: 2.5 | 2. Date: 2 March 2026; Online?: Yes",
        )
    ]
