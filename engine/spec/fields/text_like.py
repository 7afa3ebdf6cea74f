"""What the one-line and paragraph text types share: length limits and a pattern."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import QUESTION_KEYS, FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

TEXT_KEYS = QUESTION_KEYS | {"min_length", "max_length", "pattern"}


class TextLike(FieldType):
    """Text, with the shape some kinds of text must have (an email address, a web address)."""

    family = "text"
    keys = TEXT_KEYS

    def __init__(
        self,
        name: str,
        *,
        max_length: int = 500,
        pattern: str | None = None,
        messages: Mapping[str, str] | None = None,
    ) -> None:
        self.name = name
        # Bounded by default so nobody can store megabytes in a one-line answer.
        self.max_length = max_length
        self.pattern = pattern
        self.messages = MappingProxyType(dict(messages or {}))

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return a string schema with the field's limits, or the type's own pattern."""
        schema: dict[str, Any] = {"type": "string"}
        pattern = self.pattern
        if spec.pattern:
            # Staff write the shape of the whole answer; JSON Schema would match any part.
            pattern = f"^(?:{spec.pattern})$"
        if pattern:
            schema["pattern"] = pattern
        if spec.min_length is not None:
            schema["minLength"] = spec.min_length
        schema["maxLength"] = spec.max_length if spec.max_length is not None else self.max_length
        return schema
