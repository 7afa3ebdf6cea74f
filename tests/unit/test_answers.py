"""Answers: reading posted pages, merging them, dropping blank items, visibility, display."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from engine.runtime.answers import (
    display_value,
    drop_blank_items,
    merge,
    read_page,
    visible_answers,
)
from engine.spec.conditions import Context
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


def read(form: FormSpec, pairs: list[tuple[str, str]], page: int = 0) -> dict[str, Any]:
    return read_page(form.pages[page].fields, MultiDict(pairs))


# -- read_page ---------------------------------------------------------------------------


def test_a_whole_page_is_read_into_typed_values(forms: Mapping[str, FormSpec]) -> None:
    posted = [
        ("name", "  Ann Lee  "),
        ("story", "   "),
        ("email", ""),
        ("count", "1,200"),
        ("hours", "1.5"),
        ("day", "2026-01-31"),
        ("color", "MT"),
        ("pets", "cat"),
        ("pets", ""),
        ("pets", "dog"),
        ("agree", "no"),
        ("unknown", "ignored"),
    ]
    assert read(forms["field_types"], posted) == {
        "name": "Ann Lee",
        "story": None,
        "email": None,
        "phone": None,
        "site": None,
        "count": 1200,
        "hours": 1.5,
        "day": "2026-01-31",
        "opens": None,
        "color": "MT",
        "pets": ["cat", "dog"],
        "agree": False,
        "attest": False,
        "office": None,
    }


@pytest.mark.parametrize(
    ("field", "posted", "expected"),
    [
        ("name", ["  Ann  "], "Ann"),
        ("name", ["   "], None),
        ("name", [], None),
        ("count", ["12"], 12),
        ("count", [" 7 "], 7),
        ("count", ["-3"], -3),
        ("count", ["1,200"], 1200),
        ("count", ["twelve"], "twelve"),
        ("count", ["1.5"], "1.5"),
        ("hours", ["1.5"], 1.5),
        ("hours", ["2"], 2),
        ("hours", ["1,234.5"], 1234.5),
        ("hours", ["abc"], "abc"),
        # Not numbers anyone types: kept as text, so validation says what is wrong.
        ("hours", ["nan"], "nan"),
        ("hours", ["inf"], "inf"),
        ("hours", ["-Infinity"], "-Infinity"),
        ("day", [" 2026-02-30 "], "2026-02-30"),
        ("color", ["red"], "red"),
        ("agree", ["yes"], True),
        ("agree", ["no"], False),
        ("agree", ["maybe"], "maybe"),
        ("agree", [], None),
        ("attest", ["yes"], True),
        ("attest", [], False),
        ("attest", [""], False),
        ("pets", ["cat", "dog"], ["cat", "dog"]),
        ("pets", ["dog", "cat"], ["dog", "cat"]),
        ("pets", [""], None),
        ("pets", [], None),
    ],
)
def test_each_type_is_converted(
    forms: Mapping[str, FormSpec], field: str, posted: list[str], expected: Any
) -> None:
    value = read(forms["field_types"], [(field, v) for v in posted])[field]
    assert value == expected
    assert type(value) is type(expected)


def test_group_items_are_read_by_number_from_names_and_item_markers(
    forms: Mapping[str, FormSpec],
) -> None:
    posted = [
        ("title", "Fair"),
        ("dates-10-date", "2026-03-10"),
        ("dates-0-date", "2026-03-01"),
        ("dates-0-hours", "1.5"),
        ("dates-0-online", "yes"),
        ("dates-1-date", "2026-03-02"),
        ("dates-1-link", "  "),
        ("dates-items", "2"),  # an item whose inputs were all left empty
        ("dates-items", "x"),
        ("helpers-items", "0"),
        ("other-0-date", "2026-01-01"),
    ]
    assert read(forms["group_repeat"], posted) == {
        "title": "Fair",
        "dates": [
            {"date": "2026-03-01", "hours": 1.5, "online": True},
            {"date": "2026-03-02"},
            {},
            {"date": "2026-03-10"},
        ],
        "helpers": [{}],
    }


def test_a_group_with_nothing_posted_has_no_items(forms: Mapping[str, FormSpec]) -> None:
    assert read(forms["group_repeat"], [("title", "Fair")])["dates"] == []


# -- merge -------------------------------------------------------------------------------


def test_merge_lays_a_page_over_the_answers_and_blanks_remove() -> None:
    answers = {"a": 1, "b": "two", "c": [{"x": 1}]}
    merged = merge(answers, {"b": None, "c": [], "d": False, "e": None})
    assert merged == {"a": 1, "c": [], "d": False}
    assert answers == {"a": 1, "b": "two", "c": [{"x": 1}]}


# -- drop_blank_items --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("form", "group", "items", "expected"),
    [
        ("group_repeat", "dates", [{}, {"date": "d"}, {"hours": None}], [{"date": "d"}]),
        ("group_repeat", "dates", [{"date": "d"}, {}], [{"date": "d"}]),
        ("group_repeat", "dates", [{}, {}], [{}]),  # min 1: one empty item stays
        ("group_repeat", "dates", [{"date": ""}, {"online": []}], [{}]),
        ("group_repeat", "dates", [], []),
        ("group_repeat", "dates", [{"online": False}], [{"online": False}]),
        ("cascade", "venues", [{}, {}], []),  # min 0
        ("required_types", "group", [{}, {"name": "Kim"}, {}], [{"name": "Kim"}, {}]),
        ("required_types", "group", [{}, {}, {}], [{}, {}]),
    ],
)
def test_drop_blank_items_keeps_the_minimum(
    forms: Mapping[str, FormSpec],
    form: str,
    group: str,
    items: list[dict[str, Any]],
    expected: list[dict[str, Any]],
) -> None:
    answers = {"title": "Fair", group: items}
    result = drop_blank_items(forms[form], answers)
    assert result == {"title": "Fair", group: expected}
    assert answers[group] is items


# -- visible_answers ---------------------------------------------------------------------


def visible(form: FormSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    return visible_answers(form, answers, Context(answers, TODAY))


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"a": True, "b": True, "c": "x", "c_copy": "y", "note": "n"},
            {"a": True, "b": True, "c": "x", "c_copy": "y", "note": "n"},
        ),
        # a hides b; b's stale answer then hides c, and c hides c_copy on the next page.
        ({"a": False, "b": True, "c": "x", "c_copy": "y", "note": "n"}, {"a": False, "note": "n"}),
        ({"a": True, "b": False, "c": "x", "c_copy": "y"}, {"a": True, "b": False}),
        ({"b": True, "c": "x"}, {}),
        ({}, {}),
    ],
)
def test_hiding_cascades_in_page_order(
    forms: Mapping[str, FormSpec], answers: dict[str, Any], expected: dict[str, Any]
) -> None:
    assert visible(forms["cascade"], answers) == expected


def test_sub_fields_are_kept_item_by_item(forms: Mapping[str, FormSpec]) -> None:
    answers = {
        "title": "Fair",
        "dates": [
            {"date": "2026-03-01", "online": False, "link": "https://old.example.org"},
            {"date": "2026-03-02", "online": True, "link": "https://meet.example.org"},
            {"link": "https://x.example.org"},
        ],
    }
    assert visible(forms["group_repeat"], answers) == {
        "title": "Fair",
        "dates": [
            {"date": "2026-03-01", "online": False},
            {"date": "2026-03-02", "online": True, "link": "https://meet.example.org"},
            {},
        ],
    }


def test_conditions_on_dates_use_today(forms: Mapping[str, FormSpec]) -> None:
    answers = {"dates": [{"date": "2026-01-11"}], "first_day_note": "Bring lunch."}
    assert "first_day_note" in visible(forms["group_repeat"], answers)
    answers["dates"] = [{"date": "2026-01-10"}]
    assert "first_day_note" not in visible(forms["group_repeat"], answers)


# -- display_value -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value", "shown"),
    [
        ("name", "Ann", "Ann"),
        ("name", None, ""),
        ("name", "", ""),
        ("count", 12, "12"),
        ("count", 0, "0"),
        ("count", "twelve", "twelve"),
        ("hours", 1.5, "1.5"),
        ("day", "2026-01-31", "31 January 2026"),
        ("day", "2026-02-03", "3 February 2026"),
        ("day", "2026-02-30", "2026-02-30"),
        ("color", "MT", "Montana blue"),
        ("color", "yes", "Yes please"),
        ("color", "purple", "purple"),
        ("pets", ["cat", "dog"], "Cat, Dog"),
        ("pets", ["dog", "fish"], "Dog, fish"),
        ("pets", [], ""),
        ("agree", True, "Yes"),
        ("agree", False, "No"),
        ("attest", True, "Confirmed"),
        ("attest", False, ""),
    ],
)
def test_display_value_per_type(
    forms: Mapping[str, FormSpec], field: str, value: Any, shown: str
) -> None:
    assert display_value(forms["field_types"].field(field), value) == shown


def test_a_post_holds_no_more_items_than_the_group_allows() -> None:
    from engine.runtime.answers import group_indexes

    posted = MultiDict(
        [(f"people-{i}-name", "x") for i in range(50)]
        + [("people-items", "²"), ("people-items", "9" * 5000), ("people-١-name", "y")]
    )
    assert group_indexes(posted, "people", limit=10) == list(range(10))
    assert group_indexes(MultiDict([("people-items", "²")]), "people") == []


def test_text_longer_than_its_field_allows_is_found() -> None:
    from engine.runtime.answers import MAX_TEXT, too_long
    from engine.spec.model import FieldSpec

    short = FieldSpec("title", "text", "Title", max_length=10)
    free = FieldSpec("notes", "long_text", "Notes")
    group = FieldSpec("people", "group", "People", fields=(short,))
    values = {
        "title": "x" * 11,
        "notes": "y" * (MAX_TEXT + 1),
        "people": [{"title": "ok"}, {"title": "z" * 11}],
    }
    assert too_long([short, free, group], values) == {
        "title": 10,
        "notes": MAX_TEXT,
        "people-1-title": 10,
    }
    assert too_long([short], {"title": "x" * 10}) == {}
