"""Parsed condition nodes: three-valued evaluation, plain English and the browser JSON.

The parser (conditions_parse.py) builds these only from type-checked YAML, so the
nodes trust their own shape; what they never trust is the answers, which may hold
anything an applicant typed. static/js/conditions.js mirrors `normalize` and the
evaluation rules here; change both together (a unit test runs them side by side).

JSON shape (to_json):
    {"op": "all" | "any", "items": [NODE, ...]}
    {"op": "not", "item": NODE}
    {"op": CMP, "ref": REF, "kind": KIND, "value": OPERAND}
        CMP: equals, not_equals, contains, greater_than, less_than, at_least, at_most,
             before, after, on_or_before, on_or_after
    {"op": "one_of", "ref": REF, "kind": KIND, "values": [OPERAND, ...]}
    {"op": "is_filled", "ref": REF, "kind": KIND, "value": true | false}
    {"op": "days_between" | "business_days_between",
     "from": OPERAND, "to": OPERAND, "cmp": CMP, "n": INT}
    OPERAND: a plain JSON value (a date as "YYYY-MM-DD", a time as "HH:MM"), {"ref": REF}
             or {"today": true}
"""

from __future__ import annotations

import math
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from engine.spec.conditions import Condition, Context, RefInfo
from engine.spec.time_of_day import canonical, format_time, parse_time

# Kept identical to NUMBER_RE/DATE_RE in static/js/conditions.js so the browser and the
# server agree on which typed strings count as numbers and dates.
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")
AGGREGATE_RE = re.compile(r"([^.]+)\.(first|last|min|max)\.([^.]+)")
ORDERED_KINDS = ("number", "date", "time")

COMPARE: Mapping[str, Callable[[Any, Any], bool]] = {
    "equals": operator.eq,
    "not_equals": operator.ne,
    "greater_than": operator.gt,
    "less_than": operator.lt,
    "at_least": operator.ge,
    "at_most": operator.le,
    "before": operator.lt,
    "after": operator.gt,
    "on_or_before": operator.le,
    "on_or_after": operator.ge,
}

_PHRASE = {
    "equals": "is",
    "not_equals": "is not",
    "greater_than": "is more than",
    "less_than": "is less than",
    "at_least": "is at least",
    "at_most": "is at most",
    "before": "is before",
    "after": "is after",
    "on_or_before": "is on or before",
    "on_or_after": "is on or after",
}
_COUNT_PHRASE = {
    "equals": "exactly",
    "greater_than": "more than",
    "less_than": "fewer than",
    "at_least": "at least",
    "at_most": "at most",
}
_MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def parse_date(raw: object) -> date | None:
    """Return the date a value stands for, or None if it is not a real date."""
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    if isinstance(raw, str):
        text = raw.strip()
        # fromisoformat alone would also take '20260131' and week dates; the browser
        # only understands YYYY-MM-DD, so both sides insist on it.
        if DATE_RE.fullmatch(text):
            try:
                return date.fromisoformat(text)
            except ValueError:
                return None
    return None


def normalize(kind: str, raw: object) -> Any:
    """Return an answer as a value of `kind`, or None when it is missing or unusable."""
    if raw is None:
        return None
    if kind == "text":
        return (raw.strip() or None) if isinstance(raw, str) else None
    if kind == "number":
        return _number(raw)
    if kind == "date":
        return parse_date(raw)
    if kind == "time":
        return parse_time(raw)
    if kind == "choice":
        return raw if isinstance(raw, str) and raw.strip() else None
    if kind == "choices":
        if not isinstance(raw, list | tuple):
            return None
        picked = [v for v in raw if isinstance(v, str) and v.strip()]
        return picked or None
    if kind == "boolean":
        if isinstance(raw, bool):
            return raw
        # Radio buttons post "yes"/"no"; accept them so a raw form post still evaluates.
        return {"yes": True, "no": False}.get(raw) if isinstance(raw, str) else None
    if kind == "group":
        return raw if isinstance(raw, list | tuple) and raw else None
    return None


def _number(raw: object) -> float | int | None:
    if isinstance(raw, bool):  # bool is an int in Python, never a number answer
        return None
    if isinstance(raw, int):
        return raw
    if isinstance(raw, float | Decimal):
        # Decimal (from a NUMERIC column) becomes float so 0.1 compares as in the browser.
        value = float(raw)
        return value if math.isfinite(value) else None
    if isinstance(raw, str):
        # Thousands separators are dropped, as engine/runtime/answers.py does on input.
        text = raw.replace(",", "").strip()
        if NUMBER_RE.fullmatch(text):
            value = float(text)
            return value if math.isfinite(value) else None
    return None


