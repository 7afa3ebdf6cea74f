"""The address field type: one question with a part per line, read, checked part by part,
shown on one line, in answer lists and diffs; conditions refuse it."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict

from engine.platform.web.form_view import answer_rows, diff_rows, page_fields
from engine.runtime.answers import display_value, read_page
from engine.runtime.validation import FormValidator
from engine.spec.conditions import ConditionInvalid, RefInfo, Scope, parse_condition
from engine.spec.errors import DefinitionsInvalid
from engine.spec.fields import field_type
from engine.spec.fields.address import STATES
from engine.spec.loader import load_definitions, load_texts
from engine.spec.model import FormSpec

ROOT = Path(__file__).resolve().parents[2]
FORM = ROOT / "tests" / "fixtures" / "runtime" / "forms" / "addresses.yaml"
TODAY = date(2026, 1, 10)
ZIP_MESSAGE = "Enter the ZIP code of “Mailing address” like 59601 or 59601-1234."
HELENA = {"street": "1300 11th Avenue", "city": "Helena", "state": "MT", "zip": "59601"}


@pytest.fixture(scope="module")
def form() -> FormSpec:
    loaded = load_definitions([FORM], [], ROOT / "tests" / "fixtures" / "definitions" / "templates")
    return loaded.forms["addresses"]


def read(form: FormSpec, pairs: list[tuple[str, str]]) -> dict[str, Any]:
    return read_page(form.pages[0].fields, MultiDict(pairs))


def test_the_parts_are_read_into_one_answer(form: FormSpec) -> None:
    posted = [
        ("mailing-street", "  1300  11th Avenue "),
        ("mailing-street2", ""),
        ("mailing-city", "Helena"),
        ("mailing-state", "mt"),
        ("mailing-zip", "59601 - 1234"),
    ]
    assert read(form, posted)["mailing"] == {**HELENA, "zip": "59601-1234"}


@pytest.mark.parametrize(("typed", "stored"), [("596011234", "59601-1234"), ("5960", "5960")])
def test_a_zip_code_is_tidied_as_people_type_it(form: FormSpec, typed: str, stored: str) -> None:
    assert read(form, [("mailing-city", "Helena"), ("mailing-zip", typed)])["mailing"] == {
        "city": "Helena",
        "zip": stored,
    }


def test_nothing_typed_is_no_answer_even_with_a_state_picked(form: FormSpec) -> None:
    posted = [("mailing-street", " "), ("mailing-state", "MT"), ("mailing-zip", "")]
    assert read(form, posted)["mailing"] is None


def test_an_address_inside_a_group_is_read_item_by_item(form: FormSpec) -> None:
    posted = [("sites-0-name", "Main"), ("sites-0-place-city", "Butte"), ("sites-items", "0")]
    assert read(form, posted)["sites"] == [{"name": "Main", "place": {"city": "Butte"}}]


def errors(form: FormSpec, answers: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    found = FormValidator(form).validate(answers, TODAY)
    return [(e.path, e.rule, e.message) for e in found]


def test_a_complete_address_passes(form: FormSpec) -> None:
    assert errors(form, {"mailing": HELENA}) == []
    assert errors(form, {"mailing": {**HELENA, "street2": "Suite 4", "zip": "59601-1234"}}) == []


def test_a_required_address_left_empty_is_one_error(form: FormSpec) -> None:
    assert errors(form, {}) == [("mailing", "required", "Enter “Mailing address”.")]


def test_each_missing_or_wrong_part_has_its_own_message_in_order(form: FormSpec) -> None:
    answers = {"mailing": {"zip": "5960", "state": "XX"}, "billing": {"street": "1 Main"}}
    assert errors(form, answers) == [
        ("mailing-street", "required", "Enter the street address of “Mailing address”."),
        ("mailing-city", "required", "Enter the city or town of “Mailing address”."),
        ("mailing-state", "option", "Select the state of “Mailing address” from the list."),
        ("mailing-zip", "pattern", ZIP_MESSAGE),
        ("billing-city", "required", "Enter the city or town of “Billing address”."),
        ("billing-state", "required", "Select the state of “Billing address”."),
        ("billing-zip", "required", "Enter the ZIP code of “Billing address”."),
    ]  # fmt: skip


def test_a_part_too_long(form: FormSpec) -> None:
    answers = {"mailing": {**HELENA, "city": "x" * 101}}
    assert errors(form, answers) == [
        (
            "mailing-city",
            "max_length",
            "The city or town of “Mailing address” must be 100 characters or fewer.",
        )
    ]


def test_parts_inside_a_group_are_located_in_their_item(form: FormSpec) -> None:
    answers = {"mailing": HELENA, "sites": [{"name": "A"}, {"place": {"city": "Butte"}}]}
    assert errors(form, answers) == [
        ("sites-1-place-street", "required", "Enter the street address of “Site address”."),
        ("sites-1-place-state", "required", "Select the state of “Site address”."),
        ("sites-1-place-zip", "required", "Enter the ZIP code of “Site address”."),
    ]


def test_an_answer_that_is_not_an_address_is_refused(form: FormSpec) -> None:
    assert errors(form, {"mailing": "1300 11th Avenue, Helena"}) == [
        ("mailing", "type", "“Mailing address” is not a valid answer.")
    ]


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (HELENA, "1300 11th Avenue, Helena, MT 59601"),
        ({**HELENA, "street2": "Suite 4"}, "1300 11th Avenue, Suite 4, Helena, MT 59601"),
        ({"city": "Butte"}, "Butte"),
        (None, ""),
        ("an old text answer", "an old text answer"),
    ],
)
def test_an_address_is_shown_on_one_line(form: FormSpec, value: Any, shown: str) -> None:
    assert display_value(form.field("mailing"), value) == shown


def test_check_your_answers_and_diffs_show_the_address_as_text(form: FormSpec) -> None:
    before = {"mailing": HELENA}
    after = {"mailing": {**HELENA, "city": "Butte"}, "sites": [{"place": {"city": "Butte"}}]}
    [(_, rows)] = answer_rows(form, after, TODAY)
    assert [(r.label, r.value) for r in rows[:2]] == [
        ("Mailing address", "1300 11th Avenue, Butte, MT 59601"),
        ("Billing address", ""),
    ]
    assert rows[2].items == (("Site 1", (("Site name", ""), ("Site address", "Butte"))),)
    assert diff_rows(form, before, after) == [
        (
            "Mailing address",
            "1300 11th Avenue, Helena, MT 59601",
            "1300 11th Avenue, Butte, MT 59601",
        ),
        ("Sites", "", "1. Site address: Butte"),
    ]


def test_the_page_puts_each_part_error_next_to_its_part(form: FormSpec) -> None:
    answers = {"mailing": {"street": "1 Main", "zip": "x"}}
    found = FormValidator(form).validate(answers, TODAY)
    [mailing, billing, _] = page_fields(form, form.pages[0], answers, found, TODAY)
    assert mailing.error is None
    assert mailing.part_errors == {
        "city": "Enter the city or town of “Mailing address”.",
        "state": "Select the state of “Mailing address”.",
        "zip": ZIP_MESSAGE,
    }
    assert (billing.part_errors, billing.describedby) == ({}, "f-billing-hint")


def test_a_default_picks_parts_in_advance(form: FormSpec) -> None:
    mailing = form.field("mailing")
    assert field_type(mailing.type).stored(mailing.default) == {"state": "MT"}


def one_field(yaml_field: str) -> str:
    page = f"  - id: p\n    title: P\n    fields:\n      - {yaml_field}\n"
    text = f"form: example\ntitle: Example\npages:\n{page}"
    with pytest.raises(DefinitionsInvalid) as raised:
        load_texts([("example.yaml", text)], ROOT / "templates")
    return str(raised.value)


@pytest.mark.parametrize("default", ["MT", "{state: Montana}", "{town: Helena}"])
def test_a_default_that_is_not_parts_of_an_address_is_a_lint_problem(default: str) -> None:
    message = one_field(f"{{id: a, type: address, label: A, default: {default}}}")
    assert "the default of an address field must be some of the address's parts" in message


def test_conditions_refuse_an_address_with_a_clear_message() -> None:
    scope = Scope({"mailing": RefInfo("address", "Mailing address")})
    for raw in ({"field": "mailing", "is_filled": True}, {"field": "mailing", "equals": "MT"}):
        with pytest.raises(ConditionInvalid) as raised:
            parse_condition(raw, scope)
        assert raised.value.problems == [
            (
                ("field",),
                "'Mailing address' is an address, which conditions cannot look into; to decide "
                "by where someone is, ask that as a question of its own",
            )
        ]


def test_the_states_are_two_letter_codes_of_states_and_territories() -> None:
    assert len(STATES) == 56
    assert all(len(code) == 2 and code.isupper() for code in STATES)
    assert {"MT", "DC", "PR", "GU"} <= set(STATES)
