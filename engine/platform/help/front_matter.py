"""Split a help file into its front matter (title, order, summary) and its Markdown text.

A help file starts with a block of YAML between two lines of three dashes:

    ---
    title: Issuing certificates
    order: 50
    summary: Report how many certificates you issued after each date.
    ---
    The text, in Markdown.

Problems are DefinitionErrors located in the whole file, like those of forms and workflows.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from typing import Any

from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.yaml_source import Source, parse_source

FENCE = "---"
_KEYS = ("title", "order", "summary")
_START = (
    "a help file starts with its front matter: a line '---', then title, order and "
    "summary, then another line '---'"
)


@dataclass(frozen=True)
class FrontMatter:
    """What the front matter says, and where the Markdown text starts."""

    title: str
    order: int
    summary: str
    body: str
    body_line: int  # line of the file where the Markdown text starts (1-based)


@dataclass(frozen=True)
class Fenced:
    """The parsed YAML between the two '---' lines, and the Markdown text after them."""

    source: Source
    body: str
    body_line: int  # line of the file where the Markdown text starts (1-based)


def split_front_matter(
    text: str, file: str, start: str = _START, keys: str = "title, order and summary"
) -> tuple[Fenced | None, list[DefinitionError]]:
    """Split a file into its front matter (parsed, as 'key: value' lines) and its text.

    `start` says what the file should start with, for a file that does not; `keys` names
    the keys its front matter holds.
    """
    lines = text.splitlines(keepends=True)
    if not lines or lines[0].rstrip() != FENCE:
        return None, [DefinitionError(file, 1, 1, start)]
    closing = next((i for i in range(1, len(lines)) if lines[i].rstrip() == FENCE), None)
    if closing is None:
        message = "the front matter that starts on line 1 never ends: add a line '---' after it"
        return None, [DefinitionError(file, 1, 1, message)]
    raw = "".join(lines[1:closing])
    if not raw.strip():
        return None, [DefinitionError(file, 1, 1, "the front matter is empty: " + start)]
    try:
        source = parse_source(raw.encode("utf-8"), file)
    except DefinitionsInvalid as invalid:
        return None, [shifted(error) for error in invalid.errors]
    if not isinstance(source.data, dict):
        message = f"the front matter must be 'key: value' lines: {keys}"
        return None, [DefinitionError(file, 2, 1, message)]
    return Fenced(source, "".join(lines[closing + 1 :]), closing + 2), []


def split_help_file(text: str, file: str) -> tuple[FrontMatter | None, list[DefinitionError]]:
    """Read the front matter of one help file; return it, or None and every problem."""
    fenced, problems = split_front_matter(text, file)
    if fenced is None:
        return None, problems
    source = fenced.source
    errors = [shifted(error) for error in _check_keys(source.data, source)]
    if errors:
        return None, errors
    data = source.data
    front = FrontMatter(
        title=data["title"].strip(),
        order=data["order"],
        summary=data["summary"].strip(),
        body=fenced.body,
        body_line=fenced.body_line,
    )
    return front, []


def _check_keys(data: dict[Any, Any], source: Any) -> list[DefinitionError]:
    errors = []
    # A misspelt key is reported once, as itself, not again as the key that is missing.
    suggested = set()
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            suggested.update(close)
            hint = f"; did you mean '{close[0]}'?" if close else f"; use {', '.join(_KEYS)}"
            errors.append(source.key_error((key,), f"unknown key '{key}'{hint}"))
    for key in ("title", "summary"):
        if key not in data:
            if key not in suggested:
                errors.append(source.error((), f"the front matter needs '{key}'"))
        elif not isinstance(data[key], str) or not data[key].strip():
            errors.append(source.error((key,), f"'{key}' must be some text"))
    if "order" not in data:
        if "order" not in suggested:
            errors.append(source.error((), "the front matter needs 'order' (a whole number)"))
    elif isinstance(data["order"], bool) or not isinstance(data["order"], int):
        message = "'order' must be a whole number, such as 10; topics are listed by it"
        errors.append(source.error(("order",), message))
    return errors


def shifted(error: DefinitionError) -> DefinitionError:
    """Move an error found in the front matter's YAML to its line in the whole file."""
    # The front matter's YAML starts on the file's second line, after the first '---'.
    return replace(error, line=error.line + 1)