def format_date(value: date) -> str:
    """Write a date the way people read it: January 31, 2026."""
    return f"{_MONTHS[value.month - 1]} {value.day}, {value.year}"


def _format_number(value: float | int) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass(frozen=True)
class FieldRef:
    """A reference to a field's answer: top level, a sibling in an item, or an aggregate."""

    name: str
    info: RefInfo
    sibling: bool = False

    def value(self, ctx: Context, kind: str) -> Any:
        """Return the answer this reference reads, normalized, or None."""
        if self.sibling:
            return normalize(kind, ctx.item.get(self.name) if ctx.item is not None else None)
        match = AGGREGATE_RE.fullmatch(self.name)
        if match is None:
            return normalize(kind, ctx.answers.get(self.name))
        group, how, sub = match.groups()
        items = ctx.answers.get(group)
        if not isinstance(items, list | tuple) or not items:
            return None
        raws = [item.get(sub) if isinstance(item, Mapping) else None for item in items]
        if how == "first":
            return normalize(kind, raws[0])
        if how == "last":
            return normalize(kind, raws[-1])
        if kind not in ORDERED_KINDS:
            return None
        values = [v for v in (normalize(kind, r) for r in raws) if v is not None]
        if not values:
            return None
        return min(values) if how == "min" else max(values)

    def refs(self) -> frozenset[str]:
        """Return the reference itself."""
        return frozenset({self.name})

    def describe(self, info: RefInfo) -> str:
        """Name the field by its label."""
        return self.info.label

    def to_json(self) -> Any:
        """Return {"ref": name}."""
        return {"ref": self.name}


@dataclass(frozen=True)
class Today:
    """The date the condition is evaluated on."""

    def value(self, ctx: Context, kind: str) -> Any:
        """Return the context's today."""
        return ctx.today

    def refs(self) -> frozenset[str]:
        """Read no field."""
        return frozenset()

    def describe(self, info: RefInfo) -> str:
        """Say "today"."""
        return "today"

    def to_json(self) -> Any:
        """Return {"today": true}."""
        return {"today": True}


@dataclass(frozen=True)
class Literal:
    """A value written in the YAML, already checked against the field's kind."""

    value_: Any

    def value(self, ctx: Context, kind: str) -> Any:
        """Return the written value."""
        return self.value_

    def refs(self) -> frozenset[str]:
        """Read no field."""
        return frozenset()

    def describe(self, info: RefInfo) -> str:
        """Write the value as applicants see it: option labels, yes/no, dates in words."""
        value = self.value_
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, date):
            return format_date(value)
        if isinstance(value, time):
            return format_time(value)
        if isinstance(value, int | float):
            return _format_number(value)
        if info.kind in ("choice", "choices"):
            return (info.options or {}).get(value, value)
        return f'"{value}"'

    def to_json(self) -> Any:
        """Return the value as JSON; dates as YYYY-MM-DD, times as HH:MM."""
        if isinstance(self.value_, date):
            return self.value_.isoformat()
        return canonical(self.value_) if isinstance(self.value_, time) else self.value_


Operand = FieldRef | Today | Literal


def _part(node: Condition) -> str:
    """Describe a node inside all/any, in parentheses when it is itself compound."""
    text = node.describe()
    compound = isinstance(node, AllOf | AnyOf) and len(node.items) > 1
    if isinstance(node, Not):
        compound = _negated(node.item) is None
    return f"({text})" if compound else text


def _negated(node: Condition) -> str | None:
    """Say "not X" directly for the simple cases, where it reads better than a prefix."""
    if isinstance(node, IsFilled):
        return IsFilled(node.ref, not node.expected).describe()
    if isinstance(node, Compare) and node.op == "equals":
        return Compare(node.ref, "not_equals", node.operand).describe()
    if isinstance(node, Contains):
        info = node.ref.info
        option = (info.options or {}).get(node.option, node.option)
        return f"{info.label} does not include {option}"
    return None


