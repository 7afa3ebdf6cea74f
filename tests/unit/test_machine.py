"""Workflow machines: who may do what, why not, what firing decides, and no leaked models."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.machine import (
    Actor,
    Attempt,
    Blocked,
    Outcome,
    WorkflowMachine,
    blockers,
    due_date,
)
from engine.runtime.validation import FormValidator
from engine.spec.loader import Definitions, load_definitions
from tests.unit.samples import SHIPPED_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
DEFINITIONS = ROOT / "tests" / "fixtures" / "definitions"

FRIDAY = date(2025, 11, 21)  # the Friday before Thanksgiving week
OWNER = Actor(1, frozenset({"applicant"}), is_owner=True)
STRANGER = Actor(2, frozenset({"applicant"}), is_owner=False)
REVIEWER = Actor(3, frozenset({"reviewer"}))
ADMIN = Actor(4, frozenset({"admin"}))

REGISTRATION: dict[str, Any] = dict(SHIPPED_ANSWERS)
# Twenty days after FRIDAY: far enough ahead for the guarded workflow's guard.
EVENT = {"title": "Fall institute", "dates": [{"date": "2025-12-11", "hours": 4}]}


@pytest.fixture(scope="module")
def calendar() -> BusinessCalendar:
    return montana()


@pytest.fixture(scope="module")
def shipped() -> Definitions:
    return load_definitions(
        # The registration's start page links to the access request: it comes along.
        [ROOT / "forms" / f"{name}.yaml" for name in ("provider_registration", "access_request")],
        [
            ROOT / "workflows" / f"{name}.yaml"
            for name in ("provider_registration", "access_request")
        ],
        ROOT / "templates",
    )


@pytest.fixture(scope="module")
def fixtures() -> Definitions:
    return load_definitions(
        [DEFINITIONS / "forms" / "group_repeat.yaml"],
        [DEFINITIONS / "workflows" / "guarded.yaml"],
        DEFINITIONS / "templates",
    )


@pytest.fixture(scope="module")
def registration(shipped: Definitions) -> WorkflowMachine:
    return WorkflowMachine(shipped.workflows["provider_registration"])


@pytest.fixture(scope="module")
def guarded(fixtures: Definitions) -> WorkflowMachine:
    return WorkflowMachine(fixtures.workflows["guarded"])


def attempt(
    definitions: Definitions,
    actor: Actor,
    answers: Mapping[str, Any],
    calendar: BusinessCalendar,
    comment: str = "",
    today: date = FRIDAY,
) -> Attempt:
    validators = {name: FormValidator(form) for name, form in definitions.forms.items()}
    return Attempt(actor, answers, today, comment, calendar, validators)


def triggers(machine: WorkflowMachine, state: str, at: Attempt) -> list[str]:
    return [t.trigger for t, _ in machine.options(state, at)]


def reasons(error: pytest.ExceptionInfo[Blocked]) -> list[tuple[str, str]]:
    return [(b.kind, b.message) for b in error.value.blockers]


# -- options -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        ("draft", OWNER, ["submit"]),
        ("draft", STRANGER, []),  # "applicant" in YAML means the owner, not the role
        ("draft", REVIEWER, []),
        ("submitted", OWNER, []),
        ("submitted", REVIEWER, ["request_changes", "approve", "deny"]),
        ("submitted", ADMIN, []),
        ("changes_requested", OWNER, ["resubmit"]),
        ("changes_requested", REVIEWER, []),
        ("approved", REVIEWER, []),
        ("denied", OWNER, []),
    ],
)
def test_registration_options_per_role(
    shipped: Definitions,
    registration: WorkflowMachine,
    calendar: BusinessCalendar,
    state: str,
    actor: Actor,
    expected: list[str],
) -> None:
    at = attempt(shipped, actor, REGISTRATION, calendar)
    assert triggers(registration, state, at) == expected


@pytest.mark.parametrize(
    ("state", "actor", "expected"),
    [
        ("draft", OWNER, ["submit", "withdraw"]),
        ("draft", REVIEWER, []),
        ("submitted", OWNER, ["withdraw"]),
        ("submitted", REVIEWER, ["approve"]),
        ("submitted", ADMIN, ["approve"]),
        ("reported", REVIEWER, ["close"]),
        ("reported", ADMIN, []),
    ],
)
def test_fixture_options_per_role(
    fixtures: Definitions,
    guarded: WorkflowMachine,
    calendar: BusinessCalendar,
    state: str,
    actor: Actor,
    expected: list[str],
) -> None:
    assert triggers(guarded, state, attempt(fixtures, actor, EVENT, calendar)) == expected


# -- organizations: members sharing an application, and the account manager ----------------

MEMBER = Actor(5, frozenset({"applicant"}), org_role="member")
MANAGER = Actor(6, frozenset({"applicant"}), org_role="manager")
SHARING_MEMBER = Actor(5, frozenset({"applicant"}), org_role="member", org_shared=True)
SHARING_MANAGER = Actor(6, frozenset({"applicant"}), org_role="manager", org_shared=True)
OUTSIDER = Actor(7, frozenset({"applicant"}), org_role=None, org_shared=True)
# Started the organization's application, then left the organization.
FORMER_MEMBER = Actor(8, frozenset({"applicant"}), is_owner=True, org_shared=True)


@pytest.fixture(scope="module")
def organizations() -> Definitions:
    return load_definitions(
        [DEFINITIONS / "forms" / "people.yaml"],
        [DEFINITIONS / "workflows" / "shared.yaml", DEFINITIONS / "workflows" / "joining.yaml"],
        DEFINITIONS / "templates",
    )


@pytest.mark.parametrize(
    ("actor", "plays"),
    [
        (OWNER, {"applicant"}),
        (MEMBER, set()),  # a member of the organization an application is only about
        (MANAGER, {"manager"}),
        (SHARING_MEMBER, {"applicant"}),  # the organization's own application
        (SHARING_MANAGER, {"applicant", "manager"}),
        (OUTSIDER, set()),
        (FORMER_MEMBER, set()),
        (REVIEWER, {"reviewer"}),  # staff are nobody's account manager
    ],
)
def test_who_plays_which_role(actor: Actor, plays: set[str]) -> None:
    roles = {"applicant", "reviewer", "admin", "manager"}
    assert {role for role in roles if actor.plays(role)} == plays


@pytest.mark.parametrize(
    ("workflow", "state", "actor", "expected"),
    [
        ("shared", "draft", SHARING_MEMBER, ["submit"]),
        ("shared", "draft", OUTSIDER, []),
        ("shared", "submitted", SHARING_MEMBER, []),
        ("shared", "submitted", SHARING_MANAGER, ["sign_off"]),
        ("joining", "draft", OWNER, ["submit"]),
        ("joining", "draft", MANAGER, []),
        ("joining", "submitted", MANAGER, ["approve"]),
        ("joining", "submitted", MEMBER, []),
        ("joining", "submitted", REVIEWER, ["approve"]),
        ("joining", "submitted", OWNER, []),
    ],
)
def test_organization_options_per_role(
    organizations: Definitions,
    calendar: BusinessCalendar,
    workflow: str,
    state: str,
    actor: Actor,
    expected: list[str],
) -> None:
    machine = WorkflowMachine(organizations.workflows[workflow])
    at = attempt(organizations, actor, {}, calendar)
    assert triggers(machine, state, at) == expected


def test_a_plain_member_cannot_fire_the_managers_move(
    organizations: Definitions, calendar: BusinessCalendar
) -> None:
    machine = WorkflowMachine(organizations.workflows["joining"])
    with pytest.raises(Blocked) as error:
        machine.fire("submitted", "approve", attempt(organizations, MEMBER, {}, calendar))
    assert reasons(error) == [("role", "You are not allowed to do this.")]
    outcome = machine.fire("submitted", "approve", attempt(organizations, MANAGER, {}, calendar))
    assert (outcome.dest, [a.kind for a in outcome.actions]) == ("approved", ["grant_membership"])


def test_options_carry_their_blockers(
    shipped: Definitions, registration: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    at = attempt(shipped, REVIEWER, REGISTRATION, calendar)
    options = {
        t.trigger: [b.kind for b in found] for t, found in registration.options("submitted", at)
    }
    assert options == {"request_changes": ["comment"], "approve": [], "deny": ["comment"]}
    at = attempt(shipped, OWNER, {}, calendar)
    [(submit, found)] = registration.options("draft", at)
    assert submit.trigger == "submit"
    assert [b.kind for b in found] == ["form"]


# -- blockers ----------------------------------------------------------------------------


def test_the_wrong_role_is_blocked_and_nothing_else_is_said(
    fixtures: Definitions, guarded: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    with pytest.raises(Blocked) as error:
        guarded.fire("draft", "submit", attempt(fixtures, REVIEWER, {}, calendar))
    assert reasons(error) == [("role", "You are not allowed to do this.")]


@pytest.mark.parametrize(
    ("first_date", "blocked"),
    [("2025-11-26", True), ("2025-11-30", True), ("2025-12-01", False), ("2026-06-01", False)],
)
def test_a_guard_blocks_with_its_message(
    fixtures: Definitions,
    guarded: WorkflowMachine,
    calendar: BusinessCalendar,
    first_date: str,
    blocked: bool,
) -> None:
    answers = {"title": "Fall institute", "dates": [{"date": first_date}]}
    submit = guarded.spec.transition("submit", "draft")
    assert submit is not None
    found = blockers(submit, attempt(fixtures, OWNER, answers, calendar))
    expected = [("guard", "Apply at least 10 days before the event.")] if blocked else []
    assert [(b.kind, b.message) for b in found] == expected


def test_several_guards_each_say_why(
    fixtures: Definitions, guarded: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    answers = {"dates": [{"date": "2025-12-11", "hours": 13}]}
    with pytest.raises(Blocked) as error:
        guarded.fire("submitted", "approve", attempt(fixtures, REVIEWER, answers, calendar))
    assert reasons(error) == [
        ("guard", "The event needs a title."),
        ("guard", "No day lasts more than 12 hours."),
    ]


def test_an_invalid_form_blocks_with_its_errors(
    fixtures: Definitions, guarded: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    answers = {"dates": [{"date": "2025-12-11", "hours": 1.3}]}
    with pytest.raises(Blocked) as error:
        guarded.fire("draft", "submit", attempt(fixtures, OWNER, answers, calendar))
    [blocker] = error.value.blockers
    assert (blocker.kind, blocker.message) == ("form", "Some answers need to be fixed first.")
    assert [(e.path, e.rule) for e in blocker.errors] == [
        ("title", "required"),
        ("dates-0-hours", "step"),
    ]


def test_the_registration_form_blocks_a_submit_until_complete(
    shipped: Definitions, registration: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    no_zip = {k: v for k, v in REGISTRATION["address"].items() if k != "zip"}
    incomplete = {**REGISTRATION, "address": no_zip}
    with pytest.raises(Blocked) as error:
        registration.fire("draft", "submit", attempt(shipped, OWNER, incomplete, calendar))
    [blocker] = error.value.blockers
    assert [e.path for e in blocker.errors] == ["address-zip"]
    outcome = registration.fire("draft", "submit", attempt(shipped, OWNER, REGISTRATION, calendar))
    assert outcome.dest == "submitted"


@pytest.mark.parametrize(("comment", "blocked"), [("", True), ("  \n ", True), ("Too late", False)])
def test_a_required_comment(
    shipped: Definitions,
    registration: WorkflowMachine,
    calendar: BusinessCalendar,
    comment: str,
    blocked: bool,
) -> None:
    at = attempt(shipped, REVIEWER, REGISTRATION, calendar, comment=comment)
    if blocked:
        with pytest.raises(Blocked) as error:
            registration.fire("submitted", "deny", at)
        assert reasons(error) == [("comment", "Write a comment to explain this decision.")]
    else:
        assert registration.fire("submitted", "deny", at).comment == "Too late"


def test_every_reason_is_given_at_once(
    fixtures: Definitions, guarded: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    answers = {"dates": [{"date": "2025-11-25"}]}
    with pytest.raises(Blocked) as error:
        guarded.fire("draft", "submit", attempt(fixtures, OWNER, answers, calendar))
    assert [b.kind for b in error.value.blockers] == ["guard", "form"]


# -- firing ------------------------------------------------------------------------------


def test_a_submit_is_due_seven_business_days_later(
    shipped: Definitions, registration: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    outcome = registration.fire("draft", "submit", attempt(shipped, OWNER, REGISTRATION, calendar))
    assert outcome == Outcome(
        trigger="submit",
        source="draft",
        dest="submitted",
        comment="",
        actions=shipped.workflows["provider_registration"].transitions[0].actions,
        # Thanksgiving (Thursday 27 November) is not a business day.
        due_on=date(2025, 12, 3),
    )
    assert [(a.kind, dict(a.params)) for a in outcome.actions] == [
        ("notify", {"notify": "applicant", "template": "registration_received"})
    ]


@pytest.mark.parametrize(
    ("state", "trigger", "actor", "dest", "due_on"),
    [
        ("draft", "submit", OWNER, "submitted", date(2025, 12, 3)),
        ("submitted", "approve", REVIEWER, "reported", FRIDAY + timedelta(days=30)),
        ("submitted", "approve", ADMIN, "reported", FRIDAY + timedelta(days=30)),
        ("reported", "close", REVIEWER, "approved", None),
        ("submitted", "withdraw", OWNER, "withdrawn", None),
    ],
)
def test_fire_decides_the_destination_and_deadline(
    fixtures: Definitions,
    guarded: WorkflowMachine,
    calendar: BusinessCalendar,
    state: str,
    trigger: str,
    actor: Actor,
    dest: str,
    due_on: date | None,
) -> None:
    at = attempt(fixtures, actor, EVENT, calendar, comment="  All good.  ")
    outcome = guarded.fire(state, trigger, at)
    assert (outcome.trigger, outcome.source, outcome.dest) == (trigger, state, dest)
    assert outcome.due_on == due_on
    transition = guarded.spec.transition(trigger, state)
    assert transition is not None
    # Trimmed when the transition takes comments; dropped when it declares none.
    assert outcome.comment == ("" if transition.comment == "none" else "All good.")
    assert outcome.actions == transition.actions


def test_fire_returns_the_actions_to_run(
    fixtures: Definitions, guarded: WorkflowMachine, calendar: BusinessCalendar
) -> None:
    outcome = guarded.fire("draft", "submit", attempt(fixtures, OWNER, EVENT, calendar))
    assert [(a.kind, dict(a.params)) for a in outcome.actions] == [
        ("notify", {"notify": "reviewers", "template": "submitted"})
    ]


def test_a_business_day_deadline_needs_a_calendar(guarded: WorkflowMachine) -> None:
    with pytest.raises(RuntimeError):
        due_date(guarded.spec.states["submitted"], FRIDAY, None)
    assert due_date(guarded.spec.states["reported"], FRIDAY, None) == date(2025, 12, 21)


@pytest.mark.parametrize(
    ("state", "trigger"),
    [
        ("draft", "approve"),  # exists, but not from this state
        ("approved", "close"),
        ("draft", "launch"),  # does not exist at all
        ("nowhere", "submit"),
    ],
)
def test_an_impossible_trigger_is_blocked(
    fixtures: Definitions,
    guarded: WorkflowMachine,
    calendar: BusinessCalendar,
    state: str,
    trigger: str,
) -> None:
    at = attempt(fixtures, REVIEWER, EVENT, calendar)
    with pytest.raises(Blocked) as error:
        guarded.fire(state, trigger, at)
    assert reasons(error) == [("state", "This action is not possible at this stage.")]


# -- the shared machine keeps no models ----------------------------------------------------


def test_firing_many_times_leaves_no_model_in_the_shared_machine(
    shipped: Definitions, calendar: BusinessCalendar
) -> None:
    machine = WorkflowMachine(shipped.workflows["provider_registration"])
    assert len(machine._machine.models) == 0
    owner = attempt(shipped, OWNER, REGISTRATION, calendar)
    reviewer = attempt(shipped, REVIEWER, REGISTRATION, calendar, comment="Fine.")
    stranger = attempt(shipped, STRANGER, REGISTRATION, calendar)
    for _ in range(200):
        assert machine.fire("draft", "submit", owner).dest == "submitted"
        assert machine.fire("submitted", "approve", reviewer).dest == "approved"
        for state, trigger, at in [
            ("draft", "submit", stranger),
            ("submitted", "submit", owner),
            ("draft", "deny", reviewer),
        ]:
            with pytest.raises(Blocked):
                machine.fire(state, trigger, at)
    assert len(machine._machine.models) == 0
