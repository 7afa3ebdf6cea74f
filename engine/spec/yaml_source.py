"""Read a YAML definition file like yaml.safe_load, keeping where every key and value was.

Positions are kept in two maps from a JSON path (a tuple of mapping keys and list indexes,
e.g. ("pages", 0, "fields", 3, "options")) to a 1-based (line, column):

- ``values[path]`` is where the value at that path starts (for the root, path ``()``);
- ``keys[path]`` is where the key that leads to that value starts (mapping entries only).

Errors about a value point at the value; errors about a key itself ("unknown key",
"appears twice") point at the key. When a path was never written (a key that is missing,
or a path deeper than the data), the nearest enclosing thing that was written is used.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.model import Location

JsonPath = tuple[str | int, ...]
Position = tuple[int, int]

# An alias can make a small file expand into a huge tree ("billion laughs"); safe_load
# shares the objects, but walking paths would expand them, so stop well before that.
_MAX_NODES = 200_000
_MERGE_TAG = "tag:yaml.org,2002:merge"
_TOO_DEEP = "the file is nested too deeply to read"


class _Loader(yaml.SafeLoader):
    """safe_load's loader, in pure Python: its problem texts are the ones we translate."""


# The same safe constructor over libyaml's parser, ten times faster; used when PyYAML was
# built with libyaml. A file it refuses is parsed again by _Loader for the message.
_FastLoader: type[yaml.SafeLoader] | type[yaml.CSafeLoader] = getattr(yaml, "CSafeLoader", _Loader)


@dataclass(frozen=True)
class Source:
    """A parsed definition file: its data, text, content hash and positions."""

    file: str
    text: str
    data: Any
    version: str
    values: Mapping[JsonPath, Position]
    keys: Mapping[JsonPath, Position]

    def at(self, path: JsonPath) -> Location:
        """Return where the value at this path (or its nearest written ancestor) starts."""
        for end in range(len(path), -1, -1):
            position = self.values.get(path[:end])
            if position is not None:
                return Location(self.file, *position)
        return Location(self.file, 1, 1)

    def key_at(self, path: JsonPath) -> Location:
        """Return where the key leading to this path starts, else where its value starts."""
        position = self.keys.get(path)
        if position is not None:
            return Location(self.file, *position)
        return self.at(path)

    def error(self, path: JsonPath, message: str) -> DefinitionError:
        """Make an error located at the value at this path."""
        where = self.at(path)
        return DefinitionError(where.file, where.line, where.column, message)

    def key_error(self, path: JsonPath, message: str) -> DefinitionError:
        """Make an error located at the key leading to this path."""
        where = self.key_at(path)
        return DefinitionError(where.file, where.line, where.column, message)


