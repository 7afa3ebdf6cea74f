"""decimal: a number that may have decimals."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from engine.spec.fields.number_like import NumberLike, is_number

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class Decimal(NumberLike):
    """A number like 1.5; "1,234.5" is read as 1234.5."""

    name = "decimal"
    family = "decimal"
    messages = {"type": "“{label}” must be a number, like 1.5."}

    def read(self, spec: FieldSpec, text: str) -> Any:
        """Return the number (whole when written without a point), or the text."""
        cleaned = text.replace(",", "")
        try:
            number = float(cleaned)
        except ValueError:
            return text
        if not math.isfinite(number):
            # "nan" and "inf" parse as floats but are not answers (and JSONB refuses them).
            return text
        return int(number) if number.is_integer() and "." not in cleaned else number

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be a number."""
        return None if is_number(value) else "a number"


TYPE = Decimal()
