"""Server-side validation: each form compiles once to JSON Schema (Draft 2020-12).

The compiled schema checks types, lengths, ranges, patterns, options and item counts,
and lists every field marked `required`. Conditions (show_if, require_if, rules) need
more than JSON Schema can say, so they are evaluated here with the closed condition
vocabulary: answers of hidden fields are left out before validation, and "required"
errors for hidden fields are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from jsonschema.exceptions import ValidationError

from engine.runtime.answers import (
    input_name,
    is_blank,
    is_required,
    is_shown,
    visible_answers,
    without_blanks,
)
from engine.runtime.messages import message_for
from engine.spec.conditions import BusinessCalendar, Context
from engine.spec.fields import field_schema, field_type
from engine.spec.model import FieldSpec, FormSpec, Rule

_FORMATS = FormatChecker(formats=["date"])


@dataclass(frozen=True)
class AnswerError:
    """One problem with one answer: the input it belongs to, the rule broken, the message."""

    path: str
    field_id: str
    rule: str
    message: str


def form_schema(fields: Iterable[FieldSpec]) -> dict[str, Any]:
    """Return the JSON Schema (Draft 2020-12) of a set of top-level fields."""
    fields = list(fields)
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "properties": {f.id: field_schema(f) for f in fields},
        "required": [f.id for f in fields if f.required],
    }


class FormValidator:
    """Validates answers to one form version; built once and cached with the form."""

    def __init__(self, form: FormSpec) -> None:
        self.form = form
        self._fields = {f.id: f for f in form.fields()}

    @cached_property
    def page_validators(self) -> dict[str, Draft202012Validator]:
        """Return one compiled validator per page."""
        return {
            page.id: Draft202012Validator(form_schema(page.fields), format_checker=_FORMATS)
            for page in self.form.pages
        }

    @cached_property
    def schema(self) -> dict[str, Any]:
        """Return the whole form's JSON Schema."""
        return form_schema(self.form.fields())

    def validate(
        self,
        answers: Mapping[str, Any],
        today: date,
        pages: Iterable[str] | None = None,
        calendar: BusinessCalendar | None = None,
    ) -> list[AnswerError]:
        """Return every problem with the answers (of the given pages, or all), in page order."""
        # A blank answer is no answer: "required" speaks for it, and no limit applies.
        answers = without_blanks(answers)
        base = Context(answers, today, None, calendar)
        shown = visible_answers(self.form, answers, base)
        ctx = Context(shown, today, None, calendar)
        errors: list[AnswerError] = []
        page_ids = list(pages) if pages is not None else [p.id for p in self.form.pages]
        for page in self.form.pages:
            if page.id not in page_ids:
                continue
            present = {f.id: shown[f.id] for f in page.fields if f.id in shown}
            schema_errors = self.page_validators[page.id].iter_errors(present)
            errors.extend(self._translate(schema_errors, shown, ctx))
            errors.extend(self._conditional(page.fields, shown, ctx))
            errors.extend(self._steps(page.fields, shown))
        if pages is None or set(page_ids) == {p.id for p in self.form.pages}:
            errors.extend(self._rules(self.form.rules, ctx, None, None))
        return _dedupe(_order(errors, self.form))

    # -- JSON Schema errors -> AnswerErrors ---------------------------------------------

    def _translate(
        self, raw: Iterable[ValidationError], shown: Mapping[str, Any], ctx: Context
    ) -> Iterable[AnswerError]:
        for error in raw:
            path = list(error.absolute_path)
            spec, name, rest = self._locate(path)
            kind = field_type(spec.type) if spec is not None else None
            if error.validator == "required":
                if spec is not None and kind is not None and kind.parts and not rest:
                    # Parts missing from an answer made of parts: each part says so.
                    for part in error.validator_value:
                        if isinstance(error.instance, Mapping) and part not in error.instance:
                            yield self._part_error(spec, name, part, "required", None)
                    continue
                for missing in error.validator_value:
                    if isinstance(error.instance, Mapping) and missing in error.instance:
                        continue
                    yield from self._missing(path, missing, shown, ctx)
                continue
            if spec is None or kind is None:
                continue
            validator = str(error.validator)
            rule = kind.schema_rules.get(validator) or _RULES.get(validator, "type")
            limit = error.validator_value if rule in _LIMITED else None
            if kind.parts and rest:
                yield self._part_error(spec, name, str(rest[0]), rule, limit)
                continue
            yield AnswerError(name, spec.id, rule, message_for(spec, rule, limit))

    def _part_error(
        self, spec: FieldSpec, name: str, part: str, rule: str, limit: object
    ) -> AnswerError:
        # A part's input is named after the field's, so the error sits next to the part.
        message = field_type(spec.type).part_message(spec, part, rule, limit)
        return AnswerError(f"{name}-{part}", spec.id, rule, message)

    def _missing(
        self, path: list[Any], missing: str, shown: Mapping[str, Any], ctx: Context
    ) -> Iterable[AnswerError]:
        if not path:
            spec = self._fields[missing]
            # Hidden fields were removed from `shown`; they are not required.
            if is_shown(spec, ctx):
                yield AnswerError(missing, missing, "required", message_for(spec, "required"))
            return
        group = self._fields[str(path[0])]
        index = int(path[1])
        sub = next(s for s in group.fields if s.id == missing)
        items = shown.get(group.id) or []
        item = items[index] if index < len(items) else {}
        if is_shown(sub, Context(shown, ctx.today, item, ctx.calendar)):
            name = input_name(sub.id, group.id, index)
            yield AnswerError(name, sub.id, "required", message_for(sub, "required"))

    def _locate(self, path: list[Any]) -> tuple[FieldSpec | None, str, list[Any]]:
        """Return the field a schema path is about, its input name, and the path inside it."""
        if not path:
            return None, "", []
        spec = self._fields.get(str(path[0]))
        if spec is None:
            return None, "", []
        if spec.is_group:
            if len(path) < 3:
                return spec, spec.id, []
            sub = next((s for s in spec.fields if s.id == path[2]), None)
            if sub is None:
                return None, "", []
            return sub, input_name(sub.id, spec.id, int(path[1])), path[3:]
        return spec, spec.id, path[1:]

    # -- what JSON Schema cannot say ----------------------------------------------------

    def _conditional(
        self, fields: Iterable[FieldSpec], shown: Mapping[str, Any], ctx: Context
    ) -> Iterable[AnswerError]:
        for spec in fields:
            if not is_shown(spec, ctx):
                continue
            if spec.is_group:
                for index, item in enumerate(shown.get(spec.id) or []):
                    item_ctx = Context(shown, ctx.today, item, ctx.calendar)
                    for sub in spec.fields:
                        if sub.required or not is_shown(sub, item_ctx):
                            continue
                        if is_required(sub, item_ctx) and is_blank(item.get(sub.id)):
                            name = input_name(sub.id, spec.id, index)
                            yield AnswerError(
                                name, sub.id, "required", message_for(sub, "required")
                            )
                    yield from self._rules(spec.rules, item_ctx, spec, index)
                continue
            if not spec.required and is_required(spec, ctx) and is_blank(shown.get(spec.id)):
                yield AnswerError(spec.id, spec.id, "required", message_for(spec, "required"))

    def _steps(
        self, fields: Iterable[FieldSpec], shown: Mapping[str, Any]
    ) -> Iterable[AnswerError]:
        for spec in fields:
            if spec.is_group:
                for index, item in enumerate(shown.get(spec.id) or []):
                    for sub in spec.fields:
                        if _off_step(sub, item.get(sub.id)):
                            yield AnswerError(
                                input_name(sub.id, spec.id, index),
                                sub.id,
                                "step",
                                message_for(sub, "step", sub.step),
                            )
            elif _off_step(spec, shown.get(spec.id)):
                yield AnswerError(spec.id, spec.id, "step", message_for(spec, "step", spec.step))

    def _rules(
        self, rules: Iterable[Rule], ctx: Context, group: FieldSpec | None, index: int | None
    ) -> Iterable[AnswerError]:
        for rule in rules:
            if rule.when is not None and rule.when.evaluate(ctx) is not True:
                continue
            # Unknown (a value missing) passes: the required check speaks for that.
            if rule.check.evaluate(ctx) is False:
                name = rule.field if group is None else input_name(rule.field, group.id, index)
                yield AnswerError(name, rule.field, "rule", rule.message)


