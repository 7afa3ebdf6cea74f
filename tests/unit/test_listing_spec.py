"""The workflow key `listing:`: a public page, the states listed, and the questions that
fill each slot, checked at load with the line and a 'did you mean' for each slip."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.spec.errors import DefinitionError
from engine.spec.loader import lint, load_definitions
from engine.spec.model import ListingContact, ListingDates, ListingSelfPaced, ListingSpec

ROOT = Path(__file__).resolve().parents[2]
PORTAL = ROOT / "workflows" / "portal_item.yaml"
LISTING = """listing:
  page: portal
  states: [posted]
  title: title
  description: description
  provider: organization
  format: format
  dates: {group: dates, date: date, starts: starts_at, ends: ends_at}
  self_paced: {from: available_from, until: available_until}
  location: location
  link: registration_url
  contact: {name: contact_name, email: contact_email, phone: contact_phone}
"""


def _shipped() -> dict[str, ListingSpec | None]:
    definitions = load_definitions(
        sorted((ROOT / "forms").glob("*.yaml")),
        sorted((ROOT / "workflows").glob("*.yaml")),
        ROOT / "templates",
    )
    return {name: w.listing for name, w in definitions.workflows.items()}


def test_the_shipped_workflows_list_on_the_events_page_and_the_portal() -> None:
    listings = _shipped()
    portal = listings["portal_item"]
    assert portal is not None
    assert (portal.page, portal.states, portal.title, portal.provider) == (
        "portal",
        ("posted",),
        "title",
        "organization",
    )
    assert portal.provider_is_organization
    assert portal.dates == ListingDates("dates", "date", None, None, "starts_at", "ends_at")
    assert portal.self_paced == ListingSelfPaced("available_from", "available_until", None)
    assert portal.contact == ListingContact("contact_name", "contact_email", "contact_phone")
    assert portal.where is not None and portal.where.line > 1
    single = listings["single_event"]
    assert single is not None and (single.page, single.states) == ("events", ("reported",))
    # Not a provider: the organization named in the answers is shown.
    assert single.provider == "org_name" and not single.provider_is_organization
    event = listings["event_report"]
    assert event is not None and event.dates == ListingDates("dates", "date", "units", "schedule")
    assert listings["provider_registration"] is None


def _lint_with(tmp_path: Path, listing: str) -> list[DefinitionError]:
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    path = tmp_path / "workflows" / "portal_item.yaml"
    text = path.read_text()
    assert LISTING in text
    path.write_text(text.replace(LISTING, listing))
    return lint([tmp_path], ROOT / "templates")


def _line_of(text: str, listing: str) -> int:
    """The line of the portal workflow file where `text` is, once `listing` replaced it."""
    whole = PORTAL.read_text().replace(LISTING, listing)
    return whole[: whole.index(text)].count("\n") + 1


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "  title: title\n",
            "  title: titel\n",
            "the form 'portal_item' has no question 'titel'; did you mean 'title'?",
        ),
        (
            "date: date, starts: starts_at",
            "date: date, starts: start_at",
            "the group 'dates' has no question 'start_at'; did you mean 'starts_at'?",
        ),
        (
            "  format: format\n",
            "  format: cost\n",
            "'cost' is a text question; a listing needs a choice one here",
        ),
        (
            "  link: registration_url\n",
            "  link: contact_email\n",
            "'contact_email' is a email question; a listing needs a url one here",
        ),
        (
            "{from: available_from,",
            "{from: available_until_x,",
            "the form 'portal_item' has no question 'available_until_x'; "
            "did you mean 'available_until'?",
        ),
        (
            "  states: [posted]\n",
            "  states: [postd]\n",
            "there is no state 'postd'; did you mean 'posted'?",
        ),
        (
            "  page: portal\n",
            "  page: portall\n",
            "there is no listing page 'portall' (looked for templates/listings/portall.md, "
            "which gives the page its heading and introduction); did you mean 'portal'?",
        ),
    ],
)
def test_lint_explains_a_wrong_name_where_it_is(
    tmp_path: Path, old: str, new: str, message: str
) -> None:
    listing = LISTING.replace(old, new)
    assert listing != LISTING
    problems = _lint_with(tmp_path, listing)
    assert [p.message for p in problems] == [message]
    assert problems[0].file.endswith("portal_item.yaml")
    assert problems[0].line == _line_of(new.strip(), listing)


def test_a_listing_with_a_wrong_shape_is_refused_by_the_meta_schema(tmp_path: Path) -> None:
    listing = LISTING.replace("  title: title\n", "  title: [title]\n").replace(
        "dates: {group: dates, date: date, starts: starts_at, ends: ends_at}",
        "dates: {group: dates}",
    )
    messages = [p.message for p in _lint_with(tmp_path, listing)]
    assert len(messages) == 2, messages
    assert any("'title'" in m and "text" in m for m in messages), messages
    assert any("'date'" in m for m in messages), messages


def test_a_misspelt_provider_keyword_gets_a_suggestion(tmp_path: Path) -> None:
    listing = LISTING.replace("provider: organization", "provider: organisation")
    messages = [p.message for p in _lint_with(tmp_path, listing)]
    assert messages == ["'provider' must be one of: organization; did you mean 'organization'?"]


def test_provider_organization_needs_an_organization(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    path = tmp_path / "workflows" / "single_event.yaml"
    text = path.read_text()
    path.write_text(text.replace("provider: {field: org_name}", "provider: organization"))
    messages = [p.message for p in lint([tmp_path], ROOT / "templates")]
    assert messages == [
        "'provider: organization' needs the workflow key 'organization: member' (or chosen), "
        "so that applications have an organization to show"
    ]


def test_a_provider_field_must_be_a_text_question(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    path = tmp_path / "workflows" / "single_event.yaml"
    text = path.read_text()
    path.write_text(text.replace("provider: {field: org_name}", "provider: {field: org_nam}"))
    messages = [p.message for p in lint([tmp_path], ROOT / "templates")]
    assert messages == [
        "the form 'single_event_application' has no question 'org_nam'; did you mean 'org_name'?"
    ]
