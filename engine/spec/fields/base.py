"""What a field type declares: everything the engine does differently for one type of question.

A type says how its answer is checked (a JSON Schema), read from a posted form, shown as
text, seen by conditions (its kind) and what its `default:` may be. Each type lives in
its own module of this package, with its template in templates/fields/<name>.html.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

_NONE: Mapping[str, str] = MappingProxyType({})
# The keys every question (but a group) may have besides the common ones.
QUESTION_KEYS = frozenset({"default", "autocomplete"})


class FormData(Protocol):
    """What a posted form offers (werkzeug's MultiDict satisfies it)."""

    def get(self, key: str) -> Any:
        """Return the first value for key, or None."""
        ...

    def getlist(self, key: str) -> list[Any]:
        """Return every value for key."""
        ...

    def keys(self) -> Iterable[str]:
        """Return the posted names."""
        ...


class FieldType:
    """One type of question. Subclasses override what differs from one line of text."""

    # The word written after `type:` in a form file.
    name: str = ""
    # The kind of value conditions see (see engine/spec/conditions.py).
    kind: str = "text"
    # How lint messages name fields of this type; kin share one ("text" for email too).
    family: str = ""
    # The type-specific keys a field of this type may have (see _ONLY_FOR in build_form).
    keys: frozenset[str] = QUESTION_KEYS
    # This type's wording of standard messages, by rule ({label} and {limit} filled in).
    messages: Mapping[str, str] = _NONE
    # JSON Schema keywords whose failure means another rule for this type than usual.
    schema_rules: Mapping[str, str] = _NONE
    # The parts of an answer made of parts (an address); each is its own input.
    parts: tuple[str, ...] = ()

    @property
    def template(self) -> str:
        """Return the template that renders a field of this type."""
        return f"fields/{self.name}.html"

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return the JSON Schema of one answer."""
        return {"type": "string"}

    def coerce(self, spec: FieldSpec, form: FormData, name: str) -> Any:
        """Read the answer posted under `name` and convert it to the type it is stored as."""
        raw = form.get(name)
        if raw is None:
            return None
        text = str(raw).strip()
        return None if text == "" else self.read(spec, text)

    def read(self, spec: FieldSpec, text: str) -> Any:
        """Convert typed text (trimmed, not empty); text that does not convert stays as is."""
        return text

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Return a (non-blank) answer as an applicant or reviewer reads it."""
        return str(value)

    def input_text(self, value: Any) -> str:
        """Return an answer as its input shows it again."""
        return "" if value is None else str(value)

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """Say what a `default:` (or an upgrade's answer) must be, or None when it fits."""
        return None if isinstance(value, str) else "text"

    def stored(self, value: Any) -> Any:
        """Return a value written in YAML (that fits) as an answer stores it."""
        return value

    def key_problems(self, raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
        """Return (key, message) for each key of a field's YAML this type cannot take."""
        return ()

    def part_message(self, spec: FieldSpec, part: str, rule: str, limit: object) -> str:
        """Return the message for a broken rule of one part of the answer."""
        raise NotImplementedError(f"a {self.name} answer has no parts")
