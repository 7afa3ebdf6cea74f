"""Broken files on disk: lint names file, line and problem; no process ever stops for them.

A process starts on the definitions last published (stored in the database) whatever lies
on disk, reports the broken files (log, the admin page, `lint`), and only the commands
that work from the files (publishing, the demo, scenarios) refuse to run.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from flask import Flask

from engine.cli.broken_files import CheckedCommand, CheckedGroup
from engine.platform.migrate import upgrade
from tests.conftest import ROOT, make_test_app
from tests.smtp_server import free_port
from tests.web.helpers import make_user, post, sign_in

VISITS = ROOT / "tests" / "fixtures" / "visits"
FORM = Path("forms") / "site_visit.yaml"
WORKFLOW = Path("workflows") / "site_visit.yaml"
GOOD_LABEL = "label: Arrival time"
BROKEN_LABEL = "lable: Arrival time"


def _copy(tmp_path: Path) -> Path:
    root = tmp_path / "defs"
    shutil.copytree(VISITS, root)
    return root


def _break(root: Path) -> int:
    """Misspell a key of the form; return the line of the misspelling."""
    form = root / FORM
    form.write_text(form.read_text().replace(GOOD_LABEL, BROKEN_LABEL))
    return _line_of(form, BROKEN_LABEL)


def _line_of(path: Path, text: str) -> int:
    return next(i for i, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def _publish(app: Flask) -> None:
    result = app.test_cli_runner().invoke(args=["definitions", "publish"])
    assert result.exit_code == 0, result.output


def test_a_broken_file_leaves_the_app_on_the_versions_published(
    tmp_path: Path, database_url: str
) -> None:
    root = _copy(tmp_path)
    _publish(make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root)))
    line = _break(root)

    app = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    (problem,) = app.extensions["formflow"].problems
    assert problem.what == "definitions"
    (error,) = problem.error.errors
    assert error.file.endswith("forms/site_visit.yaml") and error.line == line
    assert "'lable'" in error.message and "did you mean 'label'?" in error.message
    form = app.extensions["formflow"].registry.loaded().forms["site_visit"]
    assert [f.label for f in form.pages[0].fields][2] == "Arrival time"

    make_user(app, "a@example.org")
    make_user(app, "admin@example.org", "admin")
    applicant = app.test_client()
    sign_in(applicant, "a@example.org")
    started = post(applicant, "/apply/site_visit", {})
    assert started.status_code == 302
    assert "Arrival time" in applicant.get(started.headers["Location"]).get_data(as_text=True)

    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    page = admin.get("/admin/definitions").get_data(as_text=True)
    assert "Files on disk with problems" in page
    assert f"forms/site_visit.yaml:{line}</code>" in page
    assert "did you mean &#39;label&#39;?" in page
    # Fixed on disk, the file is no longer listed, even before anything is published.
    (root / FORM).write_text((root / FORM).read_text().replace(BROKEN_LABEL, GOOD_LABEL))
    assert "Files on disk with problems" not in admin.get("/admin/definitions").get_data(
        as_text=True
    )


def test_broken_files_and_nothing_published_still_serve_the_site(
    tmp_path: Path, database_url: str
) -> None:
    root = _copy(tmp_path)
    _break(root)
    app = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(root))
    assert app.extensions["formflow"].registry.loaded().workflows == {}
    client = app.test_client()
    assert client.get("/").status_code == 200
    make_user(app, "a@example.org")
    sign_in(client, "a@example.org")
    assert post(client, "/apply/site_visit", {}).status_code == 404


def test_flask_lint_prints_every_problem_and_exits_1(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    form_line = _break(root)
    workflow = root / WORKFLOW
    workflow.write_text(workflow.read_text().replace("to: sent", "to: snet"))
    flow_line = _line_of(workflow, "to: snet")
    result = _flask(tmp_path, root, "lint", str(root))
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()
    assert any(f"site_visit.yaml:{form_line}:" in out and "'lable'" in out for out in lines), lines
    assert any(f"site_visit.yaml:{flow_line}:" in out and "'sent'" in out for out in lines), lines
    assert "2 problems found." in result.stderr


def test_flask_lint_passes_on_the_shipped_definitions(tmp_path: Path) -> None:
    result = _flask(tmp_path, ROOT, "lint")
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


def test_the_worker_runs_on_broken_files_and_publishing_refuses_them(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    upgrade(f"sqlite:///{tmp_path / 'cli.sqlite'}")
    assert _flask(tmp_path, root, "definitions", "publish").returncode == 0
    _break(root)
    worked = _flask(tmp_path, root, "worker", "--once")
    assert worked.returncode == 0, worked.stdout + worked.stderr
    assert "'lable'" in worked.stderr  # logged, where the operator reads it
    for args in (("definitions", "publish"), ("demo", "load"), ("scenarios",)):
        refused = _flask(tmp_path, root, *args)
        assert refused.returncode != 0, (args, refused.stdout)
        assert "The definitions have problems; fix them first:" in refused.stderr, args
        assert "'lable'" in refused.stderr, args


def test_only_the_commands_that_work_from_the_files_refuse_broken_ones(app: Flask) -> None:
    checked = {
        name
        for name, command in app.cli.commands.items()
        if isinstance(command, (CheckedCommand, CheckedGroup))
    }
    assert checked == {"definitions", "demo", "scenarios"}


def test_a_gunicorn_worker_killed_on_broken_files_comes_back(tmp_path: Path) -> None:
    """The reported outage: a broken file saved on disk, then one worker dies."""
    root = _copy(tmp_path)
    database = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    upgrade(database)
    assert _flask(tmp_path, root, "definitions", "publish").returncode == 0
    port = free_port()
    env = {
        **os.environ,
        "FORMFLOW_DATABASE_URL": database,
        "FORMFLOW_DEFINITIONS_DIR": str(root),
        "FORMFLOW_SECRET_KEY": "gunicorn on broken files",
    }
    log = tmp_path / "gunicorn.log"
    url = f"http://127.0.0.1:{port}/rules/site_visit"
    gunicorn = str(Path(sys.executable).with_name("gunicorn"))
    with log.open("w") as errors:
        server = subprocess.Popen(
            [gunicorn, "--workers", "1", "--bind", f"127.0.0.1:{port}", "app:create_app()"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
        )
        try:
            assert "Arrival time" in _page(server, url, log)
            _break(root)
            children = subprocess.run(
                ["pgrep", "-P", str(server.pid)], capture_output=True, text=True, check=True
            )
            (worker,) = [int(pid) for pid in children.stdout.split()]
            os.kill(worker, signal.SIGKILL)
            time.sleep(0.5)
            assert "Arrival time" in _page(server, url, log)
            assert server.poll() is None, log.read_text()
        finally:
            server.terminate()
            server.wait(timeout=15)
    assert "Worker failed to boot" not in log.read_text()


def _page(server: subprocess.Popen[bytes], url: str, log: Path) -> str:
    """Return the page once the server answers; fail with its log if it stops or stays silent."""
    for _ in range(300):
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                return str(response.read().decode())
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{log.read_text()}") from None
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer:\n{log.read_text()}")
