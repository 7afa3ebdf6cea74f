"""Broken definitions: lint names file, line and problem; the app refuses to start."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from flask import Flask

from engine.cli.broken_files import TOLERANT, CheckedCommand, CheckedGroup
from engine.spec.errors import DefinitionsInvalid
from tests.conftest import ROOT, make_test_app


def _broken_copy(tmp_path: Path) -> Path:
    root = tmp_path / "defs"
    shutil.copytree(ROOT / "forms", root / "forms")
    shutil.copytree(ROOT / "workflows", root / "workflows")
    form = root / "forms" / "provider_registration.yaml"
    text = form.read_text()
    form.write_text(
        text.replace("        label: Accrediting body\n", "        lable: Accrediting body\n")
    )
    return root


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_the_app_refuses_to_start_and_says_where(tmp_path: Path, database_url: str) -> None:
    root = _broken_copy(tmp_path)
    with pytest.raises(DefinitionsInvalid) as raised:
        make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    line = _line_of(root / "forms" / "provider_registration.yaml", "lable: Accrediting body")
    problem = raised.value.errors[0]
    assert problem.file.endswith("forms/provider_registration.yaml")
    assert problem.line == line
    assert "'lable'" in problem.message and "did you mean 'label'?" in problem.message


def test_flask_lint_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path)
    workflow = root / "workflows" / "provider_registration.yaml"
    workflow.write_text(workflow.read_text().replace("to: approved", "to: aproved"))
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'lint.sqlite'}"}
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "app", "lint", str(root)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    form_line = _line_of(root / "forms" / "provider_registration.yaml", "lable: Accrediting body")
    flow_line = _line_of(workflow, "to: aproved")
    assert any(
        f"provider_registration.yaml:{form_line}:" in out and "'lable'" in out for out in lines
    ), lines
    assert any(
        f"provider_registration.yaml:{flow_line}:" in out and "'approved'" in out for out in lines
    ), lines
    assert "2 problems found." in result.stderr


def test_flask_lint_passes_on_the_shipped_definitions(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'lint.sqlite'}"}
    flask = Path(sys.executable).with_name("flask")
    result = subprocess.run(
        [str(flask), "--app", "app", "lint"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All definitions are valid." in result.stdout


def _flask(tmp_path: Path, root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "FORMFLOW_DATABASE_URL": f"sqlite:///{tmp_path / 'cli.sqlite'}",
        "FORMFLOW_DEFINITIONS_DIR": str(root),
    }
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [str(flask), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_other_commands_refuse_broken_files_and_say_why(tmp_path: Path) -> None:
    root = _broken_copy(tmp_path)
    for args in (("worker", "--once"), ("routes",)):
        result = _flask(tmp_path, root, *args)
        assert result.returncode != 0, (args, result.stdout)
        assert "The definitions have problems; the app will not start:" in result.stderr, args
        assert "'lable'" in result.stderr, args
        assert "worker:" not in result.stdout  # no job ran


def test_a_tolerant_app_lints_but_runs_nothing_else(tmp_path: Path, database_url: str) -> None:
    from app import create_app

    root = _broken_copy(tmp_path)
    config = {"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": database_url}
    app = create_app({**config, "DEFINITIONS_DIR": str(root)}, tolerate_broken_definitions=True)
    problems = app.extensions["formflow"].problems
    assert [problem.what for problem in problems] == ["definitions"]
    runner = app.test_cli_runner()
    with app.app_context():  # `lint` is a plain click command: it finds the app here
        linted = runner.invoke(args=["lint"])
    assert linted.exit_code == 1 and "'lable'" in linted.output
    for args in (["worker", "--once"], ["definitions", "publish"], ["retention"]):
        refused = runner.invoke(args=args)
        assert isinstance(refused.exception, DefinitionsInvalid), (args, refused.output)
    # On valid files the same commands run.
    valid = create_app(config, tolerate_broken_definitions=True)
    assert valid.extensions["formflow"].problems == ()
    assert valid.test_cli_runner().invoke(args=["retention"]).exit_code == 0


def test_only_the_tolerant_commands_run_on_broken_files(app: Flask) -> None:
    unchecked = {
        name
        for name, command in app.cli.commands.items()
        if not isinstance(command, (CheckedCommand, CheckedGroup))
    }
    assert unchecked == TOLERANT
