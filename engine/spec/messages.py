"""Check raw definitions against the meta-schemas and say what is wrong in plain English.

The meta-schemas (schemas/*.schema.json) describe the shape of form and workflow files.
jsonschema's own wording ("Additional properties are not allowed ...") is written for
programmers; staff get one sentence per problem, located at the key or value it is about,
with "did you mean ...?" when a close name exists.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from engine.spec.action_kinds import action_properties
from engine.spec.errors import DefinitionError
from engine.spec.suggest import did_you_mean
from engine.spec.yaml_source import JsonPath, Source

_SCHEMA_DIR = Path(__file__).parent / "schemas"
_ID_PATTERN = "^[a-z][a-z0-9_]*$"
_BOOL_HINT = "YAML reads a bare yes, no, on, off, true or false as true/false"
_TYPE_WORDS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "array": "a list",
    "object": "a block of 'key: value' lines",
    "null": "empty",
}


@dataclass(frozen=True)
class SchemaProblem:
    """One shape problem: where it is (at the key, or at the value) and what to say."""

    path: JsonPath
    message: str
    at_key: bool = False


def meta_schema(kind: str) -> dict[str, Any]:
    """Return the meta-schema of a kind of file; a workflow's actions come from the action kinds."""
    schema: dict[str, Any] = json.loads(
        (_SCHEMA_DIR / f"{kind}.schema.json").read_text(encoding="utf-8")
    )
    if kind == "workflow":
        # One list of action kinds (engine.spec.action_kinds) gives what an action may hold.
        schema["$defs"]["action"]["properties"] = action_properties()
    return schema


@cache
def validator(kind: str) -> Draft202012Validator:
    """Return the compiled meta-schema validator for "form" or "workflow" (built once)."""
    return Draft202012Validator(meta_schema(kind))


def schema_errors(kind: str, source: Source) -> list[DefinitionError]:
    """Check a parsed file against its meta-schema; return every problem, located."""
    found: dict[tuple[JsonPath, str], DefinitionError] = {}
    for error in validator(kind).iter_errors(source.data):
        for problem in explain(error):
            make = source.key_error if problem.at_key else source.error
            # `required` reports each missing key once per key; keep one of each.
            found.setdefault((problem.path, problem.message), make(problem.path, problem.message))
    return sorted(found.values())


def explain(error: ValidationError) -> list[SchemaProblem]:
    """Turn one jsonschema error into plain-English problems (usually one)."""
    path: JsonPath = tuple(error.absolute_path)
    schema: Any = error.schema
    if isinstance(schema, Mapping) and error.validator in _OBJECT_RULES:
        return list(_OBJECT_RULES[error.validator](error, path, schema))
    if error.validator in ("anyOf", "oneOf"):
        return _explain_union(error, path)
    if "propertyNames" in error.relative_schema_path:
        # The instance is a key of the mapping at `path`, not a value.
        key_path = (*path, error.instance)
        return [SchemaProblem(key_path, _key_problem(error), at_key=True)]
    return [SchemaProblem(path, _value_problem(error, _name(path)))]


def _unknown_keys(
    error: ValidationError, path: JsonPath, schema: Mapping[str, Any]
) -> Iterator[SchemaProblem]:
    known = list(schema.get("properties", {}))
    what = schema.get("title", "this block")
    for key in error.instance:
        if key in known:
            continue
        if not isinstance(key, str):
            message = _odd_key(key)
        else:
            hint = did_you_mean(key, known) or f"; it can have: {', '.join(known)}"
            message = f"'{key}' is not a key {what} can have{hint}"
        yield SchemaProblem((*path, key), message, at_key=True)


def _missing_keys(
    error: ValidationError, path: JsonPath, schema: Mapping[str, Any]
) -> Iterator[SchemaProblem]:
    what = schema.get("title", "this block")
    written = [k for k in error.instance if isinstance(k, str)]
    unknown = [k for k in written if k not in schema.get("properties", {})]
    for key in error.validator_value:
        # A misspelt key already gets "did you mean"; saying it is missing too is noise.
        if key in written or difflib.get_close_matches(key, unknown, n=1, cutoff=0.6):
            continue
        yield SchemaProblem(path, f"{what} needs {_article(key)} '{key}'")


def _key_count(
    error: ValidationError, path: JsonPath, schema: Mapping[str, Any]
) -> Iterator[SchemaProblem]:
    name = _name(path)
    if schema.get("minProperties") == 1 and schema.get("maxProperties") == 1:
        choices = " or ".join(f"'{k}'" for k in schema.get("properties", {}))
        yield SchemaProblem(path, f"{name} needs exactly one of {choices}")
    elif error.validator == "minProperties":
        yield SchemaProblem(path, f"{name} needs at least one entry")
    else:
        yield SchemaProblem(path, f"{name} has too many entries")


