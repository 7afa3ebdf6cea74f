"""Turn a form file that passed the meta-schema into a frozen FormSpec, checking what the
schema cannot: unique ids, keys that only apply to some field types, ranges, patterns,
conditions (with the form's fields in scope) and the order of pages."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any

from engine.spec.conditions import Condition, ConditionInvalid, RefInfo, Scope, parse_condition
from engine.spec.conditions_nodes import ORDERED_KINDS
from engine.spec.errors import DefinitionError
from engine.spec.fields import FIELD_TYPES, field_type
from engine.spec.model import FieldSpec, FormSpec, Option, PageSpec, Repeat, Rule
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source

KIND_OF_TYPE: Mapping[str, str] = MappingProxyType({n: t.kind for n, t in FIELD_TYPES.items()})
REPEAT_DEFAULTS = {"min": 1, "max": 20, "add_label": "Add another"}


def _applies_to(types: tuple[str, ...]) -> str:
    """Name the fields a key applies to, the way its lint message says it."""
    if types == ("group",):
        return "groups"
    if set(types) == set(FIELD_TYPES) - {"group"}:
        return "questions, not groups"
    families = list(dict.fromkeys(FIELD_TYPES[t].family for t in types))
    named = families[0] if len(families) == 1 else ", ".join(families[:-1]) + " and " + families[-1]
    return f"{named} fields"


def _only_for() -> dict[str, tuple[tuple[str, ...], str]]:
    found = {}
    for key in sorted({k for t in FIELD_TYPES.values() for k in t.keys}):
        types = tuple(n for n, t in FIELD_TYPES.items() if key in t.keys)
        found[key] = (types, _applies_to(types))
    return found


# key -> (the field types it applies to, how to name those types in a message)
_ONLY_FOR: Mapping[str, tuple[tuple[str, ...], str]] = MappingProxyType(_only_for())
# Messages for these rules need the field to set the key of the same name.
_CHECK_KEYS = ("min_length", "max_length", "pattern", "min", "max", "step")
_AGGREGATES = ("first", "last", "min", "max")


def form_scope(fields: Iterable[FieldSpec]) -> dict[str, RefInfo]:
    """Return every reference conditions may make to these top-level fields."""
    refs: dict[str, RefInfo] = {}
    for spec in fields:
        refs[spec.id] = ref_info(spec, spec.label)
        for sub in spec.fields:
            sub_kind = KIND_OF_TYPE[sub.type]
            for how in _AGGREGATES:
                if how in ("min", "max") and sub_kind not in ORDERED_KINDS:
                    continue
                refs[f"{spec.id}.{how}.{sub.id}"] = ref_info(
                    sub, f"{spec.label} ({how}) {sub.label}"
                )
    return refs


def ref_info(spec: FieldSpec, label: str) -> RefInfo:
    """Describe one field for conditions: its kind of value, a label and its options."""
    options = MappingProxyType({o.value: o.label for o in spec.options}) if spec.options else None
    return RefInfo(KIND_OF_TYPE[spec.type], label, options)


def parse_located(
    source: Source, raw: Any, path: JsonPath, scope: Scope, errors: list[DefinitionError]
) -> Condition | None:
    """Parse a condition written at `path`; add each of its problems, located, to errors."""
    try:
        return parse_condition(raw, scope)
    except ConditionInvalid as exc:
        for inner, message in exc.problems:
            where = (*path, *inner)
            # A problem that names the key it ends at ("'after' compares dates ...",
            # "unknown condition 'feld'") is about that key, not about the value under it.
            about_key = bool(inner) and f"'{inner[-1]}'" in message
            errors.append(
                source.key_error(where, message) if about_key else source.error(where, message)
            )
        return None


@dataclass(frozen=True)
class FormBuild:
    """A built form and its problems. With problems the spec is partial (some conditions
    left out) but its fields are complete, so workflows can still check their guards."""

    spec: FormSpec | None
    errors: list[DefinitionError]


def build_form(source: Source) -> FormBuild:
    """Build a FormSpec from a form file that passed the meta-schema."""
    return _FormBuilder(source).build()


class _FormBuilder:
    """Two passes: fields without conditions first (they make up the scope), then the
    conditions and rules, parsed against that scope."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self.data: Mapping[str, Any] = source.data
        self.errors: list[DefinitionError] = []

    def build(self) -> FormBuild:
        """Build the spec, collecting every problem on the way."""
        pages = tuple(self._page(raw, ("pages", i)) for i, raw in enumerate(self.data["pages"]))
        self._check_unique_ids(pages)
        scope = Scope(MappingProxyType(form_scope(f for p in pages for f in p.fields)))
        page_of = {f.id: n for n, p in enumerate(pages) for f in p.fields}
        pages = tuple(
            replace(
                page,
                fields=tuple(
                    self._conditions(f, ("pages", n, "fields", i), scope, page_of, n)
                    for i, f in enumerate(page.fields)
                ),
            )
            for n, page in enumerate(pages)
        )
        rules = self._rules(self.data.get("rules", []), ("rules",), scope, set(page_of), None)
        spec = FormSpec(
            name=self.data["form"],
            title=self.data["title"],
            pages=pages,
            version=self.source.version,
            source=self.source.text,
            description=self.data.get("description"),
            rules=rules,
            where=self.source.at(()),
        )
        return FormBuild(spec, self.errors)

    def error(self, path: JsonPath, message: str, *, at_key: bool = False) -> None:
        """Record a problem at the value (or the key) at this path."""
        make = self.source.key_error if at_key else self.source.error
        self.errors.append(make(path, message))

    # -- pass 1: pages and fields ------------------------------------------------------

    def _page(self, raw: Mapping[str, Any], path: JsonPath) -> PageSpec:
        fields = tuple(
            self._field(f, (*path, "fields", i), in_group=False)
            for i, f in enumerate(raw["fields"])
        )
        return PageSpec(raw["id"], raw["title"], fields, raw.get("intro"), self.source.at(path))

    def _field(self, raw: Mapping[str, Any], path: JsonPath, *, in_group: bool) -> FieldSpec:
        kind = raw["type"]
        ftype = field_type(kind)
        for key in raw:
            allowed, which = _ONLY_FOR.get(key, (None, ""))
            if allowed is not None and kind not in allowed:
                self.error((*path, key), f"'{key}' only applies to {which}", at_key=True)
        if kind == "group" and in_group:
            self.error((*path, "type"), "a group cannot hold another group")
        if "options" in ftype.keys and "options" not in raw:
            self.error(path, f"a {kind.replace('_', ' ')} field needs 'options'")
        if kind == "group" and "fields" not in raw:
            self.error(path, "a group needs 'fields': the questions asked for each item")
        if raw.get("required") is True and "require_if" in raw:
            self.error(
                (*path, "require_if"), "use 'required: true' or 'require_if', not both", at_key=True
            )
        self._check_range(raw, path, "min", "max")
        self._check_range(raw, path, "min_length", "max_length")
        for key, message in ftype.key_problems(raw):
            self.error((*path, key), message)
        self._check_pattern(raw, path)
        self._check_messages(raw, path, kind)
        options = tuple(Option(str(v), label) for v, label in raw.get("options", {}).items())
        self._check_default(raw, path, kind, options)
        subfields: tuple[FieldSpec, ...] = ()
        if kind == "group" and not in_group:
            subfields = tuple(
                self._field(f, (*path, "fields", i), in_group=True)
                for i, f in enumerate(raw.get("fields", []))
            )
            self._check_unique(subfields, (*path, "fields"), f"the group '{raw['id']}'")
        return FieldSpec(
            id=raw["id"],
            type=kind,
            label=raw["label"],
            hint=raw.get("hint"),
            required=raw.get("required", False),
            min_length=raw.get("min_length"),
            max_length=raw.get("max_length"),
            minimum=_number(raw.get("min")),
            maximum=_number(raw.get("max")),
            step=_number(raw.get("step")),
            pattern=raw.get("pattern"),
            options=options,
            widget=raw.get("widget", "radio") if "widget" in ftype.keys else None,
            default=raw.get("default"),
            autocomplete=raw.get("autocomplete"),
            messages=MappingProxyType(dict(raw.get("messages", {}))),
            fields=subfields,
            repeat=self._repeat(raw, path) if kind == "group" else None,
            where=self.source.at(path),
        )

    def _check_range(self, raw: Mapping[str, Any], path: JsonPath, low: str, high: str) -> None:
        if low in raw and high in raw and raw[low] > raw[high]:
            self.error((*path, low), f"'{low}' ({raw[low]}) is more than '{high}' ({raw[high]})")

    def _check_pattern(self, raw: Mapping[str, Any], path: JsonPath) -> None:
        if "pattern" not in raw:
            return
        try:
            re.compile(raw["pattern"])
        except re.error as exc:
            where = f" at character {exc.pos + 1}" if exc.pos is not None else ""
            self.error(
                (*path, "pattern"),
                f"the pattern is not a valid regular expression: {exc.msg}{where}",
            )

    def _check_messages(self, raw: Mapping[str, Any], path: JsonPath, kind: str) -> None:
        """A message for a check the field never makes would never be shown: a mistake."""
        for rule in raw.get("messages", {}):
            if rule in _CHECK_KEYS and rule not in raw:
                self.error(
                    (*path, "messages", rule),
                    f"there is a message for '{rule}', but the field has no '{rule}'",
                    at_key=True,
                )
            elif rule == "option" and "options" not in field_type(kind).keys:
                self.error(
                    (*path, "messages", rule),
                    "a message for 'option' only applies to choice and multiple choice fields",
                    at_key=True,
                )

    def _check_default(
        self, raw: Mapping[str, Any], path: JsonPath, kind: str, options: tuple[Option, ...]
    ) -> None:
        if "default" not in raw or kind == "group":
            return
        value = raw["default"]
        values = [o.value for o in options]
        wanted = value_problem(kind, value, values)
        if wanted is None:
            return
        strays = [v for v in (value if isinstance(value, list) else [value]) if v not in values]
        if "options" in field_type(kind).keys and values and strays and isinstance(strays[0], str):
            self.error(
                (*path, "default"),
                f"the default '{strays[0]}' is not one of the options"
                f"{did_you_mean(strays[0], values)}",
            )
        else:
            self.error(
                (*path, "default"), f"the default of {_a(_noun(kind))} field must be {wanted}"
            )

    def _repeat(self, raw: Mapping[str, Any], path: JsonPath) -> Repeat:
        given = raw.get("repeat", {})
        settings = {**REPEAT_DEFAULTS, "item_label": raw["label"], **given}
        if settings["min"] > settings["max"]:
            at = "min" if "min" in given else "max"
            self.error(
                (*path, "repeat", at),
                f"'repeat' allows at least {settings['min']} but at most {settings['max']} items",
            )
        return Repeat(
            settings["min"], settings["max"], settings["add_label"], settings["item_label"]
        )

    def _check_unique_ids(self, pages: tuple[PageSpec, ...]) -> None:
        seen: dict[str, int] = {}
        for n, page in enumerate(pages):
            if page.id in seen:
                first = seen[page.id]
                self.error(
                    ("pages", n, "id"),
                    f"another page (on line {self._line(('pages', first, 'id'))}) "
                    f"already has the id '{page.id}'",
                )
            seen.setdefault(page.id, n)
        top: dict[str, JsonPath] = {}
        for n, page in enumerate(pages):
            for i, spec in enumerate(page.fields):
                path: JsonPath = ("pages", n, "fields", i)
                if spec.id in top:
                    self.error(
                        (*path, "id"),
                        f"another field (on line {self._line((*top[spec.id], 'id'))}) "
                        f"already has the id '{spec.id}'",
                    )
                top.setdefault(spec.id, path)

    def _check_unique(self, fields: tuple[FieldSpec, ...], path: JsonPath, where: str) -> None:
        seen: dict[str, int] = {}
        for i, spec in enumerate(fields):
            if spec.id in seen:
                self.error(
                    (*path, i, "id"),
                    f"another field of {where} (on line "
                    f"{self._line((*path, seen[spec.id], 'id'))}) already has the id "
                    f"'{spec.id}'",
                )
            seen.setdefault(spec.id, i)

    def _line(self, path: JsonPath) -> int:
        return self.source.at(path).line

    # -- pass 2: conditions and rules ---------------------------------------------------

    def _conditions(
        self, spec: FieldSpec, path: JsonPath, scope: Scope, page_of: Mapping[str, int], page: int
    ) -> FieldSpec:
        raw = self._raw(path)
        show_if = self._field_condition(spec, raw, path, "show_if", scope, page_of, page, None)
        require_if = self._field_condition(
            spec, raw, path, "require_if", scope, page_of, page, None
        )
        if not spec.is_group:
            return replace(spec, show_if=show_if, require_if=require_if)
        item_refs = MappingProxyType({s.id: ref_info(s, s.label) for s in spec.fields})
        item_scope = Scope(scope.fields, item_refs)
        subfields = tuple(
            replace(
                sub,
                show_if=self._field_condition(
                    sub,
                    raw["fields"][i],
                    (*path, "fields", i),
                    "show_if",
                    item_scope,
                    page_of,
                    page,
                    spec,
                ),
                require_if=self._field_condition(
                    sub,
                    raw["fields"][i],
                    (*path, "fields", i),
                    "require_if",
                    item_scope,
                    page_of,
                    page,
                    spec,
                ),
            )
            for i, sub in enumerate(spec.fields)
        )
        rules = self._rules(
            raw.get("rules", []), (*path, "rules"), item_scope, set(item_refs), spec
        )
        return replace(spec, show_if=show_if, require_if=require_if, fields=subfields, rules=rules)

    def _field_condition(
        self,
        spec: FieldSpec,
        raw: Mapping[str, Any],
        path: JsonPath,
        key: str,
        scope: Scope,
        page_of: Mapping[str, int],
        page: int,
        group: FieldSpec | None,
    ) -> Condition | None:
        if key not in raw:
            return None
        where = (*path, key)
        condition = parse_located(self.source, raw[key], where, scope, self.errors)
        if condition is None:
            return None
        siblings = scope.item_fields or {}
        for ref in sorted(condition.refs()):
            at = _ref_path(raw[key], ref, where) or where
            # Inside an item a name means the sibling first, as the condition parser reads it;
            # siblings are always on the same page.
            if ref in siblings:
                if ref == spec.id:
                    self.error(at, f"the '{key}' of '{spec.id}' depends on '{spec.id}' itself")
                continue
            head = ref.split(".", 1)[0]
            if group is None and head == spec.id:
                self.error(at, f"the '{key}' of '{spec.id}' depends on '{spec.id}' itself")
            elif page_of.get(head, page) > page:
                later = self.data["pages"][page_of[head]]["title"]
                self.error(
                    at,
                    f"'{spec.id}' depends on '{head}', which is asked on a later page "
                    f"('{later}'); its answer is not known yet when this page is shown",
                )
        return condition

    def _rules(
        self,
        raws: list[Mapping[str, Any]],
        path: JsonPath,
        scope: Scope,
        field_ids: set[str],
        group: FieldSpec | None,
    ) -> tuple[Rule, ...]:
        rules = []
        for i, raw in enumerate(raws):
            where = (*path, i)
            if raw["field"] not in field_ids:
                owner = f"the group '{group.id}'" if group else "this form"
                self.error(
                    (*where, "field"),
                    f"there is no field '{raw['field']}' in {owner}"
                    f"{did_you_mean(raw['field'], sorted(field_ids))}",
                )
            check = parse_located(self.source, raw["check"], (*where, "check"), scope, self.errors)
            when = None
            if "when" in raw:
                when = parse_located(self.source, raw["when"], (*where, "when"), scope, self.errors)
            if check is not None:
                rules.append(Rule(check, raw["message"], raw["field"], when, self.source.at(where)))
        return tuple(rules)

    def _raw(self, path: JsonPath) -> Mapping[str, Any]:
        node: Any = self.data
        for step in path:
            node = node[step]
        result: Mapping[str, Any] = node
        return result


def _ref_path(raw: Any, ref: str, path: JsonPath) -> JsonPath | None:
    """Find where a field reference is written inside a condition, if it is."""
    if isinstance(raw, Mapping):
        if raw.get("field") == ref:
            return (*path, "field")
        children: Iterable[tuple[Any, Any]] = raw.items()
    elif isinstance(raw, list):
        children = enumerate(raw)
    else:
        return None
    for key, value in children:
        found = _ref_path(value, ref, (*path, key))
        if found:
            return found
    return None


def value_problem(kind: str, value: Any, options: list[str]) -> str | None:
    """Say what a default of this field type must be, or None when it fits."""
    return field_type(kind).default_problem(value, options)


def _number(value: Any) -> float | None:
    return None if value is None else float(value)


def _a(noun: str) -> str:
    return f"an {noun}" if noun[0] in "aeiou" else f"a {noun}"


def _noun(kind: str) -> str:
    return kind.replace("_", " ")