def _off_step(spec: FieldSpec, value: Any) -> bool:
    if spec.step is None or not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        base = Decimal(str(spec.minimum)) if spec.minimum is not None else Decimal(0)
        return (Decimal(str(value)) - base) % Decimal(str(spec.step)) != 0
    except InvalidOperation:
        return False


_RULES = {
    "minLength": "min_length",
    "maxLength": "max_length",
    "pattern": "pattern",
    "minimum": "min",
    "maximum": "max",
    "enum": "option",
    "minItems": "min_items",
    "maxItems": "max_items",
    "format": "type",
    "const": "required",
    "uniqueItems": "option",
}
_LIMITED = {"min_length", "max_length", "min", "max", "min_items", "max_items"}


def _order(errors: list[AnswerError], form: FormSpec) -> list[AnswerError]:
    # Page order, then item number, then the sub-field's place in its group, then the
    # part's place in an answer made of parts.
    position = {f.id: i for i, f in enumerate(form.fields())}
    sub_position = {
        (f.id, sub.id): i for f in form.fields() if f.is_group for i, sub in enumerate(f.fields)
    }
    every = [*form.fields(), *(sub for f in form.fields() for sub in f.fields)]
    part_position = {
        (f.id, part): i for f in every for i, part in enumerate(field_type(f.type).parts)
    }

    def key(e: AnswerError) -> tuple[int, int, int, int]:
        parts = e.path.split("-")
        top = position.get(parts[0], len(position))
        if len(parts) >= 3 and parts[1].isdigit():
            sub = sub_position.get((parts[0], parts[2]), 0)
            return (top, int(parts[1]), sub, part_position.get((e.field_id, parts[-1]), 0))
        return (top, -1, 0, part_position.get((e.field_id, parts[-1]), 0))

    return sorted(errors, key=key)


def _dedupe(errors: list[AnswerError]) -> list[AnswerError]:
    # One message per input is enough; the first (in rule order) is the one to fix first.
    seen: set[str] = set()
    result = []
    for error in errors:
        if error.path in seen:
            continue
        seen.add(error.path)
        result.append(error)
    return result
