"""`flask definitions diff`: what edited files change against the versions published, and
which applications under way it concerns (they stay on their version)."""

from __future__ import annotations

import re
from pathlib import Path

from flask import Flask

from tests.conftest import make_test_app
from tests.web.helpers import copy_definitions, make_user, post, replace_in, sign_in


def _edited(tmp_path: Path) -> Path:
    definitions = copy_definitions(tmp_path / "edited")
    anchor = "      - id: cost\n"
    replace_in(
        definitions / "forms" / "single_event_application.yaml",
        anchor,
        "      - id: capacity\n        type: whole_number\n        label: Seats available\n"
        "        required: true\n" + anchor,
    )
    replace_in(definitions / "workflows" / "single_event.yaml", "at_least: 10}", "at_least: 14}")
    return definitions


def test_the_diff_names_each_change_and_the_applications_under_way(
    app: Flask, database_url: str, tmp_path: Path
) -> None:
    runner = app.test_cli_runner()
    assert (
        "Published workflow single_event" in runner.invoke(args=["definitions", "publish"]).output
    )
    assert "nothing to change" in runner.invoke(args=["definitions", "diff"]).output
    make_user(app, "casey@library.example.org")
    client = app.test_client()
    sign_in(client, "casey@library.example.org")
    assert post(client, "/apply/single_event", {}).status_code == 302

    edited = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(_edited(tmp_path)))
    try:
        output = edited.test_cli_runner().invoke(args=["definitions", "diff"]).output
    finally:
        edited.extensions["formflow"].db.dispose()
    assert "workflow single_event: the files" in output
    assert (
        "  - the checks of 'Send the application' (submit: draft → submitted) change  "
        "[applications under way]"
    ) in output
    assert (
        "  - a new required question: 'Seats available' (capacity)  [applications under way]"
        in (output)
    )
    assert "Applications under way stay on the version they started on: 1 in draft." in output
    # What it means for the draft under way, though it stays where it is.
    assert re.search(
        r"  \d{6} \(draft\): the checks of 'Send the application' change; it has no answer "
        r"to the new required question 'Seats available'\n",
        output,
    )
    # The other workflows did not change.
    assert "workflow event_report" not in output
