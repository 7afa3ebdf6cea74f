"""Hostile values posted to every route, signed in and not: never a server error.

Every route of the app is found from its URL map, so a new page is fuzzed without a line
here. The values are the ones that broke pages before: digits int() refuses, numbers past
any column, impossible dates, huge texts, markup, control characters.
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask, url_for
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from engine.platform.models import Application
from tests.web.helpers import make_provider, make_user, post, sign_in, token

STAFF = "fuzz-staff@example.org"
HOSTILE = [
    "",
    " ",
    "²",
    "١٢",
    "-1",
    "0",
    "2147483648",
    "9223372036854775808",
    "9" * 5000,
    "1e309",
    "NaN",
    "2023-02-30",
    "12:75 PM",
    "x" * 5000,
    "<script>alert(1)</script>",
    "../../etc/passwd",
    "remove:other_users:²",
    "remove:x:99999999999999999999",
    "a\u202eb",
    "\ud7ff\ufffd",
    "yes",
    "on",
]
KEYS = [
    "email",
    "password",
    "new_password",
    "current_password",
    "name",
    "q",
    "page",
    "status",
    "comment",
    "reason",
    "trigger",
    "version",
    "selected",
    "action",
    "rows",
    "rows-1-name",
    "rows-1-dates",
    "organization_id",
    "user_id",
    "role",
    "assignee",
    "code",
    "format",
    "text",
    "version-1",
    "other_users-items",
    "other_users-0-name",
    "other_users-" + "9" * 60 + "-name",
    "count",
]
value = st.one_of(st.sampled_from(HOSTILE), st.text(max_size=40))
# The fixture makes a few of each row, so small ids name real ones.
IDS = ["1", "2", "3", "4", "5", "6", "2147483647", "2147483648", "99999999999999999999", "²"]


def _routes(app: Flask) -> list[tuple[str, str, list[str]]]:
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            found.append((rule.endpoint, method, sorted(rule.arguments)))
    return sorted(found)


def _vocabulary(app: Flask) -> tuple[list[str], list[str]]:
    """Return the words routes take (workflow names, page ids) and the names forms post."""
    registry = app.extensions["formflow"].registry
    words, keys = ["fuzz"], list(KEYS)
    for name in sorted(registry.workflow_names()):
        form = registry.latest(name).form
        words += [name, form.name, *(page.id for page in form.pages)]
        for field in form.fields():
            keys.append(field.id)
            if field.type == "group":
                keys += [f"{field.id}-items", f"{field.id}-0-name", f"{field.id}-{'9' * 5000}-x"]
                keys.append(f"remove:{field.id}:²")
    words += sorted(app.extensions["formflow"].listing_pages)
    return words, keys


def _url(app: Flask, endpoint: str, data: st.DataObject, words: list[str]) -> str:
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values: dict[str, Any] = {}
    for name in sorted(rule.arguments):
        converter = rule._converters.get(name)
        numeric = converter is not None and converter.regex == r"\d+"
        values[name] = data.draw(st.sampled_from(IDS if numeric else words + HOSTILE[:6]))
    with app.test_request_context():
        try:
            return url_for(endpoint, **values)
        except Exception:
            # A value the route's converter cannot build: the raw address is fuzzed instead.
            return rule.rule.replace("<", "").replace(">", "")


@pytest.fixture
def clients(app: Flask) -> dict[str, FlaskClient]:
    """A visitor, and one account holding every role with a provider to act for."""
    make_user(app, STAFF, "applicant", "reviewer", "admin")
    make_user(app, "fuzz-manager@example.org")
    make_provider(app, "Fuzz Learning", STAFF)
    staff = app.test_client()
    sign_in(staff, STAFF)
    # Drafts of every workflow, so the ids drawn name applications and their pages exist.
    organization = str(make_provider(app, "Fuzz Two", "fuzz-manager@example.org"))
    for name in sorted(app.extensions["formflow"].registry.workflow_names()):
        post(staff, f"/apply/{name}", {"organization_id": organization})
    return {"visitor": app.test_client(), "staff": staff}


@pytest.fixture
def tokens(clients: dict[str, FlaskClient]) -> dict[str, str]:
    """Each client's CSRF token, so posts reach the views instead of the CSRF check."""
    return {"visitor": token(clients["visitor"]), "staff": token(clients["staff"], "/account")}


def test_every_route_is_fuzzed(app: Flask) -> None:
    # The fuzz below covers what the URL map holds; an empty map would prove nothing.
    assert len(_routes(app)) > 50


@settings(
    max_examples=500,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    data=st.data(),
    who=st.sampled_from(["visitor", "staff"]),
)
def test_no_hostile_request_gets_a_server_error(
    app: Flask,
    clients: dict[str, FlaskClient],
    tokens: dict[str, str],
    data: st.DataObject,
    who: str,
) -> None:
    endpoint, method, arguments = data.draw(st.sampled_from(_routes(app)))
    words, keys = _vocabulary(app)
    fields = st.dictionaries(
        st.one_of(st.sampled_from(keys), st.text(max_size=12)), value, max_size=8
    )
    query, body = data.draw(fields), data.draw(fields)
    client = clients[who]
    url = _url(app, endpoint, data, words)
    if method == "GET":
        response = client.get(url, query_string=query)
    else:
        response = client.post(url, data={**body, "csrf_token": tokens[who]})
    assert response.status_code < 500, f"{method} {url} {query or body}"


def _drafts(app: Flask) -> list[tuple[int, str, list[str], list[str]]]:
    """Return each draft with each page of its form, the names it posts and its groups."""
    services = app.extensions["formflow"]
    found = []
    with services.db.reading() as session:
        drafts = session.scalars(select(Application).order_by(Application.id)).all()
        for draft in drafts:
            compiled = services.registry.compiled(
                draft.workflow, draft.workflow_version, draft.form_version
            )
            for page in compiled.form.pages:
                names, groups = [], []
                for field in page.fields:
                    names.append(field.id)
                    if field.type == "group":
                        groups.append(field.id)
                        names += [f"{field.id}-items", f"{field.id}-{'9' * 5000}-x"]
                        names += [f"{field.id}-0-{child.id}" for child in field.fields]
                found.append((draft.id, page.id, names, groups))
    return found


@settings(
    max_examples=250,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_no_hostile_answer_gets_a_server_error(
    app: Flask, clients: dict[str, FlaskClient], tokens: dict[str, str], data: st.DataObject
) -> None:
    application_id, page, names, groups = data.draw(st.sampled_from(_drafts(app)))
    actions = ["continue", "save", "add:fuzz", "remove:fuzz:0"]
    for group in groups:
        actions += [f"add:{group}", f"remove:{group}:0", f"remove:{group}:²", f"remove:{group}:-1"]
        actions.append(f"remove:{group}:{'9' * 5000}")
    body = data.draw(st.dictionaries(st.sampled_from(names), value, min_size=1, max_size=12))
    body["action"] = data.draw(st.sampled_from(actions))
    url = f"/applications/{application_id}/pages/{page}"
    response = clients["staff"].post(url, data={**body, "csrf_token": tokens["staff"]})
    assert response.status_code < 500, f"POST {url} {body}"
