"""The YAML reference for staff shows YAML that works: each example parses, quotes of the
shipped files match them, and examples of questions and whole forms pass lint."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

import pytest
import yaml

from engine.spec.errors import DefinitionsInvalid
from engine.spec.loader import load_texts

ROOT = Path(__file__).resolve().parents[2]
REFERENCE = ROOT / "docs" / "yaml-reference.md"
BLOCK = re.compile(r"^```yaml\n(.*?)^```", re.S | re.M)


def _blocks() -> list[tuple[int, str]]:
    text = REFERENCE.read_text()
    return [(text[: m.start()].count("\n") + 1, m.group(1)) for m in BLOCK.finditer(text)]


BLOCKS = _blocks()


def _kind(block: str) -> str:
    return block.split("\n", 1)[0]


def _ids(blocks: list[tuple[int, str]]) -> list[str]:
    return [f"line {line}" for line, _ in blocks]


def test_the_reference_has_examples() -> None:
    assert len(BLOCKS) > 30


@pytest.mark.parametrize(("line", "block"), BLOCKS, ids=_ids(BLOCKS))
def test_every_example_is_yaml(line: int, block: str) -> None:
    yaml.safe_load(block)


QUOTES = [(line, block) for line, block in BLOCKS if _kind(block).startswith("# From ")]


@pytest.mark.parametrize(("line", "block"), QUOTES, ids=_ids(QUOTES))
def test_quotes_of_the_shipped_files_match_them(line: int, block: str) -> None:
    name = _kind(block).removeprefix("# From ").strip()
    shipped = [row.rstrip() for row in (ROOT / name).read_text().splitlines()]
    quoted = [row.rstrip() for row in block.splitlines()[1:]]
    # Each quoted line appears in the file, in the same order (an excerpt may skip lines).
    position = 0
    for row in quoted:
        if not row.strip():
            continue
        try:
            position = shipped.index(row, position) + 1
        except ValueError:
            pytest.fail(f"docs line {line}: {name} has no line {row!r} (in this order)")


FIELDS = [(line, block) for line, block in BLOCKS if _kind(block) == "# example: fields"]


@pytest.mark.parametrize(("line", "block"), FIELDS, ids=_ids(FIELDS))
def test_examples_of_questions_pass_lint(line: int, block: str) -> None:
    body = block.split("\n", 1)[1]
    page = "  - id: example_page\n    title: Example\n    fields:\n" + textwrap.indent(
        body, "      "
    )
    alone = f"form: example\ntitle: Example\npages:\n{page}"
    try:
        load_texts([(f"docs line {line}", alone)], ROOT / "templates")
    except DefinitionsInvalid as error:
        if "unknown field" not in str(error):
            raise
        # The example's conditions name questions of the registration form: check it as
        # a last page of that form.
        shipped = (ROOT / "forms" / "provider_registration.yaml").read_text()
        load_texts([(f"docs line {line}", shipped.rstrip("\n") + "\n" + page)], ROOT / "templates")


FORMS = [(line, block) for line, block in BLOCKS if _kind(block) == "# example: complete form"]


@pytest.mark.parametrize(("line", "block"), FORMS, ids=_ids(FORMS))
def test_a_complete_example_form_passes_lint(line: int, block: str) -> None:
    loaded = load_texts([(f"docs line {line}", block)], ROOT / "templates")
    assert len(loaded.forms) == 1
