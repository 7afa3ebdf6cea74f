"""Server-side validation: every field type's checks and messages, conditions, rules, pages."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.runtime.validation import AnswerError, FormValidator, form_schema
from engine.spec.loader import load_definitions
from engine.spec.model import FormSpec

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "tests" / "fixtures" / "definitions"
RUNTIME = ROOT / "tests" / "fixtures" / "runtime"
TODAY = date(2026, 1, 10)


@pytest.fixture(scope="module")
def forms() -> Mapping[str, FormSpec]:
    """The fixture forms of both fixture folders, and the shipped registration form."""
    fixtures = load_definitions(
        sorted((DEFINITIONS / "forms").glob("*.yaml")) + sorted((RUNTIME / "forms").glob("*.yaml")),
        [],
        DEFINITIONS / "templates",
    )
    shipped = load_definitions(
        # The registration's start page links to the access request: it comes along.
        [ROOT / "forms" / f"{name}.yaml" for name in ("provider_registration", "access_request")],
        [
            ROOT / "workflows" / f"{name}.yaml"
            for name in ("provider_registration", "access_request")
        ],
        ROOT / "templates",
    )
    return {**fixtures.forms, **shipped.forms}


def check(
    forms: Mapping[str, FormSpec], form: str, answers: Mapping[str, Any], **kwargs: Any
) -> list[AnswerError]:
    return FormValidator(forms[form]).validate(answers, TODAY, **kwargs)


def triples(errors: list[AnswerError]) -> list[tuple[str, str, str]]:
    return [(e.path, e.rule, e.message) for e in errors]


# -- required, per field type ------------------------------------------------------------

REQUIRED_MESSAGES = [
    ("text", "Enter “Text”."),
    ("long_text", "Enter “Long text”."),
    ("email", "Enter “Email”."),
    ("phone", "Enter “Phone”."),
    ("url", "Enter “Website”."),
    ("whole_number", "Enter “Count”."),
    ("decimal", "Enter “Hours”."),
    ("date", "Enter a date for “Day”."),
    ("choice", "Select an option for “Color”."),
    ("multiple_choice", "Select at least one option for “Pets”."),
    ("yes_no", "Select yes or no for “Agree”."),
    ("attestation", "Tick the box to confirm: “I attest.”"),
    ("group", "Add at least one entry to “Helpers”."),
]


def test_every_required_field_is_reported_at_once_in_page_order(
    forms: Mapping[str, FormSpec],
) -> None:
    errors = check(forms, "required_types", {})
    assert [(e.path, e.field_id, e.rule, e.message) for e in errors] == [
        (field, field, "required", message) for field, message in REQUIRED_MESSAGES
    ]


@pytest.mark.parametrize(
    ("field", "blank"),
    [
        ("text", ""),
        ("long_text", ""),
        ("email", ""),
        ("multiple_choice", []),
        ("attestation", False),
    ],
)
def test_a_blank_answer_to_a_required_field_is_missing(
    forms: Mapping[str, FormSpec], field: str, blank: Any
) -> None:
    # An empty string or list or an unticked box is no answer, however it was stored.
    errors = {e.path: e for e in check(forms, "required_types", {field: blank})}
    assert errors[field].rule == "required"
    assert errors[field].message == dict(REQUIRED_MESSAGES)[field]


# -- each type's own checks --------------------------------------------------------------

VALID = {"name": "Ann", "attest": True}
EMAIL = "Enter an email address in the right format, like name@example.org."
PHONE = "Enter a phone number with its area code, like 406 444 3095."
URL = "Enter a web address that starts with https:// or http://."

FIELD_ERRORS = [
    # text: min/max length, a pattern with its own message
    ({"name": "A"}, "name", "min_length", "“Name” must be 2 characters or more."),
    ({"name": "A" * 81}, "name", "max_length", "“Name” must be 80 characters or fewer."),
    ({"name": "Ann 2"}, "name", "pattern", "Letters only."),
    ({"story": "x" * 4001}, "story", "max_length", "“Story” must be 4000 characters or fewer."),
    # built-in formats
    *[({"email": bad}, "email", "pattern", EMAIL) for bad in ("nope", "a@b", "a b@example.org")],
    *[
        ({"phone": bad}, "phone", "pattern", PHONE)
        for bad in ("123", "444 3095", "406 444 3095 1234 56", "call me")
    ],
    *[
        ({"site": bad}, "site", "pattern", URL)
        for bad in ("example.org", "ftp://x.org", "https://")
    ],
    # numbers
    ({"count": "twelve"}, "count", "type", "“Count” must be a whole number, like 12."),
    ({"count": "1.5"}, "count", "type", "“Count” must be a whole number, like 12."),
    ({"count": 1.5}, "count", "type", "“Count” must be a whole number, like 12."),
    ({"count": 0}, "count", "min", "“Count” must be 1 or more."),
    ({"count": 11}, "count", "max", "“Count” must be 10 or less."),
    ({"hours": "abc"}, "hours", "type", "“Hours” must be a number, like 1.5."),
    ({"hours": 0.1}, "hours", "min", "“Hours” must be 0.25 or more."),
    ({"hours": 12.5}, "hours", "max", "“Hours” must be 12 or less."),
    ({"hours": 1.3}, "hours", "step", "“Hours” must be in steps of 0.25."),
    # dates
    ({"day": "2026-02-30"}, "day", "type", "“Day” must be a real date."),
    ({"day": "31/01/2026"}, "day", "type", "“Day” must be a real date."),
    # choices
    ({"color": "blue"}, "color", "option", "Select one of the options for “Color”."),
    ({"pets": ["cat", "fish"]}, "pets", "option", "Select one of the options for “Pets”."),
    ({"pets": ["cat", "cat"]}, "pets", "option", "Select one of the options for “Pets”."),
    ({"pets": "cat"}, "pets", "type", "“Pets” is not a valid answer."),
    ({"agree": "maybe"}, "agree", "type", "“Agree” is not a valid answer."),
    ({"attest": False}, "attest", "required", "Tick the box to confirm: “I attest.”"),
]


def test_the_valid_base_answers_pass(forms: Mapping[str, FormSpec]) -> None:
    assert check(forms, "field_types", VALID) == []


@pytest.mark.parametrize(("change", "path", "rule", "message"), FIELD_ERRORS)
def test_each_broken_check_gives_its_message(
    forms: Mapping[str, FormSpec], change: dict[str, Any], path: str, rule: str, message: str
) -> None:
    errors = check(forms, "field_types", {**VALID, **change})
    assert triples(errors) == [(path, rule, message)]


@pytest.mark.parametrize(
    "change",
    [
        {"name": "Ann Lee"},
        {"email": "name@example.org"},
        {"phone": "406 444 3095"},
        {"phone": "+1 (406) 444-3095"},
        {"site": "https://example.org/path?q=1"},
        {"site": "http://example.org"},
        {"count": 1},
        {"count": 10},
        {"hours": 0.25},
        {"hours": 12},
        {"hours": 1.75},
        {"day": "2026-02-28"},
        {"color": "yes"},
        {"pets": ["cat", "dog"]},
        {"agree": False},
        {"story": "x" * 4000},
    ],
)
def test_good_answers_of_each_type_pass(
    forms: Mapping[str, FormSpec], change: dict[str, Any]
) -> None:
    assert check(forms, "field_types", {**VALID, **change}) == []


@pytest.mark.parametrize("blank", [{"email": ""}, {"story": ""}, {"pets": []}, {"count": None}])
def test_a_blank_optional_answer_is_not_checked(
    forms: Mapping[str, FormSpec], blank: dict[str, Any]
) -> None:
    # Limits apply only when there is an answer; a blank is no answer.
    assert check(forms, "field_types", {**VALID, **blank}) == []


# -- your own messages -------------------------------------------------------------------

CUSTOM = [
    ({"code": None}, "code", "required", "Give the code."),
    ({"code": "AB"}, "code", "min_length", "Too short."),
    ({"code": "ABCDEF"}, "code", "max_length", "Too long."),
    ({"code": "abc"}, "code", "pattern", "Capitals only."),
    ({"seats": "many"}, "seats", "type", "Seats are counted in whole numbers."),
    ({"seats": 0}, "seats", "min", "At least one seat."),
    ({"seats": 10}, "seats", "max", "Nine seats at most."),
    ({"size": "m"}, "size", "option", "Pick small or large."),
    ({"guests": [{}]}, "guests", "min_items", "Bring two guests."),
    ({"guests": [{}] * 4}, "guests", "max_items", "Three guests at most."),
]


@pytest.mark.parametrize(("change", "path", "rule", "message"), CUSTOM)
def test_a_fields_own_message_replaces_the_built_in_one(
    forms: Mapping[str, FormSpec], change: dict[str, Any], path: str, rule: str, message: str
) -> None:
    answers = {
        k: v for k, v in {"code": "ABC", "guests": [{}, {}], **change}.items() if v is not None
    }
    assert triples(check(forms, "custom_messages", answers)) == [(path, rule, message)]


# -- groups ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("items", "expected"),
    [
        (None, [("group", "required", "Add at least one entry to “Helpers”.")]),
        ([{}], [("group", "min_items", "Add at least 2 of “Helpers”.")]),
        ([{}, {}], []),
        ([{}] * 3, []),
        ([{}] * 4, [("group", "max_items", "You can add at most 3 of “Helpers”.")]),
    ],
)
def test_a_required_group_counts_its_items(
    forms: Mapping[str, FormSpec], items: list[dict[str, Any]] | None, expected: list[Any]
) -> None:
    answers = {} if items is None else {"group": items}
    errors = [e for e in check(forms, "required_types", answers) if e.path == "group"]
    assert triples(errors) == expected


def test_an_optional_group_still_has_a_maximum(forms: Mapping[str, FormSpec]) -> None:
    answers = {"title": "Fair", "dates": [{"date": "2026-03-01"}] * 6}
    assert triples(check(forms, "group_repeat", answers)) == [
        ("dates", "max_items", "You can add at most 5 of “Event dates”.")
    ]


def test_errors_inside_items_name_the_items_input(forms: Mapping[str, FormSpec]) -> None:
    answers = {
        "title": "Fair",
        "dates": [
            {"date": "2026-03-01", "hours": 2},
            {"hours": 1.3},
            {"date": "2026-02-30", "hours": "two"},
        ],
    }
    assert [(e.path, e.field_id, e.rule) for e in check(forms, "group_repeat", answers)] == [
        ("dates-1-date", "date", "required"),
        ("dates-1-hours", "hours", "step"),
        ("dates-2-date", "date", "type"),
        ("dates-2-hours", "hours", "type"),
    ]


def test_required_sub_fields_of_the_shipped_form_name_each_input(
    forms: Mapping[str, FormSpec],
) -> None:
    answers = {"has_other_users": True, "other_users": [{"name": "Kim"}, {"email": "x"}]}
    errors = check(forms, "provider_registration", answers, pages=["people"])
    item_errors = [(e.path, e.message) for e in errors if e.path.startswith("other_users")]
    # In page order: item by item, and within an item in the order the questions are asked.
    assert item_errors == [
        ("other_users-0-email", "Enter “Email address”."),
        ("other_users-0-role", "Select an option for “Role”."),
        ("other_users-1-name", "Enter “Full name”."),
        (
            "other_users-1-email",
            "Enter an email address in the right format, like name@example.org.",
        ),
        ("other_users-1-role", "Select an option for “Role”."),
    ]


def test_items_are_reported_by_number_not_by_spelling(forms: Mapping[str, FormSpec]) -> None:
    # Item 10 comes after item 2, although "venues-10" sorts before "venues-2" as text.
    venues = [{"name": "Hall", "online": True, "link": "https://example.org"}] * 11
    venues[2] = venues[10] = {"online": True, "link": "https://example.org"}
    errors = check(forms, "cascade", {"a": True, "note": "n", "venues": venues})
    assert [e.path for e in errors] == ["venues-2-name", "venues-10-name"]


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"name": "Hall", "online": False}, [("venues-0-address", "required")]),
        ({"name": "Hall", "online": False, "address": "1 Main St"}, []),
        ({"name": "Hall", "online": True}, [("venues-0-link", "required")]),
        ({"name": "Hall", "online": True, "link": "nope"}, [("venues-0-link", "pattern")]),
        # Hidden (online not yes): its answer is ignored, even a broken one.
        ({"name": "Hall", "online": False, "address": "x", "link": "nope"}, []),
        # online unknown: neither the address (require_if) nor the link (show_if) is asked.
        ({"name": "Hall"}, []),
    ],
)
def test_conditions_inside_items_read_the_same_item(
    forms: Mapping[str, FormSpec], item: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    errors = check(forms, "cascade", {"a": True, "note": "n", "venues": [item]})
    assert [(e.path, e.rule) for e in errors] == expected


@pytest.mark.parametrize(
    ("item", "expected"),
    [
        ({"date": "2026-03-01", "online": True, "hours": 9}, ["dates-0-hours"]),
        ({"date": "2026-03-01", "online": True, "hours": 8}, []),
        ({"date": "2026-03-01", "online": False, "hours": 9}, []),  # `when` does not hold
        ({"date": "2026-03-01", "online": True}, []),  # unknown passes
    ],
)
def test_item_rules_run_for_each_item(
    forms: Mapping[str, FormSpec], item: dict[str, Any], expected: list[str]
) -> None:
    answers = {"title": "Fair", "total_hours": 9, "dates": [item]}
    errors = check(forms, "group_repeat", answers)
    assert [e.path for e in errors] == expected
    assert all(e.message == "An online session lasts at most 8 hours." for e in errors)


# -- conditions: show_if and require_if ----------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"topics": ["other"]}, [("other_topic", "required")]),
        ({"topics": ["math"]}, []),
        # A hidden field's answer is left out before validation, however wrong it is.
        ({"topics": ["math"], "other_topic": "x" * 1000}, []),
        ({"accreditor": "x" * 501}, []),
        ({"kind": "school", "accreditor": "x" * 501}, [("accreditor", "max_length")]),
    ],
)
def test_hidden_fields_are_never_required_and_their_answers_are_ignored(
    forms: Mapping[str, FormSpec], answers: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    assert [(e.path, e.rule) for e in check(forms, "conditions", answers)] == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"a": True, "b": True, "note": "n"}, ["c"]),
        # a says no: b is hidden, so its stale "yes" hides c too, and c_copy after it.
        ({"a": False, "b": True, "note": "n"}, []),
        ({"a": False, "b": True, "c": "x", "c_copy": "y" * 600, "note": "n"}, []),
        ({"a": True, "b": True, "c": "x", "c_copy": "y" * 600, "note": "n"}, ["c_copy"]),
    ],
)
def test_hiding_cascades_through_later_conditions(
    forms: Mapping[str, FormSpec], answers: dict[str, Any], expected: list[str]
) -> None:
    assert [e.path for e in check(forms, "cascade", answers)] == expected


@pytest.mark.parametrize(
    ("form", "answers", "required"),
    [
        ("conditions", {"kind": "college"}, True),
        ("conditions", {"kind": "college", "accreditor": "NWCCU"}, False),
        ("conditions", {"kind": "school"}, False),
        ("conditions", {}, False),
        ("cascade", {"a": False}, True),
        ("cascade", {}, False),
        ("group_repeat", {"title": "F", "dates": [{"date": "2026-03-01", "hours": 5}]}, True),
        ("group_repeat", {"title": "F", "dates": [{"date": "2026-03-01", "hours": 4}]}, False),
    ],
)
def test_require_if(
    forms: Mapping[str, FormSpec], form: str, answers: dict[str, Any], required: bool
) -> None:
    field = {"conditions": "reason", "cascade": "note", "group_repeat": "total_hours"}[form]
    errors = [e for e in check(forms, form, answers) if e.path == field]
    assert [(e.rule, e.message.startswith("Enter “")) for e in errors] == (
        [("required", True)] if required else []
    )


# -- form rules --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (
            {"start": "2026-03-02", "end": "2026-03-01"},
            [("end", "rule", "The end date must be on or after the start date.")],
        ),
        ({"start": "2026-03-02", "end": "2026-03-02"}, []),
        (
            {"start": "2026-03-01", "end": "2026-03-01", "limited": True, "seats": 0},
            [("seats", "rule", "Say how many seats there are.")],
        ),
        ({"start": "2026-03-01", "end": "2026-03-01", "limited": False, "seats": 0}, []),
        # Unknown passes: the missing or broken answer has its own error.
        ({"start": "2026-03-01", "end": "2026-03-01", "limited": True}, []),
        (
            {"start": "2026-03-02", "end": "2026-02-30"},
            [("end", "type", "“End date” must be a real date.")],
        ),
        ({"end": "2026-03-01"}, [("start", "required", "Enter a date for “Start date”.")]),
    ],
)
def test_form_rules(
    forms: Mapping[str, FormSpec], answers: dict[str, Any], expected: list[Any]
) -> None:
    assert triples(check(forms, "rules", answers)) == expected


# -- validating some pages ---------------------------------------------------------------


def test_only_the_named_pages_are_checked(forms: Mapping[str, FormSpec]) -> None:
    answers = {"kind": "college", "topics": ["other"]}
    assert [e.path for e in check(forms, "conditions", answers, pages=["first"])] == []
    assert [e.path for e in check(forms, "conditions", answers, pages=["second"])] == [
        "other_topic",
        "reason",
    ]
    assert [e.path for e in check(forms, "conditions", answers)] == ["other_topic", "reason"]


@pytest.mark.parametrize(
    ("pages", "rule_checked"),
    [(["first"], False), (["second"], False), (["first", "second"], True), (None, True)],
)
def test_form_rules_run_only_when_the_whole_form_is_checked(
    forms: Mapping[str, FormSpec], pages: list[str] | None, rule_checked: bool
) -> None:
    errors = check(forms, "cascade", {"a": True, "b": False}, pages=pages)
    assert [e.path for e in errors if e.rule == "rule"] == (["note"] if rule_checked else [])


def test_a_page_of_the_shipped_form_reports_only_its_own_fields(
    forms: Mapping[str, FormSpec],
) -> None:
    errors = check(forms, "provider_registration", {}, pages=["people"])
    assert [e.path for e in errors] == [
        "manager_name",
        "manager_title",
        "manager_email",
        "manager_phone",
        "has_other_users",
    ]


# -- the shipped registration form -------------------------------------------------------

COMPLETE: dict[str, Any] = {
    "legal_name": "Big Sky Teacher Academy",
    "org_type": "college",
    "accreditor": "NWCCU",
    "address": {"street": "1300 11th Avenue", "city": "Helena", "state": "MT", "zip": "59601"},
    "phone": "406 444 3095",
    "website": "https://bigsky.example.org",
    "manager_name": "Jordan Rivers",
    "manager_title": "Director",
    "manager_email": "jordan@bigsky.example.org",
    "manager_phone": "406 555 0100",
    "has_other_users": True,
    "other_users": [{"name": "Kim Lee", "email": "kim@bigsky.example.org", "role": "both"}],
    "description": "Literacy and mathematics coaching cycles for K-8 teachers, with visits.",
    "audiences": ["teachers", "other"],
    "audiences_other": "School counselors",
    "events_per_year": 12,
    "attest_714": True,
    "attest_215": True,
    "attest_216": True,
    "attest_records": True,
}


def test_a_complete_registration_passes(forms: Mapping[str, FormSpec]) -> None:
    assert check(forms, "provider_registration", COMPLETE) == []


def test_an_empty_registration_lists_every_required_question_in_page_order(
    forms: Mapping[str, FormSpec],
) -> None:
    errors = check(forms, "provider_registration", {})
    required = [
        f.id for f in forms["provider_registration"].fields() if f.required and f.show_if is None
    ]
    assert [e.path for e in errors] == required
    assert {e.rule for e in errors} == {"required"}


EVENTS = "“About how many events do you expect to offer each year”"
RECORDS = "We will keep attendance and certificate records for five years."
USER = {"name": "Kim", "email": "k@example.org", "role": "both"}
REGISTRATION_ERRORS = [
    ({"org_type": None}, "org_type", "required", "Choose the type of your organization."),
    (
        {"org_type": "charity"},
        "org_type",
        "option",
        "Select one of the options for “Type of eligible organization”.",
    ),
    ({"accreditor": None}, "accreditor", "required", "Enter “Accrediting body”."),
    (
        {"address": {**COMPLETE["address"], "zip": "5960"}},
        "address-zip",
        "pattern",
        "Enter the ZIP code of “Address of the organization” like 59601 or 59601-1234.",
    ),
    ({"phone": "444"}, "phone", "pattern", PHONE),
    ({"website": "bigsky.org"}, "website", "pattern", URL),
    ({"manager_email": "jordan"}, "manager_email", "pattern", EMAIL),
    (
        {"description": "Short."},
        "description",
        "min_length",
        "Tell us a little more; write at least 50 characters.",
    ),
    ({"audiences_other": None}, "audiences_other", "required", "Enter “Other audiences”."),
    (
        {"events_per_year": "twelve"},
        "events_per_year",
        "type",
        f"{EVENTS} must be a whole number, like 12.",
    ),
    ({"events_per_year": 0}, "events_per_year", "min", f"{EVENTS} must be 1 or more."),
    (
        {"other_users": [USER] * 11},
        "other_users",
        "max_items",
        "You can add at most 10 of “Other users”.",
    ),
    (
        {"attest_records": False},
        "attest_records",
        "required",
        f"Tick the box to confirm: “{RECORDS}”",
    ),
]


@pytest.mark.parametrize(("change", "path", "rule", "message"), REGISTRATION_ERRORS)
def test_the_registration_forms_checks_and_wording(
    forms: Mapping[str, FormSpec], change: dict[str, Any], path: str, rule: str, message: str
) -> None:
    answers = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    assert triples(check(forms, "provider_registration", answers)) == [(path, rule, message)]


@pytest.mark.parametrize(
    "change",
    [
        {"org_type": "government_agency", "accreditor": None},
        {"has_other_users": False, "other_users": [{}]},
        {"audiences": ["teachers"], "audiences_other": None},
    ],
)
def test_questions_the_registration_hides_are_not_asked(
    forms: Mapping[str, FormSpec], change: dict[str, Any]
) -> None:
    answers = {k: v for k, v in {**COMPLETE, **change}.items() if v is not None}
    assert check(forms, "provider_registration", answers) == []


# -- the compiled JSON Schema ------------------------------------------------------------

FORM_NAMES = [
    "field_types",
    "conditions",
    "group_repeat",
    "rules",
    "required_types",
    "custom_messages",
    "cascade",
    "provider_registration",
]


@pytest.mark.parametrize("name", FORM_NAMES)
def test_the_compiled_schema_is_valid_draft_2020_12(
    forms: Mapping[str, FormSpec], name: str
) -> None:
    form = forms[name]
    schema = FormValidator(form).schema
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert list(schema["properties"]) == [f.id for f in form.fields()]
    assert schema["required"] == [f.id for f in form.fields() if f.required]
    for page in form.pages:
        Draft202012Validator.check_schema(form_schema(page.fields))


def test_the_schema_says_what_each_type_takes(forms: Mapping[str, FormSpec]) -> None:
    properties = FormValidator(forms["field_types"]).schema["properties"]
    assert properties["name"] == {
        "type": "string",
        "pattern": "^(?:^[A-Za-z ]+$)$",  # anchored: the whole answer must match
        "minLength": 2,
        "maxLength": 80,
    }
    assert properties["count"] == {"type": "integer", "minimum": 1, "maximum": 10}
    assert properties["day"] == {"type": "string", "format": "date"}
    assert properties["color"] == {"enum": ["red", "MT", "yes"]}
    assert properties["pets"]["items"] == {"enum": ["cat", "dog"]}
    assert properties["agree"] == {"type": "boolean"}
    assert properties["attest"] == {"const": True}
    assert properties["email"]["maxLength"] == 254
    group = FormValidator(forms["required_types"]).schema["properties"]["group"]
    assert (group["minItems"], group["maxItems"]) == (2, 3)


@pytest.mark.parametrize(
    ("zip_code", "ok"), [("59601", True), ("59601-1234", True), ("abc59601xyz", False)]
)
def test_a_pattern_must_match_the_whole_answer(
    forms: Mapping[str, FormSpec], zip_code: str, ok: bool
) -> None:
    answers = {"address": {"zip": zip_code}}
    errors = check(forms, "provider_registration", answers, pages=["organization"])
    assert ("address-zip" not in [e.path for e in errors]) is ok
