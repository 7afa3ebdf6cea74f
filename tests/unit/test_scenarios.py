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


def test_a_step_expected_refused_that_goes_through_and_wrong_emails_are_caught(
    app: Flask, tmp_path: Path
) -> None:
    text = (ROOT / "tests" / "scenarios" / "single_event.yaml").read_text()
    wrong = text.replace(
        "expect: {state: denied, emails: [single_event_denied], owed: 0}",
        "expect: {refused: Not allowed, emails: [single_event_approved]}",
    )
    assert wrong != text
    path = tmp_path / "single_event.yaml"
    path.write_text(wrong)
    denial = next(r for r in run_file(path, _setting(app)) if r.name == "A denial needs a reason")
    assert [p.message for p in denial.problems] == [
        "expected a refusal saying 'Not allowed', but the step went through",
        "expected the emails ['single_event_approved'], but this step sent ['single_event_denied']",
    ]


def test_a_refused_step_stops_its_case_and_says_why(app: Flask, tmp_path: Path) -> None:
    text = (ROOT / "tests" / "scenarios" / "single_event.yaml").read_text()
    wrong = text.replace(
        "      - day: 2026-03-06\n        do: submit\n",
        "      - day: 2026-03-07\n        do: submit\n",
        1,
    )
    assert wrong != text
    path = tmp_path / "single_event.yaml"
    path.write_text(wrong)
    first = run_file(path, _setting(app))[0]
    [problem] = first.problems
    assert problem.message.startswith("the step was refused: Apply at least 10 days")
