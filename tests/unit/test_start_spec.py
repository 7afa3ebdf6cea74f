"""The workflow key `start:`: the start page's check for providers approved already."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from engine.spec.loader import lint, load_definitions, load_texts
from engine.spec.model import StartSpec

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "workflows" / "provider_registration.yaml"
CHECK = "start:\n  check_similar_organizations: true\n  ask_to_join: access_request\n"


def test_the_registration_checks_and_links_to_the_access_request() -> None:
    definitions = load_definitions(
        sorted((ROOT / "forms").glob("*.yaml")),
        sorted((ROOT / "workflows").glob("*.yaml")),
        ROOT / "templates",
    )
    workflows = definitions.workflows
    assert workflows["provider_registration"].start == StartSpec(True, "access_request")
    # Without the key, a start page has no check.
    assert workflows["event_report"].start == StartSpec(False, None)


def _lint_with(tmp_path: Path, start: str) -> list[str]:
    shutil.copytree(ROOT / "forms", tmp_path / "forms")
    shutil.copytree(ROOT / "workflows", tmp_path / "workflows")
    path = tmp_path / "workflows" / "provider_registration.yaml"
    text = path.read_text()
    assert CHECK in text
    path.write_text(text.replace(CHECK, start))
    return [e.message for e in lint([tmp_path], ROOT / "templates")]


@pytest.mark.parametrize(
    ("start", "message"),
    [
        (
            "start:\n  check_similar_organizations: true\n  ask_to_join: acces_request\n",
            "'ask_to_join' names the workflow 'acces_request', which does not exist; "
            "did you mean 'access_request'?",
        ),
        (
            "start:\n  check_similar_organizations: true\n  ask_to_join: event_report\n",
            "the workflow 'event_report' of 'ask_to_join' needs 'organization: chosen'",
        ),
        (
            "start:\n  ask_to_join: access_request\n",
            "'ask_to_join' needs 'check_similar_organizations: true' beside it",
        ),
    ],
)
def test_lint_explains_a_wrong_start(tmp_path: Path, start: str, message: str) -> None:
    assert _lint_with(tmp_path, start) == [message]


def test_lint_refuses_an_unknown_key_under_start(tmp_path: Path) -> None:
    assert _lint_with(tmp_path, "start:\n  check_similar_organisations: true\n") == [
        "'check_similar_organisations' is not a key 'start' can have; "
        "did you mean 'check_similar_organizations'?"
    ]


def test_a_stored_version_loads_alone_without_its_join_workflow() -> None:
    # Old versions are loaded one by one from the database: the link is judged at publishing.
    forms = [(p.name, p.read_text()) for p in sorted((ROOT / "forms").glob("*.yaml"))]
    loaded = load_texts([(SHIPPED.name, SHIPPED.read_text()), *forms], ROOT / "templates")
    assert loaded.workflows["provider_registration"].start.ask_to_join == "access_request"