@dataclass(frozen=True)
class AllOf(Condition):
    """Every part holds."""

    items: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> bool | None:
        """False if any part is false, else None if any is unknown, else True."""
        # Evaluate every part (no short cut) so a missing calendar always surfaces.
        results = [item.evaluate(ctx) for item in self.items]
        if False in results:
            return False
        return None if None in results else True

    def refs(self) -> frozenset[str]:
        """Return the refs of every part."""
        return frozenset().union(*(item.refs() for item in self.items))

    def describe(self) -> str:
        """Join the parts with "and"."""
        return " and ".join(_part(item) for item in self.items)

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "all", "items": [...]}."""
        return {"op": "all", "items": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class AnyOf(Condition):
    """At least one part holds."""

    items: tuple[Condition, ...]

    def evaluate(self, ctx: Context) -> bool | None:
        """True if any part is true, else None if any is unknown, else False."""
        results = [item.evaluate(ctx) for item in self.items]
        if True in results:
            return True
        return None if None in results else False

    def refs(self) -> frozenset[str]:
        """Return the refs of every part."""
        return frozenset().union(*(item.refs() for item in self.items))

    def describe(self) -> str:
        """Join the parts with "or"."""
        return " or ".join(_part(item) for item in self.items)

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "any", "items": [...]}."""
        return {"op": "any", "items": [item.to_json() for item in self.items]}


@dataclass(frozen=True)
class Not(Condition):
    """The part does not hold."""

    item: Condition

    def evaluate(self, ctx: Context) -> bool | None:
        """Negate the part; unknown stays unknown."""
        result = self.item.evaluate(ctx)
        return None if result is None else not result

    def refs(self) -> frozenset[str]:
        """Return the part's refs."""
        return self.item.refs()

    def describe(self) -> str:
        """Say "it is not true that ..."."""
        inner = self.item
        direct = _negated(inner)
        if direct is not None:
            return direct
        text = inner.describe()
        if isinstance(inner, AllOf | AnyOf | Not) and not (
            isinstance(inner, AllOf | AnyOf) and len(inner.items) == 1
        ):
            text = f"({text})"
        return f"it is not true that {text}"

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "not", "item": {...}}."""
        return {"op": "not", "item": self.item.to_json()}


@dataclass(frozen=True)
class Compare(Condition):
    """A field compared with one value: equals, not_equals, number and date comparisons."""

    ref: FieldRef
    op: str
    operand: Operand

    def evaluate(self, ctx: Context) -> bool | None:
        """Compare, or None when either side is missing."""
        kind = self.ref.info.kind
        left = self.ref.value(ctx, kind)
        right = self.operand.value(ctx, kind)
        if left is None or right is None:
            return None
        return COMPARE[self.op](left, right)

    def refs(self) -> frozenset[str]:
        """Return the field's ref and any value ref."""
        return self.ref.refs() | self.operand.refs()

    def describe(self) -> str:
        """Say e.g. "End date is on or after Start date"."""
        info = self.ref.info
        return f"{info.label} {_PHRASE[self.op]} {self.operand.describe(info)}"

    def to_json(self) -> dict[str, Any]:
        """Return {"op", "ref", "kind", "value"}."""
        return {
            "op": self.op,
            "ref": self.ref.name,
            "kind": self.ref.info.kind,
            "value": self.operand.to_json(),
        }


