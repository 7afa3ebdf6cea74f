"""What changes between two versions of a form and its workflow, in the terms that matter
to applications already under way: states gone, questions gone or new and required,
checks changed. Pure: it compares frozen specs.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from dataclasses import dataclass

from engine.spec.model import Due, FieldSpec, FormSpec, TransitionSpec, WorkflowSpec


@dataclass(frozen=True)
class Change:
    """One difference, in words, and whether applications under way are touched by it."""

    kind: str  # state_removed | state_added | due_changed | field_removed | field_required
    # | field_added | field_renamed | guard_changed | move_removed | move_added
    subject: str
    words: str
    affects_in_flight: bool


def form_changes(old: FormSpec, new: FormSpec) -> list[Change]:
    """Return the questions removed, added, and newly required between two form versions."""
    before = dict(_questions(old))
    after = dict(_questions(new))
    found = []
    for path, spec in before.items():
        if path not in after:
            found.append(
                Change(
                    "field_removed",
                    path,
                    f"the question '{spec.label}' ({path}) is removed; "
                    "answers to it are kept but no longer asked or shown",
                    True,
                )
            )
    for path, spec in after.items():
        required = spec.required or spec.require_if is not None
        if path not in before:
            kind, words = (
                ("field_required", "a new required question")
                if required
                else ("field_added", "a new question")
            )
            found.append(Change(kind, path, f"{words}: '{spec.label}' ({path})", required))
        elif required and not (before[path].required or before[path].require_if is not None):
            found.append(
                Change(
                    "field_required",
                    path,
                    f"the question '{spec.label}' ({path}) becomes required",
                    True,
                )
            )
    found.extend(_renames(before, after))
    return found


def _renames(before: dict[str, FieldSpec], after: dict[str, FieldSpec]) -> Iterator[Change]:
    """Say which removed question looks renamed to which new one: same type, and a
    similar label or id. Only a guess, so staff are told how to say it, not assumed."""
    gone = [(p, f) for p, f in before.items() if p not in after and "." not in p]
    new = [(p, f) for p, f in after.items() if p not in before and "." not in p]
    for old_path, old in gone:
        for new_path, spec in new:
            if spec.type != old.type:
                continue
            alike = max(
                difflib.SequenceMatcher(None, old.label.lower(), spec.label.lower()).ratio(),
                difflib.SequenceMatcher(None, old_path, new_path).ratio(),
            )
            if alike >= 0.6:
                yield Change(
                    "field_renamed",
                    f"{old_path} → {new_path}",
                    f"'{old.label}' ({old_path}) looks renamed to '{spec.label}' ({new_path}); "
                    f"to carry the answers over, write 'upgrade: questions: {{{old_path}: "
                    f"{new_path}}}'",
                    True,
                )
                break


def moves_changed_from(old: WorkflowSpec, new: WorkflowSpec, state: str) -> list[str]:
    """Say which moves out of a state are gone, or check something else, in `new`."""
    after = {_key(t): t for t in new.transitions}
    found = []
    for t in old.transitions_from(state):
        key = _key(t)
        if key not in after:
            found.append(f"the move '{t.label}' is removed")
        elif _checks(t) != _checks(after[key]):
            found.append(f"the checks of '{t.label}' change")
    return found


def workflow_changes(old: WorkflowSpec, new: WorkflowSpec) -> list[Change]:
    """Return the states and moves removed or added, and the checks changed."""
    found = []
    for name, state in old.states.items():
        if name not in new.states:
            found.append(
                Change(
                    "state_removed", name, f"the state '{state.label}' ({name}) is removed", True
                )
            )
    for name, state in new.states.items():
        if name not in old.states:
            found.append(
                Change("state_added", name, f"a new state '{state.label}' ({name})", False)
            )
        elif state.due != old.states[name].due:
            was, now = _due(old.states[name].due), _due(state.due)
            words = f"the deadline in '{state.label}' ({name}) changes from {was} to {now}"
            found.append(Change("due_changed", name, words, False))
    before = {_key(t): t for t in old.transitions}
    after = {_key(t): t for t in new.transitions}
    for key, t in before.items():
        if key not in after:
            found.append(
                Change("move_removed", key, f"the move '{t.label}' ({key}) is removed", True)
            )
        elif _checks(t) != _checks(after[key]):
            found.append(
                Change("guard_changed", key, f"the checks of '{t.label}' ({key}) change", True)
            )
    for key, t in after.items():
        if key not in before:
            found.append(Change("move_added", key, f"a new move '{t.label}' ({key})", False))
    return found


def _due(due: Due | None) -> str:
    if due is None:
        return "none"
    return f"{due.days} {'business ' if due.business else ''}days"


def _questions(form: FormSpec) -> Iterator[tuple[str, FieldSpec]]:
    for spec in form.fields():
        yield spec.id, spec
        for part in spec.fields:
            yield f"{spec.id}.{part.id}", part


def _key(t: TransitionSpec) -> str:
    return f"{t.trigger}: {'/'.join(t.sources)} → {t.dest}"


def _checks(t: TransitionSpec) -> tuple[object, ...]:
    return (
        tuple((g.when.to_json(), g.message, g.override) for g in t.guards),
        t.form,
        t.comment,
        t.roles,
    )
