"""`upgrade:`: where applications of earlier versions go and which answers they are
given, checked at load with file and line; and the plan for one application, which moves
only when nothing it holds would be lost or left unanswered past editing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from engine.runtime.calendar import BusinessCalendar, montana
from engine.runtime.upgrade import NO_UPGRADE, Case, plan_upgrade
from engine.runtime.validation import FormValidator
from engine.spec.change_impact import form_changes
from engine.spec.errors import DefinitionsInvalid
from engine.spec.loader import Definitions, load_definitions

ROOT = Path(__file__).resolve().parents[2]
TODAY = date(2026, 12, 1)  # a Tuesday

FORM = """\
form: membership
title: Membership
pages:
  - id: about
    title: About you
    fields:
      - {{id: name, type: text, label: Your name, required: true}}
{more}"""

WORKFLOW = """\
workflow: membership
title: Membership
form: membership
initial: draft
states:
  draft: {{label: Draft, editable: true}}
  waiting: {{label: Waiting, due: {{business_days: 5}}}}
{states}  done: {{label: Done, final: true}}
transitions:
  - {{trigger: submit, from: draft, to: waiting, by: applicant, form: membership}}
{moves}  - {{trigger: decide, from: waiting, to: done, by: reviewer}}
{upgrade}"""


def _load(
    tmp_path: Path, *, more: str = "", states: str = "", moves: str = "", upgrade: str = ""
) -> Definitions:
    folder = tmp_path / f"v{len(list(tmp_path.iterdir()))}"
    (folder / "forms").mkdir(parents=True)
    (folder / "workflows").mkdir()
    (folder / "forms" / "membership.yaml").write_text(FORM.format(more=more))
    workflow = folder / "workflows" / "membership.yaml"
    workflow.write_text(WORKFLOW.format(states=states, moves=moves, upgrade=upgrade))
    return load_definitions([folder / "forms" / "membership.yaml"], [workflow], ROOT / "templates")


def _errors(tmp_path: Path, **parts: str) -> list[tuple[int, str]]:
    with pytest.raises(DefinitionsInvalid) as caught:
        _load(tmp_path, **parts)
    return [(e.line, e.message) for e in caught.value.errors]


PHONE = "      - {id: phone, type: phone, label: Phone number, required: true}\n"
OLD_STATE = "  checking: {label: Being checked}\n"
OLD_MOVES = (
    "  - {trigger: check, from: waiting, to: checking, by: reviewer}\n"
    "  - {trigger: finish, from: checking, to: done, by: reviewer}\n"
)


@pytest.fixture
def calendar() -> BusinessCalendar:
    return montana()


def _plan(
    old: Definitions,
    new: Definitions,
    state: str,
    answers: dict[str, object],
    calendar: BusinessCalendar,
    due: date | None = None,
):  # type: ignore[no-untyped-def]
    case = Case(state, answers, due, old.forms["membership"], old.workflows["membership"])
    return plan_upgrade(
        case, new.workflows["membership"], FormValidator(new.forms["membership"]), TODAY, calendar
    )


def test_an_upgrade_is_read_into_the_spec(tmp_path: Path) -> None:
    new = _load(
        tmp_path,
        more=PHONE,
        upgrade=(
            "upgrade:\n  states: {checking: waiting}\n  answers: {phone: '+1 406 555 0100'}\n"
            "  note: The phone number is now asked.\n"
        ),
    )
    upgrade = new.workflows["membership"].upgrade
    assert upgrade is not None
    assert dict(upgrade.states) == {"checking": "waiting"}
    assert dict(upgrade.answers) == {"phone": "+1 406 555 0100"}
    assert upgrade.note == "The phone number is now asked."
    assert upgrade.where is not None and upgrade.where.line == 12
    assert _load(tmp_path).workflows["membership"].upgrade is None


def test_broken_upgrades_are_located_with_what_to_do(tmp_path: Path) -> None:
    errors = _errors(
        tmp_path,
        more=PHONE + "      - {id: joined, type: date, label: Joined}\n",
        upgrade=(
            "upgrade:\n  states: {checking: waitin}\n"
            "  answers:\n    phon: '1'\n    joined: next week\n    name: 12\n"
        ),
    )
    assert errors == [
        (13, "there is no state 'waitin' in this version; did you mean 'waiting'?"),
        (15, "the form 'membership' has no question 'phon'; did you mean 'phone'?"),
        (16, "the answer to 'joined' (Joined) must be a date written like 2026-01-31"),
        (17, "the answer to 'name' (Your name) must be text"),
    ]


def test_without_an_upgrade_nothing_moves(tmp_path: Path, calendar: BusinessCalendar) -> None:
    old, new = _load(tmp_path), _load(tmp_path, more=PHONE)
    plan = _plan(old, new, "draft", {"name": "Ada"}, calendar)
    assert (plan.moves, plan.stays_because) == (False, (NO_UPGRADE,))
    # Planned as if `upgrade: {}` were declared: a draft would need nothing to move.
    assert plan.why_not == () and not plan.declared
    waiting = _plan(old, new, "waiting", {"name": "Ada"}, calendar)
    assert waiting.touches == ("it has no answer to the new required question 'Phone number'",)
    assert waiting.stays_because == (
        NO_UPGRADE,
        "the new required question 'Phone number' (phone) has no answer; give one under "
        "'upgrade: answers:'",
    )


def test_a_draft_moves_and_its_applicant_is_asked_the_new_question_later(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    old, new = _load(tmp_path), _load(tmp_path, more=PHONE, upgrade="upgrade: {}\n")
    plan = _plan(old, new, "draft", {"name": "Ada"}, calendar)
    assert plan.moves and plan.state == "draft" and plan.given == ()
    assert dict(plan.answers) == {"name": "Ada"}


def test_past_editing_a_new_required_question_needs_an_answer(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    old = _load(tmp_path)
    bare = _load(tmp_path, more=PHONE, upgrade="upgrade: {}\n")
    plan = _plan(old, bare, "waiting", {"name": "Ada"}, calendar, date(2026, 12, 4))
    assert plan.why_not == (
        "the new required question 'Phone number' (phone) has no answer; give one under "
        "'upgrade: answers:'",
    )
    given = _load(tmp_path, more=PHONE, upgrade="upgrade:\n  answers: {phone: '+1 406 555 0100'}\n")
    plan = _plan(old, given, "waiting", {"name": "Ada"}, calendar, date(2026, 12, 4))
    assert plan.moves and plan.given == ("phone",)
    assert dict(plan.answers) == {"name": "Ada", "phone": "+1 406 555 0100"}
    # Same state: the deadline it was given stands.
    assert plan.due_on == date(2026, 12, 4)
    # An answer the applicant gave is never replaced.
    plan = _plan(old, given, "waiting", {"name": "Ada", "phone": "+1 406 555 0199"}, calendar)
    assert plan.given == () and plan.answers["phone"] == "+1 406 555 0199"


def test_an_answer_staff_give_must_pass_the_form(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    old = _load(tmp_path)
    new = _load(tmp_path, more=PHONE, upgrade="upgrade:\n  answers: {phone: not asked}\n")
    plan = _plan(old, new, "waiting", {"name": "Ada"}, calendar)
    assert not plan.moves
    assert plan.why_not[0].startswith("the answer 'upgrade:' gives to 'phone' does not pass:")


def test_a_removed_state_must_be_mapped(tmp_path: Path, calendar: BusinessCalendar) -> None:
    old = _load(tmp_path, states=OLD_STATE, moves=OLD_MOVES)
    unmapped = _load(tmp_path, upgrade="upgrade: {}\n")
    plan = _plan(old, unmapped, "checking", {"name": "Ada"}, calendar)
    assert plan.why_not == (
        "its state 'checking' is not in this version; say where it goes under "
        "'upgrade: states:' (the states now: draft, waiting, done)",
    )
    mapped = _load(tmp_path, upgrade="upgrade:\n  states: {checking: waiting}\n")
    plan = _plan(old, mapped, "checking", {"name": "Ada"}, calendar)
    assert plan.moves and plan.state == "waiting"
    # A new state starts its own deadline: five business days from Tuesday 1 December.
    assert plan.due_on == date(2026, 12, 8)
    # Applications in states that remain are not touched by the mapping.
    assert _plan(old, mapped, "draft", {"name": "Ada"}, calendar).state == "draft"


def test_what_a_change_means_for_each_application(
    tmp_path: Path, calendar: BusinessCalendar
) -> None:
    old = _load(
        tmp_path,
        more="      - {id: notes, type: long_text, label: Notes}\n",
        states=OLD_STATE,
        moves=OLD_MOVES,
    )
    new = _load(
        tmp_path,
        moves="  - {trigger: check, from: waiting, to: done, by: reviewer, comment: required}\n",
        upgrade="upgrade: {}\n",
    )
    waiting = _plan(old, new, "waiting", {"name": "Ada", "notes": "Room 4"}, calendar)
    assert waiting.touches == (
        "the move 'Check' is removed",
        "its answer to 'Notes' is no longer asked (it is kept)",
    )
    assert waiting.moves  # nothing of it is lost: the answer stays, unseen
    checking = _plan(old, new, "checking", {"name": "Ada"}, calendar)
    assert checking.touches == (
        "its state 'Being checked' is removed",
        "the move 'Finish' is removed",
    )
    assert not checking.moves


def test_a_renamed_question_carries_its_answer(tmp_path: Path, calendar: BusinessCalendar) -> None:
    old = _load(tmp_path, more="      - {id: phone, type: phone, label: Phone}\n")
    plain = "      - {id: telephone, type: phone, label: Telephone, required: true}\n"
    new = _load(tmp_path, more=plain, upgrade="upgrade:\n  questions: {phone: telephone}\n")
    plan = _plan(old, new, "waiting", {"name": "Ada", "phone": "+1 406 555 0100"}, calendar)
    assert plan.moves and plan.carried == (("phone", "telephone"),)
    assert plan.answers["telephone"] == "+1 406 555 0100"
    assert plan.answers["phone"] == "+1 406 555 0100"  # kept, unseen
    # Without an answer to carry, the new required question still needs one past editing.
    assert not _plan(old, new, "waiting", {"name": "Ada"}, calendar).moves
    errors = _errors(
        tmp_path,
        more=plain,
        upgrade="upgrade:\n  questions: {phone: telefone, telephone: telephone}\n",
    )
    assert errors == [
        (13, "the form 'membership' has no question 'telefone'; did you mean 'telephone'?"),
        (13, "'telephone' is renamed to itself"),
    ]


def test_the_change_impact_guesses_a_rename(tmp_path: Path) -> None:
    old = _load(tmp_path, more="      - {id: phone, type: phone, label: Phone number}\n")
    new = _load(tmp_path, more="      - {id: phone_number, type: phone, label: Phone number}\n")
    found = [c for c in form_changes(old.forms["membership"], new.forms["membership"])]
    assert [c.kind for c in found] == ["field_removed", "field_added", "field_renamed"]
    assert found[-1].words == (
        "'Phone number' (phone) looks renamed to 'Phone number' (phone_number); to carry the "
        "answers over, write 'upgrade: questions: {phone: phone_number}'"
    )
    other = _load(tmp_path, more="      - {id: website, type: url, label: Web site}\n")
    kinds = [c.kind for c in form_changes(old.forms["membership"], other.forms["membership"])]
    assert "field_renamed" not in kinds
