"""Deep lint: definitions that load but cannot work as written are found, located, with
what to do: a form nothing uses, an obligation never owed, a move the system shadows."""

from __future__ import annotations

import shutil
from pathlib import Path

from engine.spec.loader import lint_deep

ROOT = Path(__file__).resolve().parents[2]


def _copy(tmp_path: Path) -> Path:
    for folder in ("forms", "workflows"):
        shutil.copytree(ROOT / folder, tmp_path / folder)
    return tmp_path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def _line(path: Path, text: str) -> int:
    whole = path.read_text()
    return whole[: whole.index(text)].count("\n") + 1


def test_the_shipped_definitions_have_no_findings() -> None:
    assert lint_deep([ROOT / "forms", ROOT / "workflows"], ROOT / "templates") == []


def test_a_form_no_workflow_uses(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    spare = root / "forms" / "spare_form.yaml"
    spare.write_text(
        "form: spare_form\ntitle: A spare form\npages:\n  - id: one\n    title: One\n"
        "    fields:\n      - {id: name, type: text, label: Name}\n"
    )
    [finding] = lint_deep([root], ROOT / "templates")
    assert (finding.file.endswith("forms/spare_form.yaml"), finding.line) == (True, 1)
    assert finding.message.startswith("no workflow uses the form 'spare_form'")


def test_an_obligation_nothing_owes(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    workflow = root / "workflows" / "single_event.yaml"
    _edit(workflow, "      - {owe: certificate_count}\n", "")
    [finding] = lint_deep([root], ROOT / "templates")
    assert finding.line == _line(workflow, "  certificate_count:\n")
    assert finding.message == (
        "the obligation 'certificate_count' can never come due: no move has the action "
        "'owe: certificate_count'; add it to the move after which it is owed"
    )


def test_a_move_the_system_always_takes_first(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    workflow = root / "workflows" / "single_event.yaml"
    guard = (
        "    guard:\n      when: {field: dates.min.date, on_or_before: today}\n"
        "      message: The event has not started yet.\n"
    )
    _edit(workflow, guard, "")
    [finding] = lint_deep([root], ROOT / "templates")
    assert finding.line == _line(workflow, "  - trigger: cancel\n")
    assert finding.message.startswith(
        "'cancel' can hardly ever be used from 'approved': the system moves applications "
        "out of it at once by 'deliver', which has no guard"
    )


def test_broken_files_are_reported_before_any_deep_finding(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    _edit(root / "workflows" / "single_event.yaml", "initial: draft", "initial: drafty")
    findings = lint_deep([root], ROOT / "templates")
    assert findings and all("never come due" not in f.message for f in findings)
    assert any("drafty" in f.message for f in findings)
