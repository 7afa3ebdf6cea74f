"""The scenario files staff write (tests/scenarios/*.yaml): every case of every file is
played on a scratch database, and must pass; together they make every move of every
shipped workflow; and a wrong expectation is caught, named at its line."""

from __future__ import annotations

import difflib
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from engine.platform.definitions import DefinitionRegistry
from engine.platform.mail import mail_settings
from engine.scenarios.coverage import missing
from engine.scenarios.runner import CaseResult, Setting, run_file, scenario_files
from tests.conftest import make_test_app

ROOT = Path(__file__).resolve().parents[2]
FILES = scenario_files([ROOT / "tests" / "scenarios"])
SINGLE_EVENT = ROOT / "tests" / "scenarios" / "single_event.yaml"


def _setting(app: Flask) -> Setting:
    with app.test_request_context():
        mail = mail_settings()
    return Setting(ROOT, ROOT / "templates", app.extensions["formflow"].calendar, mail)


class _Played:
    """Each shipped file played at most once per module: the pass and coverage tests share it."""

    def __init__(self, setting: Setting) -> None:
        self.setting = setting
        self._results: dict[Path, list[CaseResult]] = {}

    def results(self, path: Path) -> list[CaseResult]:
        """Return the results of one file, playing it the first time it is asked for."""
        if path not in self._results:
            self._results[path] = run_file(path, self.setting)
        return self._results[path]


