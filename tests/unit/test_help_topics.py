"""The help loader: front matter, order, safe Markdown, placeholders, and located problems."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from engine.platform.help.topics import check_help, help_files, load_help
from engine.spec.errors import DefinitionsInvalid
from tests.conftest import ROOT

PLACEHOLDERS = {"staff_contact": "help@opi.example.gov", "site_name": "RUPS", "agency_name": "OPI"}


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(textwrap.dedent(text).lstrip("\n"))
    return path


def _topic(title: str, order: int, body: str = "Some text.\n") -> str:
    return f"---\ntitle: {title}\norder: {order}\nsummary: About {title}.\n---\n{body}"


def _problems(folder: Path) -> list[str]:
    _, errors = check_help(help_files([folder]), PLACEHOLDERS)
    return [str(e) for e in errors]


def test_topics_are_listed_by_order_then_id(tmp_path: Path) -> None:
    _write(tmp_path, "zebra.md", _topic("Zebra", 10))
    _write(tmp_path, "apple.md", _topic("Apple", 20))
    _write(tmp_path, "mango.md", _topic("Mango", 10))
    library = load_help(tmp_path, PLACEHOLDERS)
    assert [t.id for t in library.topics] == ["mango", "zebra", "apple"]
    apple = library.get("apple")
    assert apple is not None
    assert (apple.title, apple.order, apple.summary) == ("Apple", 20, "About Apple.")
    assert apple.html == "<p>Some text.</p>\n"


def test_an_unknown_topic_is_none(tmp_path: Path) -> None:
    _write(tmp_path, "apple.md", _topic("Apple", 1))
    library = load_help(tmp_path, PLACEHOLDERS)
    for wrong in ("pear", "../apple", "apple.md", "APPLE", ""):
        assert library.get(wrong) is None


def test_raw_html_is_shown_as_text_never_run(tmp_path: Path) -> None:
    body = (
        "<script>alert('x')</script>\n\n"
        'Click <a href="https://evil.example" onclick="steal()">here</a>.\n\n'
        "[a trap](javascript:alert(1))\n"
    )
    _write(tmp_path, "trap.md", _topic("Trap", 1, body))
    html = load_help(tmp_path, PLACEHOLDERS).topics[0].html
    assert "<script" not in html and '<a href="https://evil' not in html
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in html
    assert "onclick" not in html.replace("onclick=&quot;", "")
    assert "javascript:" not in html.replace("[a trap](javascript:alert(1))", "")


def test_markdown_makes_lists_headings_and_links(tmp_path: Path) -> None:
    body = "## Steps\n\n1. One\n2. Two\n\nSee [the rules](https://rules.mt.gov/).\n"
    _write(tmp_path, "steps.md", _topic("Steps", 1, body))
    html = load_help(tmp_path, PLACEHOLDERS).topics[0].html
    assert "<h2>Steps</h2>" in html
    assert "<ol>\n<li>One</li>\n<li>Two</li>\n</ol>" in html
    assert '<a href="https://rules.mt.gov/" class="usa-link">the rules</a>' in html


def test_placeholders_are_replaced_and_escaped(tmp_path: Path) -> None:
    body = "Write to {{ staff_contact }} or {{site_name}}.\n\n[Us, {{ staff_contact }}](https://x.example)\n"
    _write(tmp_path, "contact.md", _topic("Contact", 1, body))
    library = load_help(tmp_path, {**PLACEHOLDERS, "site_name": "<b>RUPS</b>"})
    html = library.topics[0].html
    link = '<a href="mailto:help@opi.example.gov" class="usa-link">help@opi.example.gov</a>'
    assert f"Write to {link} or &lt;b&gt;RUPS&lt;/b&gt;." in html
    # Inside a link the address is plain text: links never nest.
    assert '<a href="https://x.example" class="usa-link">Us, help@opi.example.gov</a>' in html
    assert "{{" not in html


def test_template_code_in_a_help_file_is_never_run(tmp_path: Path) -> None:
    body = "{% for x in range(3) %}loop{% endfor %} {{ 7 * 7 }}\n"
    _write(tmp_path, "code.md", _topic("Code", 1, body))
    html = load_help(tmp_path, PLACEHOLDERS).topics[0].html
    assert "{% for x in range(3) %}loop{% endfor %} {{ 7 * 7 }}" in html
    assert "49" not in html


def test_an_unknown_placeholder_is_reported_where_it_is(tmp_path: Path) -> None:
    _write(tmp_path, "oops.md", _topic("Oops", 1, "Fine.\n\nWrite to {{ staff_email }}.\n"))
    problems = _problems(tmp_path)
    assert len(problems) == 1
    assert problems[0].startswith(f"{tmp_path / 'oops.md'}:8:10: unknown placeholder")
    assert "{{ staff_contact }}" in problems[0]


@pytest.mark.parametrize(
    ("text", "line", "column", "words"),
    [
        ("title: X\norder: 1\nsummary: S\n---\nText\n", 1, 1, "starts with its front matter"),
        ("---\ntitle: X\norder: 1\nsummary: S\nText\n", 1, 1, "never ends"),
        ("---\n---\nText\n", 1, 1, "the front matter is empty"),
        ("---\ntitle: X\norder: 1\nsumary: S\n---\nText\n", 4, 1, "did you mean 'summary'?"),
        ("---\ntitle: X\norder: first\nsummary: S\n---\nText\n", 3, 8, "whole number"),
        ("---\ntitle: X\norder: 1\nsummary: [a, b\n---\nText\n", 4, 10, "is not closed"),
        ("---\ntitle: X\norder: 1\nsummary: S\n  bad: x\n---\nText\n", 5, 6, "indentation"),
        ("---\ntitle: X\norder: 1\n---\nText\n", 2, 1, "needs 'summary'"),
        ("---\ntitle: X\ntitle: Y\norder: 1\nsummary: S\n---\nText\n", 3, 1, "appears twice"),
        (
            "---\ntitle: X\norder: 1\nsummary: S\n---\n\n",
            6,
            1,
            "the help text after '---' is empty",
        ),
        ("---\ntitle: X\norder: 1\nsummary: S\n---\n# Big\n", 6, 1, "start headings at '##'"),
        ("---\ntitle: X\norder: 1\nsummary: S\n---\n## A\n\n#### B\n", 8, 1, "skips a level"),
    ],
)
def test_a_broken_file_is_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int, column: int, words: str
) -> None:
    (tmp_path / "broken.md").write_text(text)
    _write(tmp_path, "fine.md", _topic("Fine", 1))
    with pytest.raises(DefinitionsInvalid) as raised:
        load_help(tmp_path, PLACEHOLDERS)
    first = raised.value.errors[0]
    assert (first.file, first.line, first.column) == (str(tmp_path / "broken.md"), line, column)
    assert words in first.message, first.message
    library, _ = check_help(help_files([tmp_path]), PLACEHOLDERS)
    assert [t.id for t in library.topics] == ["fine"]


def test_a_file_name_that_is_no_address_is_refused(tmp_path: Path) -> None:
    _write(tmp_path, "Issuing Certificates.md", _topic("Issuing", 1))
    assert _problems(tmp_path) == [
        f"{tmp_path / 'Issuing Certificates.md'}:1:1: name help files in lowercase words "
        "joined by '-', like issuing-certificates.md: the name becomes the page's address"
    ]


def test_a_link_to_a_missing_topic_is_reported(tmp_path: Path) -> None:
    _write(tmp_path, "passwords.md", _topic("Passwords", 1))
    _write(tmp_path, "start.md", _topic("Start", 2, "Intro.\n\nSee [passwords](pasword).\n"))
    assert _problems(tmp_path) == [
        f"{tmp_path / 'start.md'}:8:1: the link 'pasword' names no help topic "
        "(no file pasword.md); did you mean 'passwords'?"
    ]


def test_only_markdown_files_are_topics(tmp_path: Path) -> None:
    _write(tmp_path, "notes.txt", "not a topic")
    _write(tmp_path, "real.md", _topic("Real", 1))
    assert [p.name for p in help_files([tmp_path])] == ["real.md"]
    assert help_files([tmp_path / "missing"]) == []


def test_the_shipped_help_covers_the_manual_topics() -> None:
    library = load_help(ROOT / "templates" / "help", PLACEHOLDERS)
    assert [t.id for t in library.topics] == [
        "the-rules",
        "accessing-the-system",
        "passwords",
        "reporting-events",
        "issuing-certificates",
        "revising-events",
        "usernames-and-access",
        "self-paced-courses-and-virtual-conferences",
        "the-learning-opportunities-portal",
    ]
    everything = "".join(t.html for t in library.topics)
    for words in ("ARM 10.55.714", "ARM 10.57.215", "ARM 10.57.216", "help@opi.example.gov"):
        assert words in everything