@dataclass(frozen=True)
class OneOf(Condition):
    """A field equals one of several values."""

    ref: FieldRef
    operands: tuple[Operand, ...]

    def evaluate(self, ctx: Context) -> bool | None:
        """True on a match; else None if the field or a value ref is missing; else False."""
        kind = self.ref.info.kind
        left = self.ref.value(ctx, kind)
        if left is None:
            return None
        rights = [operand.value(ctx, kind) for operand in self.operands]
        if any(right is not None and left == right for right in rights):
            return True
        return None if None in rights else False

    def refs(self) -> frozenset[str]:
        """Return the field's ref and any value refs."""
        return self.ref.refs().union(*(operand.refs() for operand in self.operands))

    def describe(self) -> str:
        """Say e.g. "Type is A or B"."""
        info = self.ref.info
        values = " or ".join(operand.describe(info) for operand in self.operands)
        return f"{info.label} is {values}"

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "one_of", "ref", "kind", "values"}."""
        return {
            "op": "one_of",
            "ref": self.ref.name,
            "kind": self.ref.info.kind,
            "values": [operand.to_json() for operand in self.operands],
        }


@dataclass(frozen=True)
class Contains(Condition):
    """A multiple-choice field has a given option ticked."""

    ref: FieldRef
    option: str

    def evaluate(self, ctx: Context) -> bool | None:
        """True if ticked; None if nothing is ticked at all."""
        picked = self.ref.value(ctx, "choices")
        return None if picked is None else self.option in picked

    def refs(self) -> frozenset[str]:
        """Return the field's ref."""
        return self.ref.refs()

    def describe(self) -> str:
        """Say e.g. "Who is it for? includes Others"."""
        info = self.ref.info
        return f"{info.label} includes {(info.options or {}).get(self.option, self.option)}"

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "contains", "ref", "kind", "value"}."""
        return {
            "op": "contains",
            "ref": self.ref.name,
            "kind": self.ref.info.kind,
            "value": self.option,
        }


@dataclass(frozen=True)
class IsFilled(Condition):
    """A field has (or has not) a usable answer; never unknown."""

    ref: FieldRef
    expected: bool

    def evaluate(self, ctx: Context) -> bool | None:
        """True or False, never None."""
        filled = self.ref.value(ctx, self.ref.info.kind) is not None
        return filled == self.expected

    def refs(self) -> frozenset[str]:
        """Return the field's ref."""
        return self.ref.refs()

    def describe(self) -> str:
        """Say e.g. "Website is filled in"."""
        label = self.ref.info.label
        if self.ref.info.kind == "group":
            return f"{label} has at least one entry" if self.expected else f"{label} has no entries"
        return f"{label} is filled in" if self.expected else f"{label} is not filled in"

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "is_filled", "ref", "kind", "value"}."""
        return {
            "op": "is_filled",
            "ref": self.ref.name,
            "kind": self.ref.info.kind,
            "value": self.expected,
        }


_DATE_INFO = RefInfo("date", "date")


@dataclass(frozen=True)
class DaysBetween(Condition):
    """The number of (business) days from one date to another, compared with N."""

    start: Operand
    end: Operand
    cmp: str
    n: int
    business: bool = False

    @property
    def op(self) -> str:
        """The vocabulary word: days_between or business_days_between."""
        return "business_days_between" if self.business else "days_between"

    def evaluate(self, ctx: Context) -> bool | None:
        """Count and compare, or None when either date is missing."""
        if self.business and ctx.calendar is None:
            # A programming error, not an applicant's: fail loudly rather than guess.
            raise RuntimeError(
                "business_days_between needs a business-day calendar: "
                "pass Context(calendar=...) when evaluating this condition"
            )
        start = self.start.value(ctx, "date")
        end = self.end.value(ctx, "date")
        if start is None or end is None:
            return None
        if ctx.calendar is not None and self.business:
            count = ctx.calendar.business_days_between(start, end)
        else:
            count = (end - start).days
        return COMPARE[self.cmp](count, self.n)

    def refs(self) -> frozenset[str]:
        """Return the refs of both dates."""
        return self.start.refs() | self.end.refs()

    def describe(self) -> str:
        """Say e.g. "there are at least 10 days from today to Start date"."""
        unit = "business day" if self.business else "day"
        if abs(self.n) != 1:
            unit += "s"
        start = self.start.describe(_DATE_INFO)
        end = self.end.describe(_DATE_INFO)
        return f"there are {_COUNT_PHRASE[self.cmp]} {self.n} {unit} from {start} to {end}"

    def to_json(self) -> dict[str, Any]:
        """Return {"op", "from", "to", "cmp", "n"}."""
        return {
            "op": self.op,
            "from": self.start.to_json(),
            "to": self.end.to_json(),
            "cmp": self.cmp,
            "n": self.n,
        }


@dataclass(frozen=True)
class ObligationsMet(Condition):
    """Everything owed under one obligation is met (or cancelled), and something was owed."""

    name: str

    def evaluate(self, ctx: Context) -> bool | None:
        """Return the store's answer, or None where obligations are not known."""
        if ctx.obligations is None:
            return None
        return ctx.obligations.get(self.name)

    def refs(self) -> frozenset[str]:
        """Read no field."""
        return frozenset()

    def describe(self) -> str:
        """Say e.g. "every 'certificate_count' owed is filed"."""
        return f"everything owed for '{self.name}' is filed"

    def to_json(self) -> dict[str, Any]:
        """Return {"op": "obligations_met", "name"} (never sent to a browser: guards only)."""
        return {"op": "obligations_met", "name": self.name}
