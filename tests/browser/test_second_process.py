"""A version published in the browser is in force in other processes without a restart:
gunicorn with two workers, started beforehand on the same database and files, serves
the new rules to Chromium at once, from whichever worker answers."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.conftest import AxeCheck, LiveServer, editable_definitions
from tests.browser.test_registration_story import Story
from tests.conftest import ROOT
from tests.web.helpers import PASSWORD, make_user


@pytest.fixture
def live_overrides(tmp_path: Path) -> dict[str, Any]:
    """The live app edits a copy of the definition files, never the repository's."""
    return editable_definitions(tmp_path)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def gunicorn(live_server: LiveServer, database_url: str, tmp_path: Path) -> Iterator[str]:
    """Serve the same database and definition files from gunicorn, two workers."""
    port = _free_port()
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FORMFLOW_DEFINITIONS_DIR": str(tmp_path / "definitions"),
        "FORMFLOW_DEFINITIONS_REFRESH_SECONDS": "0",
        "FORMFLOW_SECRET_KEY": "a second process of the same deployment",
    }
    log = tmp_path / "gunicorn.log"
    url = f"http://127.0.0.1:{port}"
    command = [
        str(Path(sys.executable).with_name("gunicorn")),
        "--workers",
        "2",
        "--bind",
        f"127.0.0.1:{port}",
        "app:create_app()",
    ]
    with log.open("w") as errors:
        server = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors
        )
        try:
            _wait_for(server, f"{url}/rules/single_event", log)
            yield url
        finally:
            server.terminate()
            server.wait(timeout=15)


def _wait_for(server: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Return once the server answers; fail with its log if it stops or stays silent."""
    for _ in range(150):
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if server.poll() is not None:
                raise AssertionError(f"gunicorn stopped:\n{log.read_text()}") from None
            time.sleep(0.1)
    raise AssertionError(f"gunicorn did not answer within 15 seconds:\n{log.read_text()}")


def test_a_publication_is_in_force_in_every_gunicorn_worker(
    live_server: LiveServer,
    gunicorn: str,
    chromium_browser: Browser,
    axe_check: AxeCheck,
    tmp_path: Path,
) -> None:
    make_user(live_server.app, "ada@opi.example.gov", "admin", "reviewer")
    context = chromium_browser.new_context()
    page = context.new_page()
    # Every worker serves the version in force when it started.
    for _ in range(4):
        page.goto(f"{gunicorn}/rules/single_event")
        expect(page.get_by_text("Decided within 7 business days.")).to_be_visible()

    story = Story(context.new_page(), live_server.url, axe_check)
    story.go("/")
    story.sign_in("ada@opi.example.gov", PASSWORD)
    story.go("/admin/definitions/workflow/single_event")
    path = tmp_path / "definitions" / "workflows" / "single_event.yaml"
    story.page.get_by_label("The YAML of workflows/single_event.yaml").fill(
        path.read_text().replace("    due: {business_days: 7}\n", "    due: {business_days: 9}\n")
    )
    story.press("Publish")
    expect(story.page.get_by_role("status").first).to_contain_text("Published workflow")

    # No restart: each request, whichever worker takes it, has the new deadline.
    for _ in range(6):
        page.goto(f"{gunicorn}/rules/single_event")
        expect(page.get_by_text("Decided within 9 business days.")).to_be_visible()
    context.close()
    axe_check.assert_clean()
