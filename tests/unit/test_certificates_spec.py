"""The workflow key `certificates:`: when certificates may be issued, the layout they are
printed with, and what stands for the provider's number; each slip found at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.spec.loader import lint, load_definitions
from engine.spec.model import CertificatesSpec

ROOT = Path(__file__).resolve().parents[2]
SINGLE = """certificates:
  states: [approved, delivered]
  layout: certificate
  provider_number: Single-event approval
"""


def test_the_shipped_events_issue_certificates() -> None:
    definitions = load_definitions(
        sorted((ROOT / "forms").glob("*.yaml")),
        sorted((ROOT / "workflows").glob("*.yaml")),
        ROOT / "templates",
    )
    found = {name: w.certificates for name, w in definitions.workflows.items()}
    assert found["single_event"] == CertificatesSpec(
        ("approved", "delivered"), "certificate", "Single-event approval"
    )
    event = found["event_report"]
    assert event is not None and event.provider_number is None
    assert {"listed", "delivered"} <= set(event.states)
    assert found["provider_registration"] is None and found["portal_item"] is None


def _lint(tmp_path: Path, old: str, new: str) -> list[str]:
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    path = tmp_path / "workflows" / "single_event.yaml"
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))
    return [f"{e.line}: {e.message}" for e in lint([tmp_path], ROOT / "templates")]


def _line(old: str, new: str, text: str) -> int:
    whole = (ROOT / "workflows" / "single_event.yaml").read_text().replace(old, new)
    return whole[: whole.index(text)].count("\n") + 1 + text.startswith("\n")


@pytest.mark.parametrize(
    ("old", "new", "at", "message"),
    [
        (
            "  layout: certificate\n",
            "  layout: certificat\n",
            "layout: certificat\n",
            "there is no certificate layout 'certificat' (looked for "
            "templates/certificates/certificat.yaml); did you mean 'certificate'?",
        ),
        (
            "  states: [approved, delivered]\n",
            "  states: [aproved, delivered]\n",
            "aproved",
            "there is no state 'aproved'; did you mean 'approved'?",
        ),
        (
            "  provider_number: Single-event approval\n",
            "",
            "\ncertificates:",
            "applications of this workflow have no organization, so its number cannot be "
            "printed; say what to print instead, e.g. 'provider_number: Single-event approval'",
        ),
    ],
)
def test_a_slip_in_certificates_is_found_with_its_line(
    tmp_path: Path, old: str, new: str, at: str, message: str
) -> None:
    found = _lint(tmp_path, old, new)
    assert found == [f"{_line(old, new, at)}: {message}"], found


def test_certificates_need_the_event_described_by_a_listing(tmp_path: Path) -> None:
    text = (ROOT / "workflows" / "single_event.yaml").read_text()
    start = text.index("\nlisting:\n")
    end = text.index("\n\n", start + 1)
    listing = text[start:end]
    found = _lint(tmp_path, listing, "")
    line = _line(listing, "", "\ncertificates:")
    assert found == [
        f"{line}: certificates print the event's title, dates, units and place as its "
        "'listing:' says; add a 'listing:' to this workflow"
    ]
