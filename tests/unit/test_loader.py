"""Loading definitions: valid fixtures per feature, the shipped files, and broken files."""

from __future__ import annotations

import dataclasses
import hashlib
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.spec.conditions import Context
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.loader import Definitions, definition_files, lint, load_definitions
from engine.spec.messages import meta_schema
from engine.spec.model import (
    COMMENT_MODES,
    FIELD_TYPES,
    NOTIFY_TARGETS,
    ORGANIZATION_MODES,
    ROLES,
    Due,
    NewOrganization,
    Option,
    PeopleGroup,
    PersonFields,
    Repeat,
)

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "definitions"
TEMPLATES = FIXTURES / "templates"


@pytest.fixture(scope="module")
def fixtures() -> Definitions:
    return load_definitions(
        sorted((FIXTURES / "forms").glob("*.yaml")),
        sorted((FIXTURES / "workflows").glob("*.yaml")),
        TEMPLATES,
    )


@pytest.fixture
def in_fixtures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the fixture folder, so files are named like broken/x.yaml in errors."""
    monkeypatch.chdir(FIXTURES)


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


# -- the meta-schemas ----------------------------------------------------------------------


def schema(kind: str) -> Any:
    return meta_schema(kind)


def test_meta_schemas_are_valid_draft_2020_12() -> None:
    for kind in ("form", "workflow"):
        Draft202012Validator.check_schema(schema(kind))


def test_meta_schemas_list_the_same_words_as_the_model() -> None:
    form, workflow = schema("form"), schema("workflow")
    assert form["$defs"]["field"]["properties"]["type"]["enum"] == list(FIELD_TYPES)
    defs = workflow["$defs"]
    assert defs["role"]["enum"] == list(ROLES)
    assert defs["transition"]["properties"]["comment"]["enum"] == list(COMMENT_MODES)
    assert defs["action"]["properties"]["notify"]["enum"] == list(NOTIFY_TARGETS)
    assert workflow["properties"]["organization"]["enum"] == list(ORGANIZATION_MODES)


# -- valid fixtures, one per feature -----------------------------------------------------


def test_fixtures_load_into_frozen_definitions(fixtures: Definitions) -> None:
    assert sorted(fixtures.forms) == [
        "conditions",
        "field_types",
        "group_repeat",
        "people",
        "rules",
    ]
    assert sorted(fixtures.workflows) == ["guarded", "joining", "owing", "registering", "shared"]
    assert isinstance(fixtures.forms, MappingProxyType)
    form = fixtures.forms["field_types"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        form.title = "changed"
    raw = (FIXTURES / "forms" / "field_types.yaml").read_bytes()
    assert form.version == hashlib.sha256(raw).hexdigest()[:12]
    assert form.source == raw.decode()


def test_every_field_type_with_its_own_keys(fixtures: Definitions) -> None:
    form = fixtures.forms["field_types"]
    assert [f.type for f in form.fields()] == [t for t in FIELD_TYPES if t != "group"]
    assert form.description == "A fixture with one field of each type."
    assert form.pages[0].intro == "Each type once."
    name = form.field("name")
    assert (name.required, name.min_length, name.max_length) == (True, 2, 80)
    assert name.pattern == "^[A-Za-z ]+$"
    assert name.autocomplete == "name"
    assert name.messages == {"pattern": "Letters only."}
    assert form.field("site").hint == "Start with https://"
    count = form.field("count")
    assert (count.minimum, count.maximum, count.step, count.default) == (1.0, 10.0, None, 2)
    hours = form.field("hours")
    assert (hours.minimum, hours.maximum, hours.step) == (0.25, 12.0, 0.25)
    assert form.field("day").default == date(2026, 1, 31)
    color = form.field("color")
    assert color.options == (
        Option("red", "Red"),
        Option("MT", "Montana blue"),
        Option("yes", "Yes please"),
    )
    assert (color.widget, color.default, color.option_label("MT")) == (
        "select",
        "MT",
        "Montana blue",
    )
    pets = form.field("pets")
    assert (pets.widget, pets.default) == (None, [dog := "dog"]) and dog
    assert form.field("agree").default is False
    assert form.field("attest").required


def test_where_each_thing_was_written_is_kept(fixtures: Definitions) -> None:
    form = fixtures.forms["field_types"]
    assert form.where is not None and form.where.line == 2
    assert form.pages[0].where is not None and form.pages[0].where.line == 6
    where = form.field("story").where
    assert where is not None
    assert where.file.endswith("field_types.yaml") and (where.line, where.column) == (12, 9)


def test_a_repeating_group_with_conditions_and_rules_inside(fixtures: Definitions) -> None:
    form = fixtures.forms["group_repeat"]
    dates = form.field("dates")
    assert dates.is_group
    assert dates.repeat == Repeat(1, 5, "Add another date", "Date")
    assert [f.id for f in dates.fields] == ["date", "hours", "online", "link"]
    link = dates.fields[3]
    assert link.show_if is not None and link.show_if.refs() == {"online"}
    today = date(2026, 1, 1)
    assert link.show_if.evaluate(Context({}, today, item={"online": True})) is True
    (rule,) = dates.rules
    assert (rule.field, rule.message) == ("hours", "An online session lasts at most 8 hours.")
    assert rule.when is not None and rule.check.refs() == {"hours"}
    # A group without `repeat` takes the defaults, named after the group.
    assert form.field("helpers").repeat == Repeat(1, 20, "Add another", "Helpers")
    # Aggregates over the items: dates.max.hours, dates.first.date.
    total = form.field("total_hours")
    assert total.require_if is not None and total.require_if.refs() == {"dates.max.hours"}
    answers = {"dates": [{"hours": 2}, {"hours": 6}]}
    assert total.require_if.evaluate(Context(answers, today)) is True
    note = form.field("first_day_note")
    assert note.show_if is not None
    assert note.show_if.evaluate(Context({"dates": [{"date": "2026-02-01"}]}, today)) is True


def test_show_if_and_require_if_on_the_same_and_earlier_pages(fixtures: Definitions) -> None:
    form = fixtures.forms["conditions"]
    today = date(2026, 1, 1)
    accreditor = form.field("accreditor")
    assert accreditor.show_if is not None
    assert accreditor.show_if.evaluate(Context({"kind": "school"}, today)) is True
    other = form.field("other_topic")
    assert other.show_if is not None and other.required
    assert other.show_if.evaluate(Context({"topics": ["math"]}, today)) is False
    reason = form.field("reason")
    assert reason.require_if is not None
    assert reason.require_if.refs() == {"kind", "accreditor"}
    assert reason.require_if.evaluate(Context({"kind": "college", "accreditor": ""}, today))


def test_form_rules_with_and_without_when(fixtures: Definitions) -> None:
    first, second = fixtures.forms["rules"].rules
    assert (first.field, first.when) == ("end", None)
    assert first.check.refs() == {"end", "start"}
    assert second.field == "seats" and second.when is not None
    assert second.where is not None and second.where.line == 16


def test_a_workflow_with_guards_deadlines_comments_and_notifications(
    fixtures: Definitions,
) -> None:
    flow = fixtures.workflows["guarded"]
    assert (flow.form, flow.initial) == ("group_repeat", "draft")
    states = flow.states
    assert list(states) == ["draft", "submitted", "reported", "approved", "withdrawn"]
    assert states["draft"].editable and not states["submitted"].editable
    assert states["submitted"].due == Due(7, business=True)
    assert states["submitted"].description == "Waiting for a reviewer."
    assert states["reported"].due == Due(30, business=False)
    assert states["approved"].final and states["approved"].due is None
    submit, approve, close, withdraw = flow.transitions
    assert (submit.label, submit.roles, submit.form, submit.comment) == (
        "Submit",
        ("applicant",),
        "group_repeat",
        "none",
    )
    (guard,) = submit.guards
    assert guard.message == "Apply at least 10 days before the event."
    assert guard.when.refs() == {"dates.first.date"}
    (notify,) = submit.actions
    assert notify.kind == "notify"
    assert notify.params == {"notify": "reviewers", "template": "submitted"}
    assert (approve.roles, approve.comment, len(approve.guards)) == (
        ("reviewer", "admin"),
        "optional",
        2,
    )
    assert close.label == "Close"
    assert (withdraw.sources, withdraw.comment) == (("draft", "submitted"), "required")
    assert [t.trigger for t in flow.transitions_from("submitted")] == ["approve", "withdraw"]
    assert flow.transition("close", "reported") is close


def test_organization_modes_and_the_manager_role(fixtures: Definitions) -> None:
    assert fixtures.workflows["guarded"].organization is None
    assert fixtures.workflows["shared"].organization == "member"
    joining = fixtures.workflows["joining"]
    assert joining.organization == "chosen"
    submit, approve = joining.transitions
    assert submit.actions[0].params == {"notify": "manager", "template": "submitted"}
    assert approve.roles == ("manager", "reviewer")
    (grant,) = approve.actions
    assert (grant.kind, grant.details) == (
        "grant_membership",
        PersonFields(name="manager_name", email="manager_email"),
    )


def test_create_organization_reads_its_questions_into_typed_settings(
    fixtures: Definitions,
) -> None:
    (approve,) = fixtures.workflows["registering"].transitions
    create, notify = approve.actions
    assert create.kind == "create_organization" and notify.kind == "notify"
    assert create.details == NewOrganization(
        name="org_name",
        prefix="ORG-",
        digits=3,
        manager=PersonFields("manager_name", "manager_email"),
        email="org_email",
        phone="org_phone",
        website="site",
        users=PeopleGroup("colleagues", PersonFields("name", "email")),
    )


# -- the shipped definitions ---------------------------------------------------------------


def test_the_shipped_definitions_load_cleanly() -> None:
    workflows = sorted((ROOT / "workflows").glob("*.yaml"))
    definitions = load_definitions(
        sorted((ROOT / "forms").glob("*.yaml")), workflows, ROOT / "templates"
    )
    assert "provider_registration" in definitions.forms
    flow = definitions.workflows["provider_registration"]
    assert flow.states["submitted"].due == Due(7, business=True)
    form = definitions.forms["provider_registration"]
    address = form.field("address")
    assert (address.type, address.default) == ("address", {"state": "MT"})
    assert form.field("other_users").repeat == Repeat(1, 10, "Add another user", "User")
    approve = flow.transition("approve", "submitted")
    assert approve is not None
    assert [a.kind for a in approve.actions] == ["create_organization", "notify"]
    access = definitions.workflows["access_request"]
    assert (access.organization, access.retention_years) == ("chosen", 5)
    owed = definitions.workflows["event_report"].obligations["certificate_count"]
    assert (owed.form, owed.due, owed.reminders.days_before) == (
        "certificate_count",
        Due(30, business=False),
        (7, 1),
    )
    assert sorted(definitions.workflows) == [
        "access_request",
        "event_report",
        "portal_item",
        "provider_registration",
        "single_event",
    ]
    assert sorted(definitions.forms) == [
        "access_request",
        "certificate_count",
        "event_report",
        "portal_item",
        "provider_registration",
        "single_event_application",
    ]
    single = definitions.workflows["single_event"]
    assert (single.form, single.organization, single.retention_years) == (
        "single_event_application",
        None,
        5,
    )
    assert single.states["submitted"].due == Due(7, business=True)
    submit = single.transition("submit", "draft")
    assert submit is not None and len(submit.guards) == 1
    # The 10-day rule (docs/domain.md, single-event approval): event Monday 16 March 2026,
    # apply by Friday 6 March.
    guard = submit.guards[0].when
    first_date = {"dates": [{"date": "2026-03-16"}]}
    assert guard.evaluate(Context(first_date, date(2026, 3, 6))) is True
    assert guard.evaluate(Context(first_date, date(2026, 3, 7))) is False
    approve = single.transition("approve", "submitted")
    assert approve is not None
    assert [a.kind for a in approve.actions] == ["owe", "notify"]
    count = single.obligations["certificate_count"]
    assert (count.form, count.due, count.reminders.days_before) == (
        "certificate_count",
        Due(30, business=False),
        (7, 1),
    )


# -- broken definitions: every one located, in plain English ------------------------------

TYPES = ", ".join(FIELD_TYPES)
_NEEDS_ORGANIZATION = (
    "needs the workflow key 'organization: member' or 'organization: chosen', to know "
    "which organization the application is about"
)
BROKEN: list[tuple[str, int, int, str]] = [
    # YAML itself
    (
        "syntax_error.yaml",
        9,
        20,
        "a ':' is out of place here: if a value contains ': ', put the whole value in quotes; "
        "otherwise check the indentation of this line",
    ),
    ("unclosed_quote.yaml", 2, 8, "a quote is opened here but never closed"),
    ("tab_indent.yaml", 4, 1, "a tab is used for indenting; indent with spaces only"),
    ("empty.yaml", 1, 1, "the file is empty"),
    ("duplicate_key.yaml", 11, 9, "the key 'label' appears twice in this block"),
    (
        "neither_form_nor_workflow.yaml",
        2,
        1,
        "this file is neither a form nor a workflow: it should start with 'form: <id>' or "
        "'workflow: <id>'",
    ),
    # the shape of a form
    ("unknown_key.yaml", 9, 9, "'lable' is not a key a field can have; did you mean 'label'?"),
    ("unknown_top_key.yaml", 2, 1, "'titel' is not a key a form can have; did you mean 'title'?"),
    (
        "unknown_field_type.yaml",
        7,
        27,
        f"'type' must be one of: {TYPES}; did you mean 'long_text'?",
    ),
    ("missing_label.yaml", 7, 9, "a field needs a 'label'"),
    ("max_length_not_whole.yaml", 10, 21, "'max_length' must be a whole number"),
    (
        "label_read_as_yes.yaml",
        7,
        42,
        "'label' must be text; YAML reads a bare yes, no, on, off, true or false as "
        "true/false, so put it in quotes",
    ),
    (
        "bad_id.yaml",
        7,
        14,
        "'Legal Name' is not a valid id: use only lower-case letters, digits and '_', "
        "starting with a letter; did you mean 'legal_name'?",
    ),
    # what the schema cannot see in a form
    (
        "options_on_text.yaml",
        10,
        9,
        "'options' only applies to choice and multiple choice fields",
    ),
    ("choice_without_options.yaml", 7, 9, "a choice field needs 'options'"),
    ("min_above_max.yaml", 7, 60, "'min' (10) is more than 'max' (5)"),
    ("repeat_min_above_max.yaml", 10, 23, "'repeat' allows at least 5 but at most 3 items"),
    (
        "bad_regex.yaml",
        10,
        18,
        "the pattern is not a valid regular expression: missing ), unterminated subpattern "
        "at character 2",
    ),
    ("default_not_option.yaml", 10, 18, "the default 'MN' is not one of the options"),
    ("nested_group.yaml", 12, 19, "a group cannot hold another group"),
    (
        "message_without_check.yaml",
        12,
        11,
        "there is a message for 'pattern', but the field has no 'pattern'",
    ),
    (
        "required_and_require_if.yaml",
        12,
        9,
        "use 'required: true' or 'require_if', not both",
    ),
    ("duplicate_field_id.yaml", 11, 14, "another field (on line 7) already has the id 'name'"),
    (
        "rule_unknown_field.yaml",
        11,
        12,
        "there is no field 'ends' in this form; did you mean 'end'?",
    ),
    (
        "item_rule_unknown_field.yaml",
        15,
        20,
        "there is no field 'hour' in the group 'dates'; did you mean 'hours'?",
    ),
    # conditions
    (
        "show_if_unknown_field.yaml",
        11,
        26,
        "unknown field 'org_typ'; did you mean 'org_type'?",
    ),
    (
        "wrong_operator.yaml",
        13,
        11,
        "'after' compares dates, but 'Count' is a number; use 'greater_than'",
    ),
    (
        "unknown_option.yaml",
        11,
        53,
        "'colege' is not an option of 'Type'; did you mean 'college'? "
        "(the options are: school, college)",
    ),
    ("self_reference.yaml", 10, 26, "the 'show_if' of 'note' depends on 'note' itself"),
    (
        "condition_on_later_page.yaml",
        10,
        26,
        "'accreditor' depends on 'org_type', which is asked on a later page ('About you'); "
        "its answer is not known yet when this page is shown",
    ),
    # workflows
    (
        "workflow_missing_form.yaml",
        3,
        7,
        "there is no form 'group_repaet'; did you mean 'group_repeat'?",
    ),
    ("unknown_state.yaml", 11, 9, "there is no state 'aproved'; did you mean 'approved'?"),
    ("initial_unknown.yaml", 4, 10, "there is no state 'drafts'; did you mean 'draft'?"),
    ("initial_absent.yaml", 1, 1, "a workflow needs an 'initial'"),
    (
        "bad_state_id.yaml",
        7,
        3,
        "'Approved' is not a valid id: use only lower-case letters, digits and '_', "
        "starting with a letter; did you mean 'approved'?",
    ),
    (
        "transition_other_form.yaml",
        9,
        71,
        "a transition can only check the workflow's own form 'group_repeat', not 'conditions'",
    ),
    (
        "unknown_role.yaml",
        9,
        63,
        "item 2 of 'by' must be one of: applicant, reviewer, admin, manager, system; did you "
        "mean 'reviewer'?",
    ),
    (
        "missing_template.yaml",
        14,
        39,
        "there is no email template 'aproved' (looked for templates/emails/aproved.txt); "
        "did you mean 'approved'?",
    ),
    (
        "unknown_action.yaml",
        14,
        10,
        "'email' is not a key an action can have; it can have: notify, template, "
        "create_organization, grant_membership, owe, cancel_obligations",
    ),
    (
        "action_without_kind.yaml",
        14,
        10,
        "an action starts with what it does (notify, create_organization, grant_membership, "
        "owe, cancel_obligations), not with 'template'",
    ),
    (
        "duplicate_trigger.yaml",
        11,
        15,
        "the trigger 'decide' already leaves the state 'draft' (line 10); a trigger may leave "
        "a state only once",
    ),
    (
        "final_state_outgoing.yaml",
        11,
        12,
        "'approved' is a final state, so no transition can leave it",
    ),
    (
        "unreachable_state.yaml",
        8,
        3,
        "no transition leads to the state 'archived' from the initial state 'draft'",
    ),
    (
        "dead_end_state.yaml",
        7,
        3,
        "no transition leaves the state 'submitted', so applications would stay in it for "
        "ever; add one, or mark the state 'final: true'",
    ),
    ("guard_without_message.yaml", 14, 7, "a guard needs a 'message'"),
    (
        "guard_unknown_field.yaml",
        16,
        46,
        "unknown field 'dates.first.day'; did you mean 'dates.first.date'?",
    ),
    ("due_both_kinds.yaml", 6, 46, "'due' needs exactly one of 'days' or 'business_days'"),
    # organizations
    (
        "organization_unknown_mode.yaml",
        4,
        15,
        "'organization' must be one of: member, chosen; did you mean 'member'?",
    ),
    (
        "manager_without_organization.yaml",
        9,
        66,
        f"the role 'manager' {_NEEDS_ORGANIZATION}",
    ),
    (
        "notify_manager_without_organization.yaml",
        14,
        18,
        f"notifying the 'manager' {_NEEDS_ORGANIZATION}",
    ),
    (
        "grant_membership_without_organization.yaml",
        14,
        9,
        f"'grant_membership' {_NEEDS_ORGANIZATION}",
    ),
    (
        "create_organization_unknown_field.yaml",
        15,
        17,
        "there is no question 'org_nam' in the form 'people'; did you mean 'org_name'?",
    ),
    (
        "create_organization_email_not_email.yaml",
        17,
        48,
        "'manager_name' is a text question; an email address must come from a question of "
        "type email",
    ),
    ("create_organization_without_number.yaml", 15, 11, "'create_organization' needs a 'number'"),
    (
        "create_organization_users_unknown_field.yaml",
        18,
        44,
        "there is no question 'full_name' in the group 'colleagues'; did you mean 'name'?",
    ),
    (
        "create_organization_users_not_group.yaml",
        18,
        26,
        "'manager_name' is one question, not a group of questions",
    ),
    # obligations
    (
        "obligation_unknown_group.yaml",
        9,
        23,
        "the form 'group_repeat' has no question 'datez'; did you mean 'dates'?",
    ),
    ("obligation_date_not_a_date.yaml", 9, 36, "'hours' is a decimal question, not a date"),
    (
        "obligation_missing_template.yaml",
        12,
        15,
        "there is no email template 'aproved' (looked for templates/emails/aproved.txt); "
        "did you mean 'approved'?",
    ),
    ("obligation_unknown_form.yaml", 8, 11, "there is no form 'rulez'; did you mean 'rules'?"),
    (
        "obligation_reconcile_unknown_field.yaml",
        11,
        24,
        "the form 'field_types' has no question 'cuont'; did you mean 'count'?",
    ),
    (
        "obligation_reconcile_field_not_number.yaml",
        11,
        24,
        "'hours' is a decimal question, not a whole_number",
    ),
    (
        "obligation_reconcile_reason_not_text.yaml",
        11,
        39,
        "'agree' is a yes_no question, not a long_text or text",
    ),
    (
        "obligation_without_dates.yaml",
        6,
        3,
        "the obligation 'count' needs 'for_each:' or 'every:' (or both)",
    ),
    (
        "owe_unknown_obligation.yaml",
        20,
        15,
        "there is no obligation 'counts' under 'obligations:'; did you mean 'count'?",
    ),
    (
        "obligations_met_unknown.yaml",
        20,
        31,
        "there is no obligation 'counts' under 'obligations:'; did you mean 'count'?",
    ),
    (
        "obligations_met_in_form.yaml",
        11,
        19,
        "'obligations_met' can only be used in a workflow guard",
    ),
    (
        "system_comment_required.yaml",
        9,
        67,
        "the system writes no comments, so a move 'by: system' cannot require one",
    ),
    (
        "system_override.yaml",
        16,
        7,
        "a move 'by: system' happens on its own when its guards hold, so nobody can override "
        "them; remove 'override'",
    ),
    (
        "system_reasons.yaml",
        13,
        5,
        "the system chooses no reasons, so a move 'by: system' cannot ask for one",
    ),
    ("override_by_applicant.yaml", 16, 17, "'override' must be one of: reviewer, admin"),
]


@pytest.mark.parametrize(("name", "line", "column", "message"), BROKEN, ids=[b[0] for b in BROKEN])
@pytest.mark.usefixtures("in_fixtures")
def test_a_broken_definition_gets_exactly_one_located_plain_message(
    name: str, line: int, column: int, message: str
) -> None:
    # The valid forms come along so that broken workflows have a form to name.
    errors = lint([Path("broken") / name, Path("forms")], Path("templates"))
    assert errors == [DefinitionError(f"broken/{name}", line, column, message)]


def test_every_broken_fixture_is_in_the_table() -> None:
    assert sorted(p.name for p in (FIXTURES / "broken").glob("*.yaml")) == sorted(
        b[0] for b in BROKEN
    )


@pytest.mark.usefixtures("in_fixtures")
def test_load_reports_every_problem_of_every_file_at_once() -> None:
    broken = [Path("broken") / name for name, *_ in BROKEN]
    with pytest.raises(DefinitionsInvalid) as caught:
        load_definitions([*Path("forms").glob("*.yaml"), *broken], [], Path("templates"))
    errors = caught.value.errors
    # Most broken fixtures share the name 'broken'; each file after the first is also told
    # so, and still checked in full.
    assert {DefinitionError(f"broken/{n}", ln, col, m) for n, ln, col, m in BROKEN} <= set(errors)
    duplicates = [e for e in errors if "is already defined in" in e.message]
    assert len(errors) == len(BROKEN) + len(duplicates)
    assert errors == sorted(errors)


def test_several_problems_in_one_file_are_all_reported(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "form.yaml",
        """\
