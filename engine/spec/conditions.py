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

Kinds of values: "text", "number", "date", "choice", "choices", "boolean", "group".
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


@dataclass(frozen=True)
class Context:
    """What a condition is evaluated against."""

    answers: Mapping[str, Any]
    today: date
    item: Mapping[str, Any] | None = None
    calendar: BusinessCalendar | None = None


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
    raise NotImplementedError
