"""The scenario files staff write (tests/scenarios/*.yaml): every case of every file is
played on a scratch database, and must pass; and a wrong expectation is caught, named at
its line."""

from __future__ import annotations

from pathlib import Path

import pytest
from flask import Flask

from engine.scenarios.runner import CaseResult, Setting, run_file, scenario_files
from engine.web.decisions import mail_settings

ROOT = Path(__file__).resolve().parents[2]
FILES = scenario_files([ROOT / "tests" / "scenarios"])


def _setting(app: Flask) -> Setting:
    with app.test_request_context():
        mail = mail_settings()
    return Setting(ROOT, ROOT / "templates", app.extensions["formflow"].calendar, mail)


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_case_of_the_shipped_scenarios_passes(app: Flask, path: Path) -> None:
    results = run_file(path, _setting(app))
    assert results
    failed = [f"{r.name}: {p}" for r in results for p in r.problems]
    assert failed == []


def test_a_wrong_expectation_is_reported_at_its_line(app: Flask, tmp_path: Path) -> None:
    text = (ROOT / "tests" / "scenarios" / "single_event.yaml").read_text()
    wrong = text.replace(
        "expect: {state: submitted, due: 2026-03-17, emails: [single_event_received]}",
        "expect: {state: approved, due: 2026-03-18, emails: [single_event_received]}",
    )
    assert wrong != text
    path = tmp_path / "single_event.yaml"
    path.write_text(wrong)
    first: CaseResult = run_file(path, _setting(app))[0]
    line = wrong[: wrong.index("state: approved, due: 2026-03-18")].count("\n") + 1
    assert [(p.line, p.message) for p in first.problems] == [
        (line, "expected the state 'approved', but it is 'submitted'"),
        (line, "expected the decision due 2026-03-18, but it is 2026-03-17"),
    ]