@pytest.fixture(scope="module")
def played(sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[_Played]:
    """The shipped scenario files, played on demand, once each."""
    # The scenarios make their own scratch databases; the app only lends its calendar
    # and email settings, so one SQLite app serves the whole module.
    folder = tmp_path_factory.mktemp("scenarios")
    shutil.copy(sqlite_template, folder / "app.sqlite")
    app = make_test_app(f"sqlite:///{folder / 'app.sqlite'}", folder)
    yield _Played(_setting(app))
    app.extensions["formflow"].db.dispose()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_every_case_of_the_shipped_scenarios_passes(played: _Played, path: Path) -> None:
    results = played.results(path)
    assert results
    failed = [f"{r.name}: {p}" for r in results for p in r.problems]
    assert failed == []


def test_the_shipped_scenarios_make_every_move_of_every_shipped_workflow(
    played: _Played,
) -> None:
    made = [m for path in FILES for r in played.results(path) for m in r.moves]
    shipped = DefinitionRegistry(ROOT, ROOT / "templates").load_files().workflows.values()
    gaps = [str(m) for m in missing(shipped, made)]
    assert not gaps, "No scenario makes these moves:\n" + "\n".join(gaps)


def test_a_case_records_the_moves_its_application_made(played: _Played) -> None:
    # Moves by a person, by the worker and by filing the last report all count; the
    # filings themselves and the start are not moves.
    first = played.results(ROOT / "tests" / "scenarios" / "event_report.yaml")[0]
    assert [str(m) for m in first.moves] == [
        "event_report: list: draft → listed",
        "event_report: deliver: listed → delivered",
        "event_report: report: delivered → reported",
    ]


def test_a_wrong_expectation_is_reported_at_its_line(app: Flask, tmp_path: Path) -> None:
    path, wrong = _copy(
        tmp_path,
        SINGLE_EVENT,
        "expect: {state: submitted, due: 2026-03-17, emails: [single_event_received]}",
        "expect: {state: approved, due: 2026-03-18, emails: [single_event_received]}",
    )
    first: CaseResult = run_file(path, _setting(app))[0]
    line = _line(wrong, "state: approved, due: 2026-03-18")
    assert [(p.line, p.message) for p in first.problems] == [
        (line, "expected the state 'approved', but it is 'submitted'"),
        (line, "expected the decision due 2026-03-18, but it is 2026-03-17"),
    ]


def test_a_step_expected_refused_that_goes_through_and_wrong_emails_are_caught(
    app: Flask, tmp_path: Path
) -> None:
    path, _ = _copy(
        tmp_path,
        SINGLE_EVENT,
        "expect: {state: denied, emails: [single_event_denied], owed: 0}",
        "expect: {refused: Not allowed, emails: [single_event_approved]}",
    )
    denial = next(r for r in run_file(path, _setting(app)) if r.name == "A denial needs a reason")
    assert [p.message for p in denial.problems] == [
        "expected a refusal saying 'Not allowed', but the step went through",
        "expected the emails ['single_event_approved'], but this step sent ['single_event_denied']",
    ]


def test_a_refused_step_stops_its_case_and_says_why(app: Flask, tmp_path: Path) -> None:
    path, _ = _copy(
        tmp_path,
        SINGLE_EVENT,
        "      - day: 2026-03-06\n        do: submit\n",
        "      - day: 2026-03-07\n        do: submit\n",
    )
    first = run_file(path, _setting(app))[0]
    [problem] = first.problems
    assert problem.message.startswith("the step was refused: Apply at least 10 days")


def test_the_coverage_report_lists_the_moves_no_case_made_and_fails(
    app: Flask, tmp_path: Path
) -> None:
    text = (ROOT / "tests" / "scenarios" / "portal_item.yaml").read_text()
    only_withdrawn = text[: text.index("  - case: Refused")]
    path = tmp_path / "portal_item.yaml"
    path.write_text(only_withdrawn)
    # `flask scenarios` runs inside the app context the flask command pushes.
    with app.app_context():
        result = app.test_cli_runner().invoke(args=["scenarios", str(path), "--coverage"])
        plain = app.test_cli_runner().invoke(args=["scenarios", str(path)])
    assert result.exit_code == 1
    assert "portal_item: 3 of 5 moves made" in result.output
    assert [line.strip() for line in result.output.splitlines() if "MISSING" in line] == [
        "MISSING  refuse: submitted → refused",
        "MISSING  cancel: posted → cancelled",
    ]
    assert result.output.endswith("1 passed, 0 failed; 3 of 5 moves made.\n")
    # Without --coverage the gap is only counted: the command passes as before.
    assert plain.exit_code == 0
    assert plain.output.endswith("1 passed, 0 failed; 3 of 5 moves made.\n")


UPGRADE = ROOT / "tests" / "scenarios" / "single_event_upgrade.yaml"


def _upgrade_copy(tmp_path: Path, old: str = "", new: str = "") -> tuple[Path, str]:
    """Copy the upgrade scenario and its folders, with one piece of its text replaced."""
    return _copy(tmp_path, UPGRADE, old, new)


def _copy(tmp_path: Path, scenario: Path, old: str = "", new: str = "") -> tuple[Path, str]:
    """Copy a shipped scenario (and the folders its publish steps name), with one piece of
    its text replaced; return the copy and its text."""
    shutil.copytree(ROOT / "tests" / "scenarios" / "upgrades", tmp_path / "upgrades")
    text = scenario.read_text()
    changed = text.replace(old, new, 1) if old else text
    assert changed != text or not old
    path = tmp_path / scenario.name
    path.write_text(changed)
    return path, changed


def _line(text: str, part: str) -> int:
    return text[: text.index(part)].count("\n") + 1


def test_a_publish_step_moves_a_draft_onto_the_new_version(played: _Played) -> None:
    # The draft moved, so sending it without the new question is refused, then goes through.
    draft = played.results(UPGRADE)[1]
    assert draft.name.startswith("A draft moves")
    assert draft.problems == []
    assert [str(m) for m in draft.moves] == ["single_event: submit: draft → submitted"]


def test_a_move_expected_where_the_application_stays_is_reported_with_the_reason(
    app: Flask, tmp_path: Path
) -> None:
    path, text = _upgrade_copy(
        tmp_path,
        "moved: false, stays: has no answer}",
        "moved: true}",
    )
    first = run_file(path, _setting(app))[0]
    line = _line(text, "moved: true}")
    assert [(p.line, p.message) for p in first.problems] == [
        (
            line,
            "expected it to move onto the new version, but it stays: the new required "
            "question 'Seats available' (capacity) has no answer; give one under "
            "'upgrade: answers:'",
        )
    ]


def test_a_stay_expected_where_the_application_moves_is_reported(
    app: Flask, tmp_path: Path
) -> None:
    path, text = _upgrade_copy(
        tmp_path,
        "expect: {state: submitted, due: 2026-03-12, moved: true}",
        "expect: {state: submitted, due: 2026-03-12, stays: seats}",
    )
    given = run_file(path, _setting(app))[2]
    assert [(p.line, p.message) for p in given.problems] == [
        (
            _line(text, "stays: seats}"),
            "expected it to stay on its version, but it moved onto the new one",
        )
    ]


def test_a_broken_file_to_publish_is_reported_at_the_step_with_its_own_line(
    app: Flask, tmp_path: Path
) -> None:
    path, text = _upgrade_copy(tmp_path)
    broken = tmp_path / "upgrades" / "seats_required" / "workflows" / "single_event.yaml"
    workflow = broken.read_text()
    broken.write_text(workflow.replace("  note: Seats", "  nite: Seats"))
    first = run_file(path, _setting(app))[0]
    [problem] = first.problems
    assert problem.line == _line(text, "publish: upgrades/seats_required")
    where = f"{broken}:{_line(workflow, '  note: Seats')}:3: "
    assert problem.message.startswith(f"the files to publish have a problem: {where}")
    assert "nite" in problem.message


def test_an_unknown_folder_to_publish_is_reported_with_the_folders_there(
    app: Flask, tmp_path: Path
) -> None:
    path, text = _upgrade_copy(
        tmp_path, "publish: upgrades/seats_required", "publish: upgrades/seats_requird"
    )
    first = run_file(path, _setting(app))[0]
    assert [(p.line, p.message) for p in first.problems] == [
        (
            _line(text, "publish: upgrades/seats_requird"),
            "there is no folder 'upgrades/seats_requird' beside this file; did you mean "
            "'upgrades/seats_required'?",
        )
    ]


def test_moved_on_a_step_that_publishes_nothing_is_reported(app: Flask, tmp_path: Path) -> None:
    path, text = _upgrade_copy(
        tmp_path,
        "expect: {state: submitted, due: 2026-03-12}}",
        "expect: {state: submitted, moved: true}}",
    )
    first = run_file(path, _setting(app))[0]
    assert [p.message for p in first.problems] == [
        "'moved' is for a 'publish:' step, which this step is not"
    ]


CHANGES = sorted((ROOT / "tests" / "scenarios" / "upgrades").glob("*/*/*.yaml"))


@pytest.mark.parametrize("changed", CHANGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_a_folder_of_changes_only_adds_lines_to_the_shipped_file(changed: Path) -> None:
    # A trial copy that dropped or altered a line would undo, unseen, whatever the shipped
    # file gained since the copy was made; additions are the change being tried.
    shipped = ROOT / changed.parent.name / changed.name
    assert shipped.is_file(), f"{changed.name} replaces no shipped file"
    diff = difflib.ndiff(shipped.read_text().splitlines(), changed.read_text().splitlines())
    lost = [line[2:] for line in diff if line.startswith("- ")]
    assert lost == [], f"{changed.relative_to(ROOT)} drops or changes shipped lines: {lost}"


def test_there_are_folders_of_changes_to_check() -> None:
    assert len(CHANGES) == 3
