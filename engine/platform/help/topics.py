"""The help topics: one Markdown file each, read from a folder and frozen at start-up."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from engine.platform.help.front_matter import split_help_file
from engine.platform.help.rendering import render_help
from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.yaml_source import display_name

SUFFIX = ".md"
# A topic's id is its file name, and the last part of its address: /help/<id>.
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True)
class HelpTopic:
    """One help topic, ready to show."""

    id: str
    title: str
    order: int
    summary: str
    html: str
    file: str


@dataclass(frozen=True)
class HelpLibrary:
    """Every help topic, in the order staff gave them."""

    topics: tuple[HelpTopic, ...] = ()
    _by_id: Mapping[str, HelpTopic] = field(default_factory=dict, repr=False, compare=False)

    @classmethod
    def of(cls, topics: Iterable[HelpTopic]) -> HelpLibrary:
        """Build a library, sorted by order, then by id."""
        ordered = tuple(sorted(topics, key=lambda t: (t.order, t.id)))
        return cls(ordered, {t.id: t for t in ordered})

    def get(self, topic_id: str) -> HelpTopic | None:
        """Return the topic with this id, or None: ids come only from the files found."""
        return self._by_id.get(topic_id)


def help_files(paths: Iterable[Path]) -> list[Path]:
    """Expand folders into their help files: their own, and those of templates/help/."""
    files: list[Path] = []
    for path in paths:
        if not path.is_dir():
            files.extend([path] if path.suffix == SUFFIX else [])
            continue
        for folder in (path, path / "templates" / "help"):
            if folder.is_dir():
                files.extend(sorted(p for p in folder.iterdir() if p.suffix == SUFFIX))
    return list(dict.fromkeys(f for f in files if f.is_file()))


def check_help(
    files: Iterable[Path], placeholders: Mapping[str, str]
) -> tuple[HelpLibrary, list[DefinitionError]]:
    """Read help files; return the topics that are fine and every problem, sorted."""
    topics: list[HelpTopic] = []
    errors: list[DefinitionError] = []
    links: list[tuple[str, str, int]] = []
    paths = list(files)
    for path in paths:
        topic, problems, found = _read_topic(path, placeholders)
        errors.extend(problems)
        links += [(display_name(path), href, line) for href, line in found]
        if topic is not None:
            topics.append(topic)
    ids = sorted(path.stem for path in paths)
    for file, href, line in links:
        if href not in ids:
            close = difflib.get_close_matches(href, ids, n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            message = f"the link '{href}' names no help topic (no file {href}{SUFFIX}){hint}"
            errors.append(DefinitionError(file, line, 1, message))
    return HelpLibrary.of(topics), sorted(errors)


def load_help(folder: Path, placeholders: Mapping[str, str]) -> HelpLibrary:
    """Read every help file of a folder; raise DefinitionsInvalid naming each problem."""
    library, errors = check_help(help_files([folder]), placeholders)
    if errors:
        raise DefinitionsInvalid(errors)
    return library


def _read_topic(
    path: Path, placeholders: Mapping[str, str]
) -> tuple[HelpTopic | None, list[DefinitionError], tuple[tuple[str, int], ...]]:
    name = display_name(path)
    if not _ID.match(path.stem):
        message = (
            "name help files in lowercase words joined by '-', like issuing-certificates.md: "
            "the name becomes the page's address"
        )
        return None, [DefinitionError(name, 1, 1, message)], ()
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except OSError as exc:
        return None, [DefinitionError(name, 1, 1, f"the file cannot be read: {exc.strerror}")], ()
    except UnicodeDecodeError:
        message = "the file is not UTF-8 text; save it again as UTF-8"
        return None, [DefinitionError(name, 1, 1, message)], ()
    front, errors = split_help_file(text, name)
    if front is None:
        return None, errors, ()
    rendered = render_help(front.body, placeholders, name, front.body_line)
    if rendered.errors:
        return None, list(rendered.errors), ()
    topic = HelpTopic(path.stem, front.title, front.order, front.summary, rendered.html, name)
    return topic, [], rendered.topic_links
