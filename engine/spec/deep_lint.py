"""Deeper checks across loaded definitions: things that load but cannot work as meant.

Each finding is located (file:line) with what to do about it. They do not stop the app
(a form may be written before the workflow that uses it); `flask lint` reports them and
fails, so the shipped files stay free of them.
"""

from __future__ import annotations

from collections.abc import Iterator

from engine.spec.errors import DefinitionError
from engine.spec.loader import Definitions
from engine.spec.model import Location, WorkflowSpec
from engine.spec.suggest import did_you_mean


def deep_lint(definitions: Definitions) -> list[DefinitionError]:
    """Return every finding about definitions that load but cannot work as written."""
    found = list(_unused_forms(definitions))
    for workflow in definitions.workflows.values():
        found.extend(_never_owed(workflow))
        found.extend(_shadowed_moves(workflow))
    return sorted(found)


def _at(where: Location | None, message: str) -> DefinitionError:
    if where is None:
        return DefinitionError("?", 1, 1, message)
    return DefinitionError(where.file, where.line, where.column, message)


def _unused_forms(definitions: Definitions) -> Iterator[DefinitionError]:
    used = set()
    for workflow in definitions.workflows.values():
        used.add(workflow.form)
        used.update(t.form for t in workflow.transitions if t.form)
        used.update(o.form for o in workflow.obligations.values())
    for name, form in definitions.forms.items():
        if name not in used:
            yield _at(
                form.where,
                f"no workflow uses the form '{name}': name it as a workflow's 'form:' or an "
                f"obligation's 'form:'{did_you_mean(name, used)}, or remove the file",
            )


def _never_owed(workflow: WorkflowSpec) -> Iterator[DefinitionError]:
    owed = {
        str(action.params.get("owe"))
        for t in workflow.transitions
        for action in t.actions
        if action.kind == "owe"
    }
    for name, spec in workflow.obligations.items():
        if name not in owed:
            yield _at(
                spec.where,
                f"the obligation '{name}' can never come due: no move has the action "
                f"'owe: {name}'; add it to the move after which it is owed",
            )


def _shadowed_moves(workflow: WorkflowSpec) -> Iterator[DefinitionError]:
    for state in workflow.states:
        moves = workflow.transitions_from(state)
        at_once = [t for t in moves if "system" in t.roles and not t.guards]
        if not at_once:
            continue
        first = at_once[0]
        for t in moves:
            if t is not first:
                yield _at(
                    t.where,
                    f"'{t.trigger}' can hardly ever be used from '{state}': the system "
                    f"moves applications out of it at once by '{first.trigger}', which has "
                    "no guard; give that move a guard, or remove this one",
                )
