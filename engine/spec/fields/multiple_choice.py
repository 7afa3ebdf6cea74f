"""multiple_choice: any number of answers from a list, as checkboxes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import QUESTION_KEYS, FieldType, FormData

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class MultipleChoice(FieldType):
    """A list of the option values ticked, in the order posted."""

    name = "multiple_choice"
    kind = "choices"
    family = "multiple choice"
    keys = QUESTION_KEYS | {"options"}
    messages = {"required": "Select at least one option for “{label}”."}
    # A required one must have at least one option ticked: that is "required", not a count.
    schema_rules = {"minItems": "required"}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return an array of distinct option values (at least one when required)."""
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"enum": [o.value for o in spec.options]},
            "uniqueItems": True,
        }
        if spec.required:
            schema["minItems"] = 1
        return schema

    def coerce(self, spec: FieldSpec, form: FormData, name: str) -> Any:
        """Return the ticked values, or None when none is."""
        return [v for v in form.getlist(name) if v] or None

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Show the options' labels, separated by commas."""
        if not isinstance(value, list):
            return str(value)
        return ", ".join(spec.option_label(v) or str(v) for v in value)

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be a list of options."""
        fits = isinstance(value, list) and all(v in options for v in value)
        return None if fits else "a list of some of the options"


TYPE = MultipleChoice()
