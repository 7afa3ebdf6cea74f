"""The listing pages' own words (templates/listings/*.md): title, layout and introduction,
checked like help files, with the line of each problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.platform.help.listing_pages import check_listing_pages, load_listing_pages
from engine.spec.errors import DefinitionsInvalid

ROOT = Path(__file__).resolve().parents[2]
PLACEHOLDERS = {"staff_contact": "help@opi.example.gov", "site_name": "S", "agency_name": "OPI"}


def test_the_shipped_pages_have_their_title_layout_and_words() -> None:
    pages = load_listing_pages(ROOT / "templates" / "listings", PLACEHOLDERS)
    assert sorted(pages) == ["events", "portal"]
    assert (pages["events"].title, pages["events"].layout) == ("Find an approved event", "table")
    assert pages["portal"].layout == "calendar"
    # Placeholders are filled in; the contact becomes a link to write to.
    assert 'href="mailto:help@opi.example.gov"' in pages["events"].html
    assert "OPI posts what providers send in" in pages["portal"].html


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (
            "---\ntitle: Events\nlayout: tabel\n---\nWords.\n",
            3,
            "'layout' must be table or calendar; did you mean 'table'?",
        ),
        ("---\ntitle: Events\n---\nWords.\n", 2, "'layout' must be table or calendar"),
        (
            "---\ntitel: Events\nlayout: table\n---\nWords.\n",
            2,
            "unknown key 'titel'; did you mean 'title'?",
        ),
        ("title: Events\n", 1, "a listing page starts with its front matter"),
        ("---\ntitle: Events\nlayout: table\n---\n# Events\n", 5, "start headings at '##'"),
    ],
)
def test_a_wrong_page_file_is_reported_where_it_is(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    (tmp_path / "events.md").write_text(text)
    pages, problems = check_listing_pages(tmp_path, PLACEHOLDERS)
    assert pages == {}
    assert any(p.line == line and message in p.message for p in problems), problems
    with pytest.raises(DefinitionsInvalid):
        load_listing_pages(tmp_path, PLACEHOLDERS)
