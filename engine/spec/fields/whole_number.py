"""whole_number: a number without decimals."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from engine.spec.fields.number_like import NumberLike, is_number, is_whole

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class WholeNumber(NumberLike):
    """A whole number, like 12; "1,200" is read as 1200."""

    name = "whole_number"
    family = "whole number"
    json_type = "integer"
    messages = {"type": "“{label}” must be a whole number, like 12."}

    def read(self, spec: FieldSpec, text: str) -> Any:
        """Return the number, or the text when it is not a whole number."""
        cleaned = text.replace(",", "")
        return int(cleaned) if re.fullmatch(r"[-+]?\d+", cleaned) else text

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be a whole number."""
        return None if is_number(value) and is_whole(value) else "a whole number"

    def key_problems(self, raw: Mapping[str, Any]) -> Iterable[tuple[str, str]]:
        """Its range and step must be whole numbers too."""
        for key in ("min", "max", "step"):
            if key in raw and not is_whole(raw[key]):
                yield key, f"'{key}' must be a whole number here"


TYPE = WholeNumber()
