"""Turn a form page, answers and errors into what the field templates render."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from engine.runtime.answers import display_value, input_name, is_shown, visible_answers
from engine.runtime.validation import AnswerError
from engine.spec.conditions import BusinessCalendar, Context
from engine.spec.fields import FieldType, field_type
from engine.spec.model import FieldSpec, FormSpec, PageSpec


@dataclass
class FieldView:
    """One field as a template sees it."""

    spec: FieldSpec
    name: str
    id: str
    value: Any
    error: str | None
    show_if: str | None = None
    only_if: str | None = None
    item_prefix: str | None = None
    items: list[ItemView] = field(default_factory=list)
    can_add: bool = False
    autofocus: bool = False
    # The error of each part of an answer made of parts (an address), by part.
    part_errors: dict[str, str] = field(default_factory=dict)

    @property
    def describedby(self) -> str:
        """Return the ids that describe the input: hint and error."""
        ids = []
        if self.spec.hint:
            ids.append(f"{self.id}-hint")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)

    @property
    def field_type(self) -> FieldType:
        """Return the field's type: what its template may ask of it (an address's states)."""
        return field_type(self.spec.type)

    @property
    def text(self) -> str:
        """Return the answer as its input shows it again (a time as 2:30 PM)."""
        return field_type(self.spec.type).input_text(self.value)


@dataclass
class ItemView:
    """One item of a repeating group."""

    index: int
    number: int
    prefix: str
    fields: list[FieldView]
    can_remove: bool


def page_fields(
    form: FormSpec,
    page: PageSpec,
    answers: Mapping[str, Any],
    errors: Iterable[AnswerError],
    today: date,
    calendar: BusinessCalendar | None = None,
) -> list[FieldView]:
    """Return the fields of a page to render, skipping those hidden by earlier pages."""
    by_path: dict[str, str] = {}
    for error in errors:
        by_path.setdefault(error.path, error.message)
    here = {f.id for f in page.fields}
    # Decide by the answers that count: one hidden through a hidden field hides too.
    shown = visible_answers(form, answers, Context(answers, today, None, calendar))
    ctx = Context(shown, today, None, calendar)
    views = []
    for spec in page.fields:
        if spec.show_if is not None and not (spec.show_if.refs() & here):
            # Decided by answers on earlier pages: the server knows, so it just omits it.
            if not is_shown(spec, ctx):
                continue
            views.append(_view(spec, spec.id, answers.get(spec.id), by_path, None, None))
            if spec.is_group:
                _fill_items(views[-1], answers.get(spec.id), by_path)
            continue
        view = _view(spec, spec.id, answers.get(spec.id), by_path, spec.show_if, None)
        if spec.is_group:
            _fill_items(view, answers.get(spec.id), by_path)
        views.append(view)
    return views


def _view(
    spec: FieldSpec,
    name: str,
    value: Any,
    errors: Mapping[str, str],
    condition: Any,
    prefix: str | None,
) -> FieldView:
    view = FieldView(
        spec=spec,
        name=name,
        id=f"f-{name}",
        value=value,
        error=errors.get(name),
        item_prefix=prefix,
    )
    if condition is not None:
        view.show_if = json.dumps(condition.to_json(), separators=(",", ":"))
        view.only_if = condition.describe()
    if spec.is_group and spec.repeat is None and errors.get(name):
        view.error = errors[name]
    for part in field_type(spec.type).parts:
        if f"{name}-{part}" in errors:
            view.part_errors[part] = errors[f"{name}-{part}"]
    return view


def _fill_items(view: FieldView, value: Any, errors: Mapping[str, str]) -> None:
    spec = view.spec
    items = value if isinstance(value, list) else []
    repeat = spec.repeat
    minimum = repeat.min if repeat else 1
    maximum = repeat.max if repeat else 1
    while len(items) < max(minimum, 1):
        items = [*items, {}]
    for index, item in enumerate(items):
        prefix = f"{spec.id}-{index}-"
        subs = []
        for sub in spec.fields:
            name = input_name(sub.id, spec.id, index)
            subs.append(
                _view(
                    sub,
                    name,
                    item.get(sub.id) if isinstance(item, dict) else None,
                    errors,
                    sub.show_if,
                    prefix,
                )
            )
        view.items.append(ItemView(index, index + 1, prefix, subs, len(items) > minimum))
    view.can_add = len(items) < maximum


@dataclass(frozen=True)
class AnswerRow:
    """One line of a check-your-answers list."""

    label: str
    value: str
    page: str
    anchor: str
    items: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] = ()


def answer_rows(
    form: FormSpec,
    answers: Mapping[str, Any],
    today: date,
    calendar: BusinessCalendar | None = None,
) -> list[tuple[PageSpec, list[AnswerRow]]]:
    """Return each page with the rows of its shown answers, for check-your-answers pages."""
    answers = visible_answers(form, answers, Context(answers, today, None, calendar))
    ctx = Context(answers, today, None, calendar)
    result = []
    for page in form.pages:
        rows = []
        for spec in page.fields:
            if not is_shown(spec, ctx):
                continue
            value = answers.get(spec.id)
            if spec.is_group:
                items = []
                for number, item in enumerate(value if isinstance(value, list) else [], 1):
                    item_ctx = Context(answers, today, item, calendar)
                    pairs = tuple(
                        (sub.label, display_value(sub, item.get(sub.id)))
                        for sub in spec.fields
                        if is_shown(sub, item_ctx)
                    )
                    label = spec.repeat.item_label if spec.repeat else spec.label
                    items.append((f"{label} {number}", pairs))
                rows.append(AnswerRow(spec.label, "", page.id, f"f-{spec.id}", tuple(items)))
            else:
                rows.append(
                    AnswerRow(spec.label, display_value(spec, value), page.id, f"f-{spec.id}")
                )
        result.append((page, rows))
    return result


def diff_rows(
    form: FormSpec, before: Mapping[str, Any], after: Mapping[str, Any]
) -> list[tuple[str, str, str]]:
    """Return (label, before, after) for every top-level answer that changed."""
    rows = []
    for spec in form.fields():
        old, new = before.get(spec.id), after.get(spec.id)
        if old == new:
            continue
        rows.append((spec.label, _flat(spec, old), _flat(spec, new)))
    return rows


def _flat(spec: FieldSpec, value: Any) -> str:
    if spec.is_group and isinstance(value, list):
        parts = []
        for number, item in enumerate(value, 1):
            inner = "; ".join(
                f"{sub.label}: {display_value(sub, item.get(sub.id))}"
                for sub in spec.fields
                if isinstance(item, dict) and item.get(sub.id) not in (None, "")
            )
            parts.append(f"{number}. {inner}")
        return " | ".join(parts)
    return display_value(spec, value)
