"""date: a day, entered with the browser's date picker and stored as "YYYY-MM-DD"."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class Date(FieldType):
    """A day of the calendar."""

    name = "date"
    kind = "date"
    family = "date"
    messages = {"required": "Enter a date for “{label}”.", "type": "“{label}” must be a real date."}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return a string schema in the date format (checked by the validator)."""
        return {"type": "string", "format": "date"}

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Write the date like 31 January 2026 (a stored text that is no date stays as is)."""
        if not isinstance(value, str):
            return str(value)
        try:
            return date.fromisoformat(value).strftime("%-d %B %Y")
        except ValueError:
            return value

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be a YAML date."""
        return None if isinstance(value, date) else "a date written like 2026-01-31"

    def stored(self, value: Any) -> Any:
        """Answers are JSON: a date is stored as its text."""
        return value.isoformat() if isinstance(value, date) else value


TYPE = Date()
