"""The definition-error family: problems in YAML that staff wrote."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class DefinitionError:
    """One problem in a definition file, located for the person who wrote it."""

    file: str
    line: int
    column: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.message}"


class DefinitionsInvalid(Exception):
    """Raised when definitions cannot be loaded; carries every problem found."""

    def __init__(self, errors: list[DefinitionError]) -> None:
        self.errors = sorted(errors)
        super().__init__("\n".join(str(e) for e in self.errors))
