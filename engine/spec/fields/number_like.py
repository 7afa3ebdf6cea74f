"""What the number types share: a range and a step, and thousands separators when typed."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import QUESTION_KEYS, FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

NUMBER_KEYS = QUESTION_KEYS | {"min", "max", "step"}


def is_number(value: Any) -> bool:
    """Tell whether a YAML value is a number (true and false are not)."""
    return isinstance(value, int | float) and not isinstance(value, bool)


def is_whole(value: float) -> bool:
    """Tell whether a number has nothing after the decimal point."""
    return float(value).is_integer()


class NumberLike(FieldType):
    """A number answer, typed as text and stored as a JSON number."""

    kind = "number"
    keys = NUMBER_KEYS
    json_type = "number"

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return a number schema with the field's range."""
        schema: dict[str, Any] = {"type": self.json_type}
        if spec.minimum is not None:
            schema["minimum"] = spec.minimum
        if spec.maximum is not None:
            schema["maximum"] = spec.maximum
        return schema
