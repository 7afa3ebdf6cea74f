"""Error pages: a friendly 500 in the site's layout, and one page per unhandled refusal."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Blueprint, Flask

from engine.applications.moves import Conflict, NotEditable
from engine.organizations.memberships import MembershipError
from engine.platform.web.security import public_route
from tests.conftest import make_test_app

SECRET = "the-database-password-is-hunter2"


def _failing_routes() -> Blueprint:
    bp = Blueprint("failing", __name__, url_prefix="/test-only")

    @bp.get("/crash")
    @public_route
    def crash() -> str:
        raise RuntimeError(SECRET)

    @bp.get("/applications/<int:application_id>/conflict")
    @public_route
    def conflict(application_id: int) -> str:
        raise Conflict()

    @bp.get("/not-editable")
    @public_route
    def not_editable() -> str:
        raise NotEditable("submitted")

    @bp.get("/membership")
    @public_route
    def membership() -> str:
        raise MembershipError("This application is not about any organization.")

    return bp


@pytest.fixture
def failing_app(database_url: str, tmp_path: Path) -> Iterator[Flask]:
    """An app with test-only routes that fail; exceptions become pages, as in production."""
    app = make_test_app(database_url, tmp_path, PROPAGATE_EXCEPTIONS=False)
    app.register_blueprint(_failing_routes())
    yield app
    app.extensions["formflow"].db.dispose()


def test_an_unexpected_failure_shows_the_500_page_in_the_layout(
    failing_app: Flask, caplog: pytest.LogCaptureFixture
) -> None:
    response = failing_app.test_client().get("/test-only/crash")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "Something went wrong on our side" in body
    assert 'class="usa-header' in body and "Provider directory" in body  # the layout
    assert SECRET not in body and "Traceback" not in body and "RuntimeError" not in body
    found = re.search(r"reference: <strong>([0-9a-f]{8})</strong>", body)
    assert found
    # The reference on the page is the one in the log, beside the traceback.
    assert any(found.group(1) in record.getMessage() for record in caplog.records)
    assert response.headers["X-Frame-Options"] == "DENY"  # headers as on every page


def test_a_conflict_shows_the_409_page_with_a_way_back(failing_app: Flask) -> None:
    response = failing_app.test_client().get("/test-only/applications/7/conflict")
    assert response.status_code == 409
    body = response.get_data(as_text=True)
    assert "This application changed while you were looking at it" in body
    assert "Someone else changed this application" in body and "Nothing you sent was saved" in body
    assert 'href="/applications/7"' in body and "Reload the application" in body
    assert 'class="usa-header' in body


def test_other_refusals_say_what_happened(failing_app: Flask) -> None:
    client = failing_app.test_client()
    locked = client.get("/test-only/not-editable")
    assert locked.status_code == 409
    assert "can no longer be changed" in locked.get_data(as_text=True)
    assert "submitted" not in locked.get_data(as_text=True)  # no state name shown
    refused = client.get("/test-only/membership")
    assert refused.status_code == 409
    assert "not about any organization" in refused.get_data(as_text=True)


def test_the_4xx_pages_are_still_shown(failing_app: Flask) -> None:
    missing = failing_app.test_client().get("/test-only/nowhere")
    assert missing.status_code == 404
    assert "Page not found" in missing.get_data(as_text=True)
