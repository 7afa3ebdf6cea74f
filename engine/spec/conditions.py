"""The closed condition vocabulary: parse, type-check, evaluate, describe. Never eval.

INTERFACE CONTRACT (other modules rely on exactly these names):

    RefInfo(kind, label, options)            what a field reference points at
    Scope(fields, item_fields=None)          the references a condition may use
    Context(answers, item=None, today, calendar=None)
    ConditionInvalid(problems)               problems: list[(relative_path_tuple, message)]
    parse_condition(raw, scope) -> Condition raises ConditionInvalid with every problem
    Condition.evaluate(ctx) -> bool | None   None means "unknown" (a value is missing)
    Condition.refs() -> frozenset[str]        every field reference used
    Condition.describe() -> str               plain English for staff and applicants
    Condition.to_json() -> dict               the form mirrored in static/js/conditions.js

Kinds of values: "text", "number", "date", "time", "choice", "choices", "boolean",
"address" (which no comparison takes, not even is_filled), "group".

THE VOCABULARY (what staff may write in `show_if`, `require_if`, rule `check`/`when`
and workflow `guard.when`; anything else is refused when the YAML is loaded):

Combining conditions
    {all: [C, ...]}        every condition holds (a non-empty list)
    {any: [C, ...]}        at least one condition holds (a non-empty list)
    {not: C}               the condition does not hold

Comparing a field: {field: REF, OP: VALUE} with exactly one OP
    equals, not_equals     VALUE of the field's kind: an option key for a choice,
                           true/false for a yes/no question, a number, a date, text
    one_of                 a non-empty list of such values
    contains               multiple choice only: VALUE is one of its option keys
    is_filled              true/false; works on every kind (a group is filled when
                           it has at least one item)
    greater_than, less_than, at_least, at_most        numbers only
    before, after, on_or_before, on_or_after          dates and times of day only
    VALUE may also be {field: OTHER_REF} of the same kind; for dates it may be `today`.
    A date VALUE is written 2026-01-31 (YAML makes it a date) or '2026-01-31'; a time
    VALUE in quotes, '9:00 AM' or '14:30' (unquoted, YAML reads 9:30 as a number).

Counting days: {days_between: [FROM, TO], CMP: N}
               {business_days_between: [FROM, TO], CMP: N}
    FROM and TO are `today`, {field: REF} of a date field, or a date. CMP is one of
    equals, greater_than, less_than, at_least, at_most and N a whole number.
    days_between counts (TO - FROM) in calendar days; business_days_between asks the
    Context's business-day calendar.

What is owed: {obligations_met: NAME}      (workflow guards only)
    true when the application owes something under the obligation NAME (declared under
    the workflow's `obligations:`) and every such item is met or cancelled; unknown
    where obligations are not known (forms).

Field references (REF)
    org_type               a top-level field
    name                   inside a repeating group item: a sibling in the same item
                           (looked up among the item's fields first, then top level)
    dates.first.date       the first item's `date` in group `dates`; also `last`, and
    dates.min.date         `min`/`max` over the items' filled-in numbers, dates or times

Evaluation is three-valued: a comparison whose field has no usable answer (absent,
empty, or something typed that is not of the field's kind, like "abc" for a number)
is unknown (None), except is_filled which is always true or false. `all` is false if
any part is false, else unknown if any part is unknown; `any` is true if any part is
true, else unknown if any part is unknown; `not` keeps unknown unknown.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol


class BusinessCalendar(Protocol):
    """What conditions need from a business-day calendar."""

    def business_days_between(self, start: date, end: date) -> int:
        """Count business days after start up to and including end."""
        ...


@dataclass(frozen=True)
class RefInfo:
    """What a field reference points at: its kind of value, label and options."""

    kind: str
    label: str
    options: Mapping[str, str] | None = None


@dataclass(frozen=True)
class Scope:
    """The field references a condition may name; item_fields are siblings in a group item."""

    fields: Mapping[str, RefInfo]
    item_fields: Mapping[str, RefInfo] | None = None
    # The obligations a workflow guard may ask about; None where there are none (forms).
    obligations: frozenset[str] | None = None


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    answers: Mapping[str, Any]
    today: date
    item: Mapping[str, Any] | None = None
    calendar: BusinessCalendar | None = None
    # Obligation name -> whether everything owed under it is met (see obligations_met).
    obligations: Mapping[str, bool] | None = None


class ConditionInvalid(Exception):
    """A condition that cannot be understood; every problem with its path inside it."""

    def __init__(self, problems: list[tuple[tuple[str | int, ...], str]]) -> None:
        self.problems = problems
        super().__init__("; ".join(m for _, m in problems))


class Condition:
    """Base of every condition node."""

    def evaluate(self, ctx: Context) -> bool | None:
        """Return True, False, or None when a value it needs is missing."""
        raise NotImplementedError

    def refs(self) -> frozenset[str]:
        """Return every field reference this condition reads."""
        raise NotImplementedError

    def describe(self) -> str:
        """Say in plain English what this condition means."""
        raise NotImplementedError

    def to_json(self) -> dict[str, Any]:
        """Return the JSON form the browser mirror evaluates."""
        raise NotImplementedError


def parse_condition(raw: Any, scope: Scope) -> Condition:
    """Parse and type-check a condition written in YAML."""
    # Imported here, not at the top: the parser and the nodes build on the classes
    # above, so importing them while this module is still loading would be circular.
    from engine.spec.conditions_parse import Parser

    return Parser(scope).parse_root(raw)
