"""The public listing pages' own words: one Markdown file per page, with its title and layout.

A workflow's `listing: page: events` puts its applications on /events; the file
templates/listings/events.md gives that page its heading, its introduction and its
layout, so staff edit the words without touching a template:

    ---
    title: Find an approved event
    layout: table
    ---
    The introduction, in Markdown.

Layouts: `table` lists every item (past ones too) with filters by date and provider;
`calendar` shows upcoming dated items by month, then self-paced items available now.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from engine.platform.help.front_matter import shifted, split_front_matter
from engine.platform.help.rendering import render_help
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.yaml_source import Source, display_name

LAYOUTS = ("table", "calendar")
_KEYS = ("title", "layout")
_START = (
    "a listing page starts with its front matter: a line '---', then title and layout, "
    "then another line '---'"
)


@dataclass(frozen=True)
class ListingPage:
    """One public listing page's words, ready to show."""

    id: str
    title: str
    layout: str
    html: str
    file: str


def check_listing_pages(
    folder: Path, placeholders: Mapping[str, str]
) -> tuple[Mapping[str, ListingPage], list[DefinitionError]]:
    """Read every listing page file of a folder; return the good ones and every problem."""
    pages: dict[str, ListingPage] = {}
    errors: list[DefinitionError] = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        page, problems = _read(path, placeholders)
        errors.extend(problems)
        if page is not None:
            pages[page.id] = page
    return MappingProxyType(pages), sorted(errors)


def load_listing_pages(folder: Path, placeholders: Mapping[str, str]) -> Mapping[str, ListingPage]:
    """Read every listing page file; raise DefinitionsInvalid naming each problem."""
    pages, errors = check_listing_pages(folder, placeholders)
    if errors:
        raise DefinitionsInvalid(errors)
    return pages


def _read(
    path: Path, placeholders: Mapping[str, str]
) -> tuple[ListingPage | None, list[DefinitionError]]:
    name = display_name(path)
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None, [DefinitionError(name, 1, 1, "the file cannot be read as UTF-8 text")]
    fenced, errors = split_front_matter(text, name, _START, "title and layout")
    if fenced is None:
        return None, errors
    errors = [shifted(e) for e in _check_keys(fenced.source.data, fenced.source)]
    if errors:
        return None, errors
    rendered = render_help(fenced.body, placeholders, name, fenced.body_line)
    if rendered.errors:
        return None, list(rendered.errors)
    data = fenced.source.data
    return ListingPage(path.stem, data["title"].strip(), data["layout"], rendered.html, name), []


def _check_keys(data: dict[Any, Any], source: Source) -> list[DefinitionError]:
    errors = []
    for key in data:
        if key not in _KEYS:
            close = difflib.get_close_matches(str(key), _KEYS, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; use {' and '.join(_KEYS)}"
            errors.append(source.key_error((key,), f"unknown key '{key}'{hint}"))
    if not isinstance(data.get("title"), str) or not data["title"].strip():
        errors.append(source.error((), "the front matter needs 'title' (some text)"))
    layout = data.get("layout")
    if layout not in LAYOUTS:
        close = difflib.get_close_matches(str(layout), LAYOUTS, n=1)
        hint = f"; did you mean '{close[0]}'?" if close else ""
        message = f"'layout' must be {' or '.join(LAYOUTS)}{hint}"
        errors.append(source.error(("layout",) if "layout" in data else (), message))
    return errors