form: several
title: Several problems
pages:
  - id: page
    title: Page
    fields:
      - {id: a, type: text, lable: A}
      - {id: b, type: texts, label: B}
      - {id: c, type: text, label: C, max_length: many}
""",
    )
    messages = [(e.line, e.message) for e in lint([path], tmp_path)]
    assert messages == [
        (7, "'lable' is not a key a field can have; did you mean 'label'?"),
        (8, f"'type' must be one of: {TYPES}; did you mean 'text'?"),
        (9, "'max_length' must be a whole number"),
    ]


def test_a_workflow_is_not_blamed_for_its_form_s_problems(tmp_path: Path) -> None:
    write(tmp_path, "forms/f.yaml", "form: f\ntitle: F\npages: []\n")
    write(
        tmp_path,
        "workflows/w.yaml",
        """\
workflow: w
title: W
form: f
initial: a
states: {a: {label: A}, b: {label: B, final: true}}
transitions:
  - trigger: go
    from: a
    to: b
    by: applicant
    guard: {when: {field: anything, equals: 1}, message: No.}
""",
    )
    errors = lint([tmp_path], tmp_path)
    assert [(Path(e.file).name, e.message) for e in errors] == [
        ("f.yaml", "'pages' needs at least one entry")
    ]


def test_a_form_with_problems_still_lends_its_fields_to_guards(tmp_path: Path) -> None:
    write(
        tmp_path,
        "f.yaml",
        """\
