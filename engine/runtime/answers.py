"""Answers: turning posted form text into typed values, and deciding what is shown.

Answers are a dict keyed by top-level field id. Values are str, int, float, bool,
'YYYY-MM-DD' strings for dates, lists of option values for multiple choice, and lists of
item dicts for repeating groups. A value the applicant typed that cannot be converted
(say "twelve" in a whole-number field) is kept as the raw text, so the page can show it
again and validation can say what is wrong.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from engine.spec.conditions import BusinessCalendar, Context
from engine.spec.fields import FormData, field_type
from engine.spec.model import FieldSpec, FormSpec

# ASCII digits only (\d also takes "²" and other scripts' digits), and few of them.
_ITEM_KEY = re.compile(
    r"^(?P<group>[a-z][a-z0-9_]*)-(?P<index>[0-9]{1,4})-(?P<sub>[a-z][a-z0-9_]*)$"
)
# Items read of a group that declares no maximum: more is no form anyone fills in.
MAX_ITEMS = 200
# The longest text kept of an answer whose field declares no maximum length.
MAX_TEXT = 20_000


def input_name(field_id: str, group: str | None = None, index: int | None = None) -> str:
    """Return the HTML name of a field, e.g. 'legal_name' or 'other_users-0-email'."""
    return field_id if group is None else f"{group}-{index}-{field_id}"


def is_blank(value: Any) -> bool:
    """Tell whether a value counts as not answered."""
    return value is None or value == "" or value == []


def coerce(spec: FieldSpec, form: FormData, name: str) -> Any:
    """Read one non-group field from posted data and convert it to its stored type."""
    return field_type(spec.type).coerce(spec, form, name)


def group_indexes(form: FormData, group: str, limit: int = MAX_ITEMS) -> list[int]:
    """Return the item indexes of a repeating group present in posted data, in order.

    At most `limit` are read: a draft is never bigger than its form allows.
    """
    found = set()
    for key in form.keys():
        match = _ITEM_KEY.match(key)
        if match and match["group"] == group:
            found.add(int(match["index"]))
    for raw in form.getlist(f"{group}-items"):
        text = str(raw)
        if text.isascii() and text.isdigit() and len(text) <= 4:
            found.add(int(text))
    return sorted(found)[:limit]


def too_long(fields: Iterable[FieldSpec], values: Mapping[str, Any]) -> dict[str, int]:
    """Return the inputs whose text is longer than its field allows, with the maximum."""
    found: dict[str, int] = {}
    for spec in fields:
        value = values.get(spec.id)
        if spec.is_group and isinstance(value, list):
            for index, item in enumerate(value):
                for sub in spec.fields:
                    limit = sub.max_length or MAX_TEXT
                    text = item.get(sub.id) if isinstance(item, Mapping) else None
                    if isinstance(text, str) and len(text) > limit:
                        found[input_name(sub.id, spec.id, index)] = limit
        elif isinstance(value, str) and len(value) > (spec.max_length or MAX_TEXT):
            found[spec.id] = spec.max_length or MAX_TEXT
    return found


def read_page(fields: Iterable[FieldSpec], form: FormData) -> dict[str, Any]:
    """Read every field of a page from posted data; groups become lists of item dicts."""
    values: dict[str, Any] = {}
    for spec in fields:
        if spec.is_group:
            items = []
            limit = spec.repeat.max if spec.repeat else MAX_ITEMS
            for index in group_indexes(form, spec.id, limit):
                items.append(
                    {
                        sub.id: coerce(sub, form, input_name(sub.id, spec.id, index))
                        for sub in spec.fields
                    }
                )
            values[spec.id] = [_compact(item) for item in items]
        else:
            values[spec.id] = coerce(spec, form, spec.id)
    return values


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}


def without_blanks(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Return answers with blank values (None, "", []) left out, inside group items too."""
    kept: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, list) and value and all(isinstance(i, Mapping) for i in value):
            value = [{k: v for k, v in i.items() if not is_blank(v)} for i in value]
        if not is_blank(value):
            kept[key] = value
    return kept


def merge(answers: Mapping[str, Any], page_values: Mapping[str, Any]) -> dict[str, Any]:
    """Return answers with one page's values laid over them; blanks remove the answer."""
    merged = dict(answers)
    for key, value in page_values.items():
        if value is None:
            merged.pop(key, None)
        else:
            merged[key] = value
    return merged


def drop_blank_items(form: FormSpec, answers: Mapping[str, Any]) -> dict[str, Any]:
    """Remove wholly empty items of repeating groups beyond each group's minimum."""
    result = dict(answers)
    for spec in form.fields():
        items = result.get(spec.id)
        if spec.is_group and isinstance(items, list):
            kept = [i for i in items if any(not is_blank(v) for v in i.values())]
            minimum = spec.repeat.min if spec.repeat else 0
            while len(kept) < min(minimum, len(items)):
                kept.append({})
            result[spec.id] = kept
    return result


def is_shown(spec: FieldSpec, ctx: Context) -> bool:
    """Tell whether a field is shown: no show_if, or its show_if holds."""
    return spec.show_if is None or spec.show_if.evaluate(ctx) is True


def is_required(spec: FieldSpec, ctx: Context) -> bool:
    """Tell whether a shown field must be answered now."""
    if spec.required:
        return True
    return spec.require_if is not None and spec.require_if.evaluate(ctx) is True


def visible_answers(
    form: FormSpec, answers: Mapping[str, Any], ctx_base: Context
) -> dict[str, Any]:
    """Return only the answers of fields that are shown, item by item for groups.

    Fields are visited in page order, so a field hidden because of an earlier hidden
    field disappears too.
    """
    kept: dict[str, Any] = {}
    for spec in form.fields():
        ctx = Context(kept, ctx_base.today, None, ctx_base.calendar)
        if spec.id not in answers or not is_shown(spec, ctx):
            continue
        value = answers[spec.id]
        if spec.is_group and isinstance(value, list):
            items = []
            for item in value:
                if not isinstance(item, Mapping):
                    continue
                kept_item: dict[str, Any] = {}
                for sub in spec.fields:
                    # Siblings anywhere in the item may steer a sub-field's visibility.
                    sub_ctx = Context(kept, ctx_base.today, dict(item), ctx_base.calendar)
                    if sub.id in item and is_shown(sub, sub_ctx):
                        kept_item[sub.id] = item[sub.id]
                items.append(kept_item)
            value = items
        kept[spec.id] = value
    return kept


def answers_that_count(
    form: FormSpec,
    answers: Mapping[str, Any],
    today: date,
    calendar: BusinessCalendar | None = None,
) -> dict[str, Any]:
    """Return the answers guards and rules judge: shown fields only, blanks left out."""
    answers = without_blanks(answers)
    return visible_answers(form, answers, Context(answers, today, None, calendar))


def display_value(spec: FieldSpec, value: Any) -> str:
    """Return an answer as an applicant or reviewer reads it."""
    if is_blank(value):
        return ""
    return field_type(spec.type).display(spec, value)
