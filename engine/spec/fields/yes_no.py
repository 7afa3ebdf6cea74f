"""yes_no: a yes or no question, as two radio buttons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from engine.spec.fields.base import FieldType

if TYPE_CHECKING:
    from engine.spec.model import FieldSpec


class YesNo(FieldType):
    """True for yes, False for no."""

    name = "yes_no"
    kind = "boolean"
    family = "yes no"
    messages = {"required": "Select yes or no for “{label}”."}

    def schema(self, spec: FieldSpec) -> dict[str, Any]:
        """Return a boolean schema."""
        return {"type": "boolean"}

    def read(self, spec: FieldSpec, text: str) -> Any:
        """Read the radio button's "yes" or "no"."""
        return {"yes": True, "no": False}.get(text, text)

    def display(self, spec: FieldSpec, value: Any) -> str:
        """Say Yes or No."""
        return {True: "Yes", False: "No"}.get(value, str(value))

    def default_problem(self, value: Any, options: list[str]) -> str | None:
        """A default must be true or false."""
        return None if isinstance(value, bool) else "true or false"


TYPE = YesNo()
