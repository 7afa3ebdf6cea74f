"""choice: one answer from a list, as radio buttons or a drop-down list."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import QUESTION_KEYS, FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class Choice(FieldType):
    """One of the field's options, stored as the option's value."""

    name = "choice"
    kind = "choice"
    family = "choice"
    keys = QUESTION_KEYS | {"options", "widget"}
    messages = {"required": "Select an option for “{label}”."}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return an enum of the option values."""
        return {"enum": [o.value for o in spec.options]}

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Show the option's label."""
        return spec.option_label(value) or str(value)

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be one of the options."""
        return None if value in options else "one of the options"


TYPE = Choice()