def display_name(path: Path) -> str:
    """Show a file path relative to the working directory when it lies inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_source(path: Path) -> Source:
    """Read and parse one definition file; raise DefinitionsInvalid with its one problem."""
    name = display_name(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise _invalid(name, (1, 1), f"the file cannot be read: {exc.strerror}") from exc
    return parse_source(raw, name)


def parse_source(raw: bytes, file: str) -> Source:
    """Parse YAML bytes like yaml.safe_load, keeping positions; raise DefinitionsInvalid."""
    version = hashlib.sha256(raw).hexdigest()[:12]
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise _invalid(
            file, (line, 1), "the file is not UTF-8 text; save it again as UTF-8"
        ) from exc
    try:
        return _parse(_FastLoader, text, file, version)
    except RecursionError as exc:
        raise _invalid(file, (1, 1), _TOO_DEEP) from exc
    except yaml.YAMLError as fast_error:
        try:
            _parse(_Loader, text, file, version)
        except RecursionError as exc:
            raise _invalid(file, (1, 1), _TOO_DEEP) from exc
        except yaml.MarkedYAMLError as exc:
            raise _syntax_error(exc, file) from exc
        except yaml.YAMLError as exc:  # problems without a position
            raise _invalid(file, (1, 1), f"the file is not valid YAML ({exc})") from exc
        raise _invalid(file, (1, 1), f"the file is not valid YAML ({fast_error})") from fast_error


def _parse(
    loader_class: type[yaml.SafeLoader] | type[yaml.CSafeLoader], text: str, file: str, version: str
) -> Source:
    loader = loader_class(text)
    try:
        node = loader.get_single_node()
        if node is None:
            raise _invalid(file, (1, 1), "the file is empty")
        walk = _Walk(loader, file)
        walk.visit(node, ())
        if walk.duplicates:
            raise DefinitionsInvalid(list(walk.duplicates.values()))
        try:
            data = loader.construct_document(node)
        except (ValueError, OverflowError) as exc:
            raise _unreadable_value(loader, node, file) from exc
    finally:
        loader.dispose()
    return Source(file, text, data, version, walk.values, walk.keys)


class _Walk:
    """Record positions of every node under its JSON path, and every duplicate key."""

    def __init__(self, loader: yaml.SafeLoader | yaml.CSafeLoader, file: str) -> None:
        self.loader = loader
        self.file = file
        self.values: dict[JsonPath, Position] = {}
        self.keys: dict[JsonPath, Position] = {}
        self.open: set[int] = set()
        # By position: a block reached through several aliases is reported once.
        self.duplicates: dict[Position, DefinitionError] = {}

    def visit(self, node: Node, path: JsonPath) -> None:
        """Record this node and everything below it."""
        if len(self.values) > _MAX_NODES:
            raise self._error(node, "the file is too large (or repeats '*' aliases too often)")
        self.values[path] = _position(node)
        if isinstance(node, ScalarNode):
            return
        if id(node) in self.open:
            raise self._error(node, "this block contains itself through an '*' alias")
        self.open.add(id(node))
        if isinstance(node, SequenceNode):
            for index, item in enumerate(node.value):
                self.visit(item, (*path, index))
        elif isinstance(node, MappingNode):
            self._visit_mapping(node, path)
        self.open.discard(id(node))

    def _visit_mapping(self, node: MappingNode, path: JsonPath) -> None:
        seen: dict[object, Node] = {}
        for key_node, _ in node.value:
            if key_node.tag == _MERGE_TAG:
                continue
            key = self._key(key_node)
            if key in seen:
                where = _position(key_node)
                message = f"the key '{key_node.value}' appears twice in this block"
                self.duplicates[where] = DefinitionError(self.file, *where, message)
            seen[key] = key_node
        # `<<: *defaults` merges another block in; the explicit keys win, as in safe_load.
        self.loader.flatten_mapping(node)
        for key_node, value_node in node.value:
            key = self._key(key_node)
            child = (*path, key)
            self.keys[child] = _position(key_node)
            self.visit(value_node, child)

    def _key(self, key_node: Node) -> Any:
        if not isinstance(key_node, ScalarNode):
            raise self._error(key_node, "a key must be a plain word, not a list or a block")
        return self.loader.construct_object(key_node)

    def _error(self, node: Node, message: str) -> DefinitionsInvalid:
        return _invalid(self.file, _position(node), message)


_TIMESTAMP_TAG = "tag:yaml.org,2002:timestamp"
_INT_TAG = "tag:yaml.org,2002:int"


def _unreadable_value(
    loader: yaml.SafeLoader | yaml.CSafeLoader, root: Node, file: str
) -> DefinitionsInvalid:
    """Find the value the parser read but could not turn into data (a 30 February)."""
    # A failed construction leaves the loader's bookkeeping half-done; start it afresh.
    loader.constructed_objects = {}
    loader.recursive_objects = {}
    pending = [root]
    while pending:
        node = pending.pop()
        if isinstance(node, ScalarNode):
            try:
                loader.construct_object(node)
            except (ValueError, OverflowError):
                return _invalid(file, _position(node), _value_problem(node))
        elif isinstance(node, SequenceNode):
            pending.extend(reversed(node.value))
        elif isinstance(node, MappingNode):
            pending.extend(child for pair in reversed(node.value) for child in reversed(pair))
    return _invalid(file, (1, 1), "a value in the file cannot be read")


def _value_problem(node: ScalarNode) -> str:
    shown = node.value if len(node.value) <= 40 else node.value[:37] + "..."
    if node.tag == _TIMESTAMP_TAG:
        return f"'{shown}' is not a date that exists; write a date as YYYY-MM-DD"
    if node.tag == _INT_TAG:
        return f"the number {shown} is too long; a number has at most 4,300 digits"
    return f"the value '{shown}' cannot be read"


def _position(node: Node) -> Position:
    return node.start_mark.line + 1, node.start_mark.column + 1


def _invalid(file: str, position: Position, message: str) -> DefinitionsInvalid:
    return DefinitionsInvalid([DefinitionError(file, *position, message)])


def _syntax_error(exc: yaml.MarkedYAMLError, file: str) -> DefinitionsInvalid:
    problem = exc.problem or exc.context or "unknown problem"
    mark = exc.problem_mark or exc.context_mark
    # An unclosed quote or bracket is only noticed at the end of the file; the place it
    # was opened is where the fix goes.
    if exc.context_mark is not None and ("end of stream" in problem or "<stream end>" in problem):
        mark = exc.context_mark
    position = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    return _invalid(file, position, plain_yaml_problem(exc.context, problem))


_CANNOT_START = re.compile(r"found character '(.+)' that cannot start any token")
_UNDEFINED_ALIAS = re.compile(r"found undefined alias '(.+)'")
_UNKNOWN_TAG = re.compile(r"could not determine a constructor for the tag '(.+)'")


def plain_yaml_problem(context: str | None, problem: str) -> str:
    """Say in plain English what a PyYAML scanner or parser problem means."""
    context = context or ""
    if problem == "mapping values are not allowed here":
        return (
            "a ':' is out of place here: if a value contains ': ', put the whole value "
            "in quotes; otherwise check the indentation of this line"
        )
    if match := _CANNOT_START.search(problem):
        char = match.group(1)
        if char == "\\t":
            return "a tab is used for indenting; indent with spaces only"
        return f"a value cannot start with '{char}'; put the whole value in quotes"
    if "quoted scalar" in context:
        return "a quote is opened here but never closed"
    if "flow sequence" in context:
        return "a list in [ ] is not closed, or its items are not separated by commas"
    if "flow mapping" in context:
        return "a block in { } is not closed, or its entries are not separated by commas"
    if "could not find expected ':'" in problem:
        return "a line is missing its ':' after the key, or is indented wrongly"
    if problem.startswith("expected <block end>") or "did not find expected" in problem:
        return (
            "this line is not lined up with the lines above it; check its indentation "
            "(items of a list start with '- ' at the same indentation)"
        )
    if match := _UNDEFINED_ALIAS.search(problem):
        return f"'*{match.group(1)}' refers to an anchor '&{match.group(1)}' that is not defined"
    if "another document" in problem:
        return "a file holds one definition; remove the '---' line and what follows"
    if problem == "found unhashable key":
        return "a key must be a plain word, not a list or a block"
    if match := _UNKNOWN_TAG.search(problem):
        tag = match.group(1).replace("tag:yaml.org,2002:", "!!")
        return f"tags like '{tag}' are not allowed; remove it or quote the value"
    return f"the YAML is not well formed here ({problem})"
