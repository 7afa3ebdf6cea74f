"""Build the `upgrade:` of a workflow file: where applications of earlier versions go and
which answers they are given, each name checked against this version."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any

from engine.spec.build_obligations import Report
from engine.spec.fields import field_type
from engine.spec.model import FormSpec, Location, StateSpec, UpgradeSpec
from engine.spec.suggest import did_you_mean

_PATH = ("upgrade",)


def build_upgrade(
    raw: Mapping[str, Any] | None,
    form: FormSpec | None,
    states: Mapping[str, StateSpec],
    where: Location | None,
    report: Report,
) -> UpgradeSpec | None:
    """Return the upgrade spec (None without one); report every problem."""
    if raw is None:
        return None
    moves = dict(raw.get("states", {}))
    for old, new in moves.items():
        if new not in states:
            report(
                (*_PATH, "states", old),
                f"there is no state '{new}' in this version{did_you_mean(new, states)}",
            )
    questions = {f.id: f for f in form.fields()} if form else {}
    renamed = dict(raw.get("questions", {}))
    for old, new in renamed.items():
        if form is not None and new not in questions:
            report(
                (*_PATH, "questions", old),
                f"the form '{form.name}' has no question '{new}'{did_you_mean(new, questions)}",
            )
        elif old == new:
            report((*_PATH, "questions", old), f"'{old}' is renamed to itself", at_key=True)
    answers: dict[str, Any] = {}
    for name, value in raw.get("answers", {}).items():
        at = (*_PATH, "answers", name)
        if form is None:  # the form's own problems are reported with it
            continue
        spec = questions.get(name)
        if spec is None:
            report(
                at,
                f"the form '{form.name}' has no question '{name}'{did_you_mean(name, questions)}",
                at_key=True,
            )
            continue
        if spec.is_group:
            report(at, f"'{name}' is a group; give answers to questions, not groups", at_key=True)
            continue
        kind = field_type(spec.type)
        wanted = kind.default_problem(value, [o.value for o in spec.options])
        if wanted is not None:
            report(at, f"the answer to '{name}' ({spec.label}) must be {wanted}")
            continue
        # Answers are stored as JSON: a date as the text a date question stores.
        answers[name] = kind.stored(value)
    return UpgradeSpec(
        states=MappingProxyType(moves),
        questions=MappingProxyType(renamed),
        answers=MappingProxyType(answers),
        note=raw.get("note"),
        where=where,
    )