_OBJECT_RULES = {
    "additionalProperties": _unknown_keys,
    "required": _missing_keys,
    "minProperties": _key_count,
    "maxProperties": _key_count,
}


def _explain_union(error: ValidationError, path: JsonPath) -> list[SchemaProblem]:
    """Explain "X or a list of X" by the alternative whose basic type fits the value."""
    branches: dict[int, list[ValidationError]] = {}
    for sub in error.context or []:
        branches.setdefault(int(sub.relative_schema_path[0]), []).append(sub)
    fitting = [
        subs
        for subs in branches.values()
        if not any(s.validator == "type" and not s.relative_path for s in subs)
    ]
    if fitting:
        # When several fit, the one that got deepest into the value explains it best.
        best = max(fitting, key=lambda subs: max(len(s.relative_path) for s in subs))
        return [problem for sub in best for problem in explain(sub)]
    kinds = [
        _expected(s.validator_value)
        for subs in branches.values()
        for s in subs
        if s.validator == "type" and not s.relative_path
    ]
    return [SchemaProblem(path, f"{_name(path)} must be {' or '.join(kinds)}")]


def _value_problem(error: ValidationError, name: str) -> str:
    rule, value, instance = error.validator, error.validator_value, error.instance
    if rule == "type":
        message = f"{name} must be {_expected(value)}"
        if isinstance(instance, bool) and value in ("string", "array"):
            message += f"; {_BOOL_HINT}, so put it in quotes"
        return message
    if rule == "enum":
        choices = ", ".join(str(v) for v in value)
        return f"{name} must be one of: {choices}{did_you_mean(instance, map(str, value))}"
    if rule == "pattern":
        return _pattern_problem(instance, value, name)
    if rule == "minLength":
        return f"{name} must not be empty"
    if rule == "minimum":
        return f"{name} must be at least {value}"
    if rule == "exclusiveMinimum":
        return f"{name} must be more than {value}"
    if rule == "maximum":
        return f"{name} must be at most {value}"
    if rule == "minItems":
        return f"{name} needs at least {_entries(value)}"
    if rule == "maxItems":
        return f"{name} can have at most {_entries(value)}"
    description = error.schema.get("description") if isinstance(error.schema, Mapping) else None
    return f"{name} is not written the right way" + (f": {description}" if description else "")


def _key_problem(error: ValidationError) -> str:
    key = error.instance
    if not isinstance(key, str):
        return _odd_key(key)
    if error.validator == "pattern":
        return _pattern_problem(key, error.validator_value, f"the key '{key}'")
    if error.validator == "minLength":
        return "a key here is empty"
    return f"the key '{key}' is not allowed here"


def _pattern_problem(value: object, pattern: object, name: str) -> str:
    if pattern == _ID_PATTERN and isinstance(value, str):
        suggestion = re.sub(r"[^a-z0-9]+", "_", value.lower()).strip("_")
        hint = f"; did you mean '{suggestion}'?" if re.fullmatch(_ID_PATTERN, suggestion) else ""
        return (
            f"'{value}' is not a valid id: use only lower-case letters, digits and '_', "
            f"starting with a letter{hint}"
        )
    return f"{name} is not written the right way"


def _name(path: Sequence[str | int]) -> str:
    """Name the thing at a path for a sentence: 'label', or item 2 of 'fields'."""
    if not path:
        return "the file"
    last = path[-1]
    if not isinstance(last, str | int) or isinstance(last, bool):
        return "this value"  # under a key YAML did not read as text; that key is reported
    if isinstance(last, int):
        owner = next((p for p in reversed(path) if isinstance(p, str)), None)
        return f"item {last + 1} of '{owner}'" if owner else f"item {last + 1}"
    return f"'{last}'"


def _expected(types: object) -> str:
    names = [types] if isinstance(types, str) else list(types) if isinstance(types, list) else []
    return " or ".join(_TYPE_WORDS.get(str(t), str(t)) for t in names)


def _odd_key(key: object) -> str:
    """Explain a key that YAML did not read as text (yes, no, 12, 2026-01-31)."""
    if isinstance(key, bool):
        return f"this key is read as true/false: {_BOOL_HINT}, so put it in quotes"
    what = "a date" if isinstance(key, date) else "a number" if isinstance(key, int | float) else ""
    return f"this key is read as {what or 'something other than text'}; put it in quotes"


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _entries(count: object) -> str:
    return "one entry" if count == 1 else f"{count} entries"
