"""Parse and type-check conditions written in YAML into the nodes of conditions_nodes.py.

Every problem is collected (with its path inside the raw condition) before
ConditionInvalid is raised, so staff fix a file in one pass instead of one error a
run. Messages are for the people who write the YAML: plain words, their own labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from engine.spec.conditions import Condition, ConditionInvalid, RefInfo, Scope
from engine.spec.conditions_nodes import (
    DATE_RE,
    NUMBER_RE,
    AllOf,
    AnyOf,
    Compare,
    Contains,
    DaysBetween,
    FieldRef,
    IsFilled,
    Literal,
    Not,
    ObligationsMet,
    OneOf,
    Operand,
    Today,
    parse_date,
)
from engine.spec.suggest import did_you_mean
from engine.spec.time_of_day import parse_time

Path = tuple[str | int, ...]

KINDS = ("text", "number", "date", "time", "choice", "choices", "boolean", "address", "group")
COMBINATORS = ("all", "any", "not")
DAY_COUNTS = ("days_between", "business_days_between")
HEADS = (*COMBINATORS, "field", *DAY_COUNTS, "obligations_met")
NUMBER_OPS = ("greater_than", "less_than", "at_least", "at_most")
DATE_OPS = ("before", "after", "on_or_before", "on_or_after")
FIELD_OPS = ("equals", "not_equals", "one_of", "contains", "is_filled", *NUMBER_OPS, *DATE_OPS)
COUNT_OPS = ("equals", "greater_than", "less_than", "at_least", "at_most")
WORDS = frozenset((*HEADS, *FIELD_OPS))

# Staff who reach for a number word on a date (or the reverse) get pointed at its twin.
_DATE_TWIN = dict(zip(NUMBER_OPS, ("after", "before", "on_or_after", "on_or_before"), strict=True))
_NUMBER_TWIN = {twin: op for op, twin in _DATE_TWIN.items()}

_NOUN = {
    "text": "text",
    "number": "a number",
    "date": "a date",
    "time": "a time of day",
    "choice": "a single choice",
    "choices": "a multiple choice",
    "boolean": "a yes/no question",
    "address": "an address",
    "group": "a group of questions",
}
_EXAMPLE = "{field: org_type, equals: college}"
_YAML_BOOL_HINT = "without quotes YAML reads words like yes, no, on and off as true or false"


class _Bad:
    """Marks a literal that failed its check (None is a legitimate YAML value)."""


_BAD = _Bad()


def _show(value: object) -> str:
    """Quote a value from the YAML the way staff wrote it."""
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "a list"
    if isinstance(value, Mapping):
        return "a mapping"
    return str(value)


def _quoted(words: Iterable[object]) -> str:
    """Return 'a', 'b' and 'c'."""
    quoted = [f"'{w}'" for w in words]
    return quoted[0] if len(quoted) == 1 else ", ".join(quoted[:-1]) + " and " + quoted[-1]


def _ops_for(kind: str) -> tuple[str, ...]:
    """Return the comparisons that make sense for a kind, for hints."""
    common = ("equals", "not_equals", "one_of")
    return {
        "number": (*common, *NUMBER_OPS, "is_filled"),
        "date": (*common, *DATE_OPS, "is_filled"),
        "time": (*common, *DATE_OPS, "is_filled"),
        "choices": ("contains", "is_filled"),
        "group": ("is_filled",),
    }.get(kind, (*common, "is_filled"))


class Parser:
    """Turns one raw condition into nodes, collecting every problem on the way."""

    def __init__(self, scope: Scope) -> None:
        self.scope = scope
        self.problems: list[tuple[Path, str]] = []

    def parse_root(self, raw: Any) -> Condition:
        """Parse a whole condition; raise ConditionInvalid listing every problem."""
        node = self.condition(raw, ())
        if self.problems or node is None:
            raise ConditionInvalid(self.problems or [((), "this condition cannot be understood")])
        return node

    def problem(self, path: Path, message: str) -> None:
        """Record one problem at a path inside the raw condition."""
        self.problems.append((path, message))

    # -- conditions ---------------------------------------------------------------

    def condition(self, raw: Any, path: Path) -> Condition | None:
        """Parse any condition; None when it has problems (already recorded)."""
        if not isinstance(raw, Mapping):
            self.problem(path, f"expected a condition like {_EXAMPLE}, but found {_show(raw)}")
            return None
        if not raw:
            self.problem(path, f"this condition is empty; write something like {_EXAMPLE}")
            return None
        heads = [key for key in raw if key in HEADS]
        if len(heads) > 1:
            self.problem(
                path,
                f"a condition can do only one thing, but this one has {_quoted(heads)}; "
                "put separate conditions in a list under all: or any:",
            )
            return None
        if not heads:
            unknown = self._extra_keys(raw, path, FIELD_OPS, HEADS + FIELD_OPS, "")
            ops = [key for key in raw if key in FIELD_OPS]
            if ops and not unknown:
                self.problem(
                    path, f"'{ops[0]}' needs a field to compare: add field: and the field's id"
                )
            return None
        head = heads[0]
        if head in COMBINATORS:
            return self._combination(raw, path, head)
        if head == "field":
            return self._field_test(raw, path)
        if head == "obligations_met":
            return self._obligations_met(raw, path)
        return self._day_count(raw, path, head)

    def _obligations_met(self, raw: Mapping[Any, Any], path: Path) -> Condition | None:
        """Parse {obligations_met: NAME}."""
        if self._extra_keys(raw, path, (), HEADS, "obligations_met"):
            return None
        where = (*path, "obligations_met")
        known = self.scope.obligations
        if known is None:
            self.problem(where, "'obligations_met' can only be used in a workflow guard")
            return None
        name = raw["obligations_met"]
        if not isinstance(name, str) or name not in known:
            self.problem(
                where,
                f"there is no obligation {_show(name)} under 'obligations:'"
                + did_you_mean(name, known),
            )
            return None
        return ObligationsMet(name)

    def _extra_keys(
        self,
        raw: Mapping[Any, Any],
        path: Path,
        allowed: tuple[str, ...],
        candidates: Iterable[str],
        context: str,
    ) -> int:
        """Report keys that do not belong here; return how many there were."""
        count = 0
        for key in raw:
            if key in allowed or key == context:
                continue
            count += 1
            # YAML keys may be anything (`yes:` is True); paths hold only str and int.
            where = (*path, key if isinstance(key, str | int) else str(key))
            if key in WORDS and context:
                self.problem(
                    where,
                    f"'{key}' can't be used with '{context}'"
                    + (f"; use one of: {', '.join(allowed)}" if allowed else ""),
                )
            else:
                self.problem(where, f"unknown condition '{key}'" + did_you_mean(key, candidates))
        return count

    def _combination(self, raw: Mapping[Any, Any], path: Path, head: str) -> Condition | None:
        """Parse all / any / not."""
        self._extra_keys(raw, path, (), HEADS, head)
        where = (*path, head)
        body = raw[head]
        if head == "not":
            if isinstance(body, list):
                self.problem(
                    where,
                    "'not' takes one condition, not a list; to say that none of several "
                    "hold, write not: {any: [...]}",
                )
                return None
            inner = self.condition(body, where)
            return None if inner is None else Not(inner)
        if not isinstance(body, list):
            self.problem(
                where, f"'{head}' needs a list of conditions, each on its own line starting with -"
            )
            return None
        if not body:
            self.problem(where, f"'{head}' needs at least one condition in its list")
            return None
        items = [self.condition(item, (*where, i)) for i, item in enumerate(body)]
        parts = tuple(item for item in items if item is not None)
        if len(parts) != len(items):
            return None
        return AllOf(parts) if head == "all" else AnyOf(parts)

    def _field_test(self, raw: Mapping[Any, Any], path: Path) -> Condition | None:
        """Parse {field: REF, OP: VALUE}."""
        ref = self._ref(raw["field"], (*path, "field"))
        if ref is not None and ref.info.kind == "address":
            self.problem(
                (*path, "field"),
                f"'{ref.info.label}' is an address, which conditions cannot look into; to "
                "decide by where someone is, ask that as a question of its own",
            )
            return None
        unknown = self._extra_keys(raw, path, FIELD_OPS, FIELD_OPS, "field")
        ops = [key for key in raw if key in FIELD_OPS]
        if self._several(ops, path):
            return None
        if not ops:
            if not unknown:
                name = f" for '{ref.info.label}'" if ref else ""
                hint = ", ".join(_ops_for(ref.info.kind)) if ref else "equals, is_filled"
                self.problem(path, f"missing comparison{name}: add one of {hint}")
            return None
        if ref is None:
            return None
        op = ops[0]
        where = (*path, op)
        value = raw[op]
        mismatch = self._op_kind_problem(op, ref.info)
        if mismatch:
            self.problem(where, mismatch)
            return None
        if op == "is_filled":
            if not isinstance(value, bool):
                self.problem(where, f"'is_filled' takes true or false, not {_show(value)}")
                return None
            return IsFilled(ref, value)
        if op == "contains":
            option = self._option(value, ref.info, where)
            return None if option is None else Contains(ref, option)
        if op == "one_of":
            return self._one_of(ref, value, where)
        operand = self._operand(value, ref.info, where)
        return None if operand is None else Compare(ref, op, operand)

    def _several(self, ops: list[str], path: Path) -> bool:
        """Report a condition that compares in more than one way; tell whether it does."""
        if len(ops) > 1:
            self.problem(
                path,
                f"compare in only one way per condition, but this one has {_quoted(ops)}; "
                "combine separate conditions with all: or any:",
            )
        return len(ops) > 1

    def _one_of(self, ref: FieldRef, value: Any, where: Path) -> Condition | None:
        """Parse the list of one_of."""
        if not isinstance(value, list):
            self.problem(
                where,
                "'one_of' needs a list of values, like one_of: [a, b]; "
                "for a single value use equals",
            )
            return None
        if not value:
            self.problem(where, "'one_of' needs at least one value in its list")
            return None
        operands = [self._operand(v, ref.info, (*where, i)) for i, v in enumerate(value)]
        kept = tuple(operand for operand in operands if operand is not None)
        return OneOf(ref, kept) if len(kept) == len(operands) else None

    def _day_count(self, raw: Mapping[Any, Any], path: Path, head: str) -> Condition | None:
        """Parse {days_between: [FROM, TO], CMP: N} and its business-days twin."""
        unknown = self._extra_keys(raw, path, COUNT_OPS, COUNT_OPS, head)
        where = (*path, head)
        ends = raw[head]
        start: Operand | None = None
        end: Operand | None = None
        if not isinstance(ends, list) or len(ends) != 2:
            self.problem(
                where,
                f"'{head}' needs two dates in a list, like {head}: [today, {{field: a_date}}]",
            )
        else:
            start = self._date_expr(ends[0], (*where, 0), head)
            end = self._date_expr(ends[1], (*where, 1), head)
        ops = [key for key in raw if key in COUNT_OPS]
        if self._several(ops, path):
            return None
        if not ops:
            if not unknown:
                self.problem(
                    path, f"'{head}' needs a comparison: add one of {', '.join(COUNT_OPS)}"
                )
            return None
        op = ops[0]
        n = raw[op]
        if isinstance(n, bool) or not isinstance(n, int):
            self.problem(
                (*path, op), f"'{op}' needs a whole number of days, like {op}: 10, not {_show(n)}"
            )
            return None
        if start is None or end is None:
            return None
        return DaysBetween(start, end, op, n, business=head == "business_days_between")

    # -- pieces ---------------------------------------------------------------------

    def _ref(self, raw: Any, path: Path) -> FieldRef | None:
        """Resolve a field reference: the item's siblings first, then top-level fields."""
        if not isinstance(raw, str) or not raw:
            self.problem(
                path, f"'field' must be a field's id, like field: org_type, not {_show(raw)}"
            )
            return None
        siblings = self.scope.item_fields or {}
        if raw in siblings:
            return FieldRef(raw, siblings[raw], sibling=True)
        if raw in self.scope.fields:
            return FieldRef(raw, self.scope.fields[raw])
        known = [*siblings, *self.scope.fields]
        self.problem(path, f"unknown field '{raw}'" + did_you_mean(raw, known))
        return None

    def _op_kind_problem(self, op: str, info: RefInfo) -> str | None:
        """Say why an operator cannot compare this kind of field, or None if it can."""
        kind, label = info.kind, info.label
        if kind not in KINDS:
            return f"'{label}' holds a kind of value conditions do not know: '{kind}'"
        noun = _NOUN[kind]
        if op == "is_filled":
            return None
        if kind == "group":
            return f"'{label}' is a group of questions; only is_filled works on it"
        if op in NUMBER_OPS and kind != "number":
            twin = f"; use '{_DATE_TWIN[op]}'" if kind in ("date", "time") else ""
            return f"'{op}' compares numbers, but '{label}' is {noun}{twin}"
        if op in DATE_OPS and kind not in ("date", "time"):
            twin = f"; use '{_NUMBER_TWIN[op]}'" if kind == "number" else ""
            return f"'{op}' compares dates, but '{label}' is {noun}{twin}"
        if op == "contains" and kind != "choices":
            hint = "; use 'equals' or 'one_of'" if kind == "choice" else ""
            return f"'contains' checks a multiple-choice question, but '{label}' is {noun}{hint}"
        if op in ("equals", "not_equals", "one_of") and kind == "choices":
            return (
                f"'{op}' can't be used with '{label}', which allows several answers; use 'contains'"
            )
        return None

    def _operand(self, raw: Any, info: RefInfo, path: Path) -> Operand | None:
        """Parse a value to compare with: a literal, {field: OTHER} or, for dates, today."""
        if isinstance(raw, Mapping):
            return self._value_ref(raw, info, path)
        if info.kind == "date" and raw == "today":
            return Today()
        value = self._literal(raw, info, path)
        return None if isinstance(value, _Bad) else Literal(value)

    def _value_ref(
        self, raw: Mapping[Any, Any], info: RefInfo, path: Path, counting: str = ""
    ) -> Operand | None:
        """Parse {field: OTHER} used as a value; it must be of the same kind."""
        if "field" not in raw:
            self.problem(
                path,
                "a value to compare with is written as it is, or as {field: other_field}; "
                f"this is neither (it has {_quoted(raw)})",
            )
            return None
        extras = [key for key in raw if key != "field"]
        for key in extras:
            self.problem(
                (*path, key),
                f"a field to compare with is written {{field: other_field}} alone; remove '{key}'",
            )
        other = self._ref(raw["field"], (*path, "field"))
        if other is None or extras:
            return None
        if other.info.kind != info.kind:
            theirs = f"'{other.info.label}' is {_NOUN.get(other.info.kind, other.info.kind)}"
            if counting:
                message = f"'{counting}' counts days between dates, but {theirs}"
            else:
                ours = f"'{info.label}' is {_NOUN.get(info.kind, info.kind)}"
                message = f"{ours}, but {theirs}; compare fields of the same kind"
            self.problem((*path, "field"), message)
            return None
        return other

    def _literal(self, raw: Any, info: RefInfo, path: Path) -> Any:
        """Check a written value against the field's kind; _BAD (and a problem) if wrong."""
        kind, label = info.kind, info.label
        if raw is None:
            self.problem(path, f"write a value to compare '{label}' with")
            return _BAD
        if kind == "choice":
            option = self._option(raw, info, path)
            return _BAD if option is None else option
        if kind == "number":
            if isinstance(raw, int | float) and not isinstance(raw, bool) and math.isfinite(raw):
                return raw
            hint = (
                " (write it without quotes)"
                if isinstance(raw, str) and NUMBER_RE.fullmatch(raw.strip())
                else ""
            )
            self.problem(
                path, f"'{label}' is a number, so compare it with a number, not {_show(raw)}{hint}"
            )
            return _BAD
        if kind == "date":
            return self._date_literal(
                raw,
                path,
                f"'{label}' is a date, so compare it with a date like 2026-01-31 or today, not ",
            )
        if kind == "time":
            return self._time_literal(raw, label, path)
        if kind == "boolean":
            if isinstance(raw, bool):
                return raw
            self.problem(
                path,
                f"'{label}' is a yes/no question, so compare it with true or false, "
                f"not {_show(raw)}",
            )
            return _BAD
        if kind == "text":
            if isinstance(raw, str):
                return raw
            if isinstance(raw, bool):
                self.problem(
                    path, f"'{label}' is text, so put the value in quotes; {_YAML_BOOL_HINT}"
                )
            else:
                self.problem(path, f"'{label}' is text, so put the value in quotes, like '{raw}'")
            return _BAD
        self.problem(
            path, f"'{label}' is {_NOUN.get(kind, kind)}; it cannot be compared with a value"
        )
        return _BAD

    def _date_literal(self, raw: Any, path: Path, wrong: str) -> Any:
        """Check a written date: a YAML date or 'YYYY-MM-DD'; `wrong` leads the complaint."""
        if isinstance(raw, datetime):
            self.problem(
                path, f"{_show(raw)} has a time of day; write only the date, like 2026-01-31"
            )
            return _BAD
        if isinstance(raw, date):
            return raw
        if isinstance(raw, str) and DATE_RE.fullmatch(raw.strip()):
            parsed = parse_date(raw)
            if parsed is None:
                self.problem(path, f"{_show(raw)} is not a real date; write a date like 2026-01-31")
                return _BAD
            return parsed
        self.problem(path, wrong + _show(raw))
        return _BAD

    def _time_literal(self, raw: Any, label: str, path: Path) -> Any:
        """Check a written time: text like '9:00 AM' or '14:30'."""
        if isinstance(raw, str) and (value := parse_time(raw)) is not None:
            return value
        # Unquoted, YAML reads 9:30 as a number of minutes (570): quotes keep it a time.
        hint = " (put it in quotes)" if isinstance(raw, int) and not isinstance(raw, bool) else ""
        self.problem(
            path,
            f"'{label}' is a time of day, so compare it with a time like '9:00 AM' or "
            f"'14:30', not {_show(raw)}{hint}",
        )
        return _BAD

    def _option(self, raw: Any, info: RefInfo, path: Path) -> str | None:
        """Check that a written value is one of the field's option keys."""
        options = info.options
        if isinstance(raw, str) and raw and (options is None or raw in options):
            return raw
        listing = f"; the options are: {', '.join(options)}" if options else ""
        close = did_you_mean(raw, options) if isinstance(raw, str) and options else ""
        if close:  # the likely slip first, then every option
            listing = f"{close} (the options are: {', '.join(options or ())})"
        hint = f" ({_YAML_BOOL_HINT}; put the option in quotes)" if isinstance(raw, bool) else ""
        self.problem(path, f"{_show(raw)} is not an option of '{info.label}'{listing}{hint}")
        return None

    def _date_expr(self, raw: Any, path: Path, head: str) -> Operand | None:
        """Parse one end of a day count: today, {field: a_date} or a written date."""
        if raw == "today":
            return Today()
        if isinstance(raw, Mapping):
            return self._value_ref(raw, RefInfo("date", "a date"), path, counting=head)
        value = self._date_literal(
            raw,
            path,
            f"'{head}' needs dates: today, {{field: a_date}} or a date like 2026-01-31, not ",
        )
        return None if isinstance(value, _Bad) else Literal(value)