form: f
title: F
pages:
  - id: p
    title: P
    fields:
      - {id: zip, type: text, label: ZIP, pattern: '(['}
""",
    )
    write(
        tmp_path,
        "w.yaml",
        """\
workflow: w
title: W
form: f
initial: a
states: {a: {label: A}, b: {label: B, final: true}}
transitions:
  - trigger: go
    from: a
    to: b
    by: applicant
    guard: {when: {field: zipp, is_filled: true}, message: No.}
""",
    )
    errors = lint([tmp_path], tmp_path)
    assert [(Path(e.file).name, e.line) for e in errors] == [("f.yaml", 7), ("w.yaml", 11)]
    assert errors[1].message == "unknown field 'zipp'; did you mean 'zip'?"


def test_two_files_may_not_define_the_same_form(tmp_path: Path) -> None:
    text = (
        "form: same\ntitle: T\n"
        "pages: [{id: p, title: P, fields: [{id: a, type: text, label: A}]}]\n"
    )
    write(tmp_path, "a.yaml", text)
    write(tmp_path, "b.yaml", text)
    errors = lint([tmp_path], tmp_path)
    assert [(Path(e.file).name, e.line, e.column) for e in errors] == [("b.yaml", 1, 7)]
    assert errors[0].message.startswith("the form 'same' is already defined in ")


def test_lint_takes_folders_their_forms_and_workflows_subfolders_and_files() -> None:
    files = definition_files([FIXTURES])
    assert [p.relative_to(FIXTURES).as_posix() for p in files] == [
        "forms/conditions.yaml",
        "forms/field_types.yaml",
        "forms/group_repeat.yaml",
        "forms/people.yaml",
        "forms/rules.yaml",
        "workflows/guarded.yaml",
        "workflows/joining.yaml",
        "workflows/owing.yaml",
        "workflows/registering.yaml",
        "workflows/shared.yaml",
    ]
    assert lint([FIXTURES], TEMPLATES) == []
    single = FIXTURES / "broken" / "empty.yaml"
    assert definition_files([single, single]) == [single]


def test_keys_and_values_yaml_reads_as_true_or_false_are_explained(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "form.yaml",
        """\
form: f
title: F
pages:
  - id: p
    title: P
    fields:
      - id: ok
        type: choice
        label: OK?
        options:
          yes: Sure
          'no': No
""",
    )
    hint = "YAML reads a bare yes, no, on, off, true or false as true/false, so put it in quotes"
    assert [(e.line, e.column, e.message) for e in lint([path], tmp_path)] == [
        (11, 11, f"this key is read as true/false: {hint}"),
        (12, 17, f"'no' must be text; {hint}"),
    ]
