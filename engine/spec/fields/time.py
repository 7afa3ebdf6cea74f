"""time: a time of day, typed the way people in the US write it ("9:00 AM", "9am",
"2:30 pm", "14:30") and stored on the 24-hour clock ("14:30")."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType
from engine.spec.time_of_day import canonical, format_time, parse_time

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec

# What answers store: hours 00-23 and minutes, zero-padded, so that text order is time order.
STORED_PATTERN = r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$"


class Time(FieldType):
    """A time of day; conditions compare times with before and after."""

    name = "time"
    kind = "time"
    family = "time"
    messages = {
        "required": "Enter a time for “{label}”.",
        "type": "Enter a time like 9:00 AM for “{label}”.",
    }
    # Typed text that is no time stays as typed and fails the stored pattern: a wrong type.
    schema_rules = {"pattern": "type"}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return a string schema in the stored "HH:MM" shape."""
        return {"type": "string", "pattern": STORED_PATTERN}

    def read(self, spec: FieldSpec, text: str) -> Any:
        """Return the time as "HH:MM", or the text when it is not a time."""
        value = parse_time(text)
        return text if value is None else canonical(value)

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Write the time like 2:30 PM (a stored text that is no time stays as is)."""
        parsed = parse_time(value)
        return format_time(parsed) if parsed is not None else str(value)

    def input_text(self, value: Any) -> str:
        """Show a stored time again the way people type it, 2:30 PM."""
        parsed = parse_time(value)
        if parsed is None:
            return "" if value is None else str(value)
        return format_time(parsed)

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be a time written in quotes (unquoted, YAML reads 9:30 as a number)."""
        fits = isinstance(value, str) and parse_time(value) is not None
        return None if fits else "a time in quotes, like '9:00 AM' or '14:30'"

    def stored(self, value: Any) -> Any:
        """Store a written time as "HH:MM"."""
        parsed = parse_time(value)
        return canonical(parsed) if parsed is not None else value


TYPE = Time()
