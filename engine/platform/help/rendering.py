"""Turn the Markdown of a help file into safe HTML, and check it for staff's mistakes.

Raw HTML is never passed through (it shows as text), so a help file cannot carry script;
markdown-it also refuses javascript: and data: links. Placeholders such as
``{{ staff_contact }}`` are replaced in the text after parsing, so their values are
escaped like any other text: help files are never run as templates.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token

from engine.spec.errors import DefinitionError

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}")
# Placeholders whose value is an email address become a link to write to it.
EMAIL_PLACEHOLDERS = frozenset({"staff_contact"})


@dataclass(frozen=True)
class Rendered:
    """The HTML of one help text, or the problems that stop it from being shown."""

    html: str
    errors: tuple[DefinitionError, ...]
    # Links to other topics, written as a bare topic id: (id, line), checked by the caller.
    topic_links: tuple[tuple[str, int], ...] = ()


def markdown() -> MarkdownIt:
    """Return the Markdown parser for help files: CommonMark plus tables, no raw HTML."""
    return MarkdownIt("commonmark", {"html": False}).enable("table")


def render_help(body: str, placeholders: Mapping[str, str], file: str, first_line: int) -> Rendered:
    """Check and render the Markdown text of a help file that starts at first_line."""
    errors = _placeholder_errors(body, placeholders, file, first_line)
    parser = markdown()
    tokens = parser.parse(body)
    errors += _heading_errors(tokens, file, first_line)
    if not body.strip():
        errors.append(DefinitionError(file, first_line, 1, "the help text after '---' is empty"))
    if errors:
        return Rendered("", tuple(errors))
    links = []
    lines = body.splitlines()
    for token in tokens:
        if token.type == "inline" and token.children:
            start, end = token.map or (0, len(lines))
            for href in _topic_links(token.children):
                # The line of the paragraph that holds the link; its first line otherwise.
                found = (i for i in range(start, end) if f"]({href}" in lines[i])
                links.append((href, first_line + next(found, start)))
            token.children = _substitute(token.children, placeholders)
    for token in _walk(tokens):
        _add_classes(token)
    html = parser.renderer.render(tokens, parser.options, {})
    return Rendered(html, (), tuple(links))


def _placeholder_errors(
    body: str, placeholders: Mapping[str, str], file: str, first_line: int
) -> list[DefinitionError]:
    errors = []
    known = ", ".join("{{ " + name + " }}" for name in sorted(placeholders))
    for number, line in enumerate(body.splitlines(), start=first_line):
        for match in PLACEHOLDER.finditer(line):
            if match.group(1) not in placeholders:
                message = f"unknown placeholder '{match.group(0)}'; help files know {known}"
                errors.append(DefinitionError(file, number, match.start() + 1, message))
    return errors


def _heading_errors(tokens: list[Token], file: str, first_line: int) -> list[DefinitionError]:
    # The page's title is its only level-1 heading; levels must not skip (WCAG 1.3.1).
    errors = []
    previous = 1
    for token in tokens:
        if token.type != "heading_open":
            continue
        level = int(token.tag[1])
        line = first_line + (token.map[0] if token.map else 0)
        if level == 1:
            message = "start headings at '##': the title is the page's only '#' heading"
            errors.append(DefinitionError(file, line, 1, message))
        elif level > previous + 1:
            message = (
                f"this heading skips a level ({'#' * level} after {'#' * previous}); "
                f"use {'#' * (previous + 1)}"
            )
            errors.append(DefinitionError(file, line, 1, message))
        previous = max(level, 2)
    return errors


def _substitute(children: list[Token], placeholders: Mapping[str, str]) -> list[Token]:
    result: list[Token] = []
    in_link = 0
    for child in children:
        if child.type == "link_open":
            in_link += 1
        elif child.type == "link_close":
            in_link -= 1
        if child.type != "text" or not PLACEHOLDER.search(child.content):
            result.append(child)
            continue
        position = 0
        for match in PLACEHOLDER.finditer(child.content):
            result.append(_text(child.content[position : match.start()]))
            name, value = match.group(1), placeholders[match.group(1)]
            if name in EMAIL_PLACEHOLDERS and not in_link:
                result.extend(_email_link(value))
            else:
                result.append(_text(value))
            position = match.end()
        result.append(_text(child.content[position:]))
    return [token for token in result if token.type != "text" or token.content]


def _topic_links(children: list[Token]) -> list[str]:
    # A link with no scheme, no slash and no '#' names another topic: "issuing-certificates".
    hrefs = [str(c.attrGet("href") or "") for c in children if c.type == "link_open"]
    return [h for h in hrefs if h and not any(mark in h for mark in ":/#?.")]


def _text(content: str) -> Token:
    token = Token("text", "", 0)
    token.content = content
    return token


def _email_link(address: str) -> list[Token]:
    opening = Token("link_open", "a", 1)
    opening.attrSet("href", f"mailto:{address}")
    return [opening, _text(address), Token("link_close", "a", -1)]


def _walk(tokens: list[Token]) -> list[Token]:
    found = []
    for token in tokens:
        found.append(token)
        if token.children:
            found.extend(_walk(token.children))
    return found


def _add_classes(token: Token) -> None:
    # The U.S. Web Design System styles links and tables through these classes.
    if token.type == "link_open":
        token.attrSet("class", "usa-link")
    elif token.type == "table_open":
        token.attrSet("class", "usa-table")
