"""Reading YAML like safe_load while keeping where every key and value was written."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

import pytest

from engine.spec.errors import DefinitionError, DefinitionsInvalid
from engine.spec.model import Location
from engine.spec.yaml_source import Source, display_name, parse_source, read_source

FORM = b"""\
# A comment before the first key.
form: sample
pages:
  - id: first
    fields:
      - id: name
        type: text
      - {id: kind, type: choice, options: {MT: Montana, ID: Idaho}}
"""


def parse(text: str) -> Source:
    return parse_source(text.encode(), "sample.yaml")


def problem(text: str) -> DefinitionError:
    with pytest.raises(DefinitionsInvalid) as caught:
        parse(text)
    (error,) = caught.value.errors
    return error


def test_data_is_what_safe_load_gives() -> None:
    source = parse_source(FORM, "sample.yaml")
    assert source.data == {
        "form": "sample",
        "pages": [
            {
                "id": "first",
                "fields": [
                    {"id": "name", "type": "text"},
                    {"id": "kind", "type": "choice", "options": {"MT": "Montana", "ID": "Idaho"}},
                ],
            }
        ],
    }
    assert list(source.data["pages"][0]["fields"][1]["options"]) == ["MT", "ID"]


def test_values_are_located_in_block_and_flow_style() -> None:
    source = parse_source(FORM, "sample.yaml")
    assert source.values[()] == (2, 1)
    assert source.values[("form",)] == (2, 7)
    assert source.values[("pages", 0)] == (4, 5)
    assert source.values[("pages", 0, "fields", 0, "type")] == (7, 15)
    assert source.values[("pages", 0, "fields", 1)] == (8, 9)
    assert source.values[("pages", 0, "fields", 1, "options")] == (8, 43)
    assert source.values[("pages", 0, "fields", 1, "options", "ID")] == (8, 61)


def test_keys_are_located_separately_from_their_values() -> None:
    source = parse_source(FORM, "sample.yaml")
    path = ("pages", 0, "fields", 0, "type")
    assert source.key_at(path) == Location("sample.yaml", 7, 9)
    assert source.at(path) == Location("sample.yaml", 7, 15)
    assert source.keys[("pages", 0, "fields", 1, "options", "ID")] == (8, 57)


def test_a_path_never_written_falls_back_to_its_nearest_written_ancestor() -> None:
    source = parse_source(FORM, "sample.yaml")
    assert source.at(("pages", 0, "fields", 0, "label")) == Location("sample.yaml", 6, 9)
    assert source.key_at(("pages", 0, "title")) == Location("sample.yaml", 4, 5)
    assert source.at(("nothing", "here")) == Location("sample.yaml", 2, 1)


def test_errors_are_made_at_the_value_or_at_the_key() -> None:
    source = parse_source(FORM, "sample.yaml")
    path = ("pages", 0, "fields", 0, "type")
    assert source.error(path, "bad") == DefinitionError("sample.yaml", 7, 15, "bad")
    assert source.key_error(path, "bad") == DefinitionError("sample.yaml", 7, 9, "bad")


def test_version_is_the_content_hash_and_the_text_is_kept() -> None:
    source = parse_source(FORM, "sample.yaml")
    assert source.version == hashlib.sha256(FORM).hexdigest()[:12]
    assert source.text == FORM.decode()


def test_yaml_types_are_those_of_safe_load() -> None:
    source = parse("day: 2026-01-31\ncount: 3\nok: yes\nrate: 0.25\n")
    assert source.data == {"day": date(2026, 1, 31), "count": 3, "ok": True, "rate": 0.25}


def test_anchors_and_merge_keys_work_and_point_at_what_was_written() -> None:
    source = parse("base: &base {label: Name, type: text}\nfield:\n  <<: *base\n  type: email\n")
    assert source.data["field"] == {"label": "Name", "type": "email"}
    assert source.values[("field", "type")] == (4, 9)
    assert source.values[("field", "label")] == (1, 21)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\nb: 2\na: 3\n", 3, 1, "the key 'a' appears twice in this block"),
        (
            "pages:\n  - id: p\n    fields:\n      - id: x\n        label: X\n        label: Y\n",
            6,
            9,
            "the key 'label' appears twice in this block",
        ),
        ("f: {id: x, label: X, label: Y}\n", 1, 22, "the key 'label' appears twice in this block"),
    ],
)
def test_duplicate_keys_are_refused(text: str, line: int, column: int, message: str) -> None:
    assert problem(text) == DefinitionError("sample.yaml", line, column, message)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        (
            "label: Note: this\n",
            1,
            12,
            "a ':' is out of place here: if a value contains ': ', put the whole value in "
            "quotes; otherwise check the indentation of this line",
        ),
        ("a:\n\tb: 1\n", 2, 1, "a tab is used for indenting; indent with spaces only"),
        ("a: 1\ntitle: 'Half\nb: 2\n", 2, 8, "a quote is opened here but never closed"),
        (
            "a: [1, 2\n",
            1,
            4,
            "a list in [ ] is not closed, or its items are not separated by commas",
        ),
        (
            "a: {b: 1\n",
            1,
            4,
            "a block in { } is not closed, or its entries are not separated by commas",
        ),
        (
            "a:\n  b: 1\n c: 2\n",
            3,
            2,
            "this line is not lined up with the lines above it; check its indentation "
            "(items of a list start with '- ' at the same indentation)",
        ),
        ("a: @home\n", 1, 4, "a value cannot start with '@'; put the whole value in quotes"),
        ("a: *nowhere\n", 1, 4, "'*nowhere' refers to an anchor '&nowhere' that is not defined"),
        (
            "a: 1\n---\nb: 2\n",
            2,
            1,
            "a file holds one definition; remove the '---' line and what follows",
        ),
        ("[a, b]: 1\n", 1, 1, "a key must be a plain word, not a list or a block"),
        ("a: &loop [*loop]\n", 1, 4, "this block contains itself through an '*' alias"),
        ("", 1, 1, "the file is empty"),
        ("# only a comment\n", 1, 1, "the file is empty"),
    ],
)
def test_syntax_errors_are_located_and_explained(
    text: str, line: int, column: int, message: str
) -> None:
    assert problem(text) == DefinitionError("sample.yaml", line, column, message)


def test_every_duplicate_key_is_reported_once() -> None:
    text = "a: &x {k: 1, k: 2}\nb: *x\nc: 1\nc: 2\n"
    with pytest.raises(DefinitionsInvalid) as caught:
        parse(text)
    assert [(e.line, e.column) for e in caught.value.errors] == [(1, 14), (4, 1)]


def test_a_file_nested_too_deeply_is_refused_not_crashed_on() -> None:
    error = problem("a: " + "[" * 1100 + "]" * 1100 + "\n")
    assert error == DefinitionError("sample.yaml", 1, 1, "the file is nested too deeply to read")


def test_python_tags_are_refused_not_run() -> None:
    error = problem("a: !!python/object/apply:os.system ['echo hacked']\n")
    assert error == DefinitionError(
        "sample.yaml",
        1,
        4,
        "tags like '!!python/object/apply:os.system' are not allowed; remove it or quote the value",
    )


def test_text_that_is_not_utf8_is_refused() -> None:
    with pytest.raises(DefinitionsInvalid) as caught:
        parse_source(b"a: 1\nb: caf\xe9\n", "latin.yaml")
    assert caught.value.errors == [
        DefinitionError("latin.yaml", 2, 1, "the file is not UTF-8 text; save it again as UTF-8")
    ]


def test_a_missing_file_is_a_definition_error(tmp_path: Path) -> None:
    with pytest.raises(DefinitionsInvalid) as caught:
        read_source(tmp_path / "gone.yaml")
    (error,) = caught.value.errors
    assert (error.line, error.column) == (1, 1)
    assert error.message.startswith("the file cannot be read")


def test_file_names_are_shown_relative_to_the_working_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "forms").mkdir()
    path = tmp_path / "forms" / "a.yaml"
    path.write_text("form: a\n")
    monkeypatch.chdir(tmp_path)
    assert display_name(path) == "forms/a.yaml"
    assert read_source(path).file == "forms/a.yaml"
    monkeypatch.chdir(tmp_path / "forms")
    outside = tmp_path / "b.yaml"
    assert display_name(outside) == str(outside)


@pytest.mark.parametrize(
    ("text", "line", "column", "message"),
    [
        ("a: 1\ndefault: 2023-02-30\n", 2, 10, "'2023-02-30' is not a date that exists"),
        ("x: [1, 2023-13-01]\n", 1, 8, "'2023-13-01' is not a date that exists"),
        ("a:\n  - b: " + "9" * 5000 + "\n", 2, 8, "is too long; a number has at most"),
    ],
)
def test_a_value_that_cannot_be_read_is_located_not_a_traceback(
    text: str, line: int, column: int, message: str
) -> None:
    with pytest.raises(DefinitionsInvalid) as caught:
        parse_source(text.encode(), "forms/x.yaml")
    (error,) = caught.value.errors
    assert (error.file, error.line, error.column) == ("forms/x.yaml", line, column)
    assert message in error.message
