"""The public provider directory and the registration start page's check, through HTTP."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from engine.organizations import memberships as orgs
from engine.organizations.directory import PAGE_SIZE
from engine.platform.web.security import HEADERS
from tests.web.helpers import make_user, sign_in


def listed(app: Flask, name: str, status: str = orgs.ACTIVE, **contact: str) -> str:
    """Add an organization straight to the database; return its number."""
    with app.extensions["formflow"].db.transaction() as session:
        organization = orgs.create_organization(session, name=name, **contact)
        organization.status = status
        return organization.number


def names_on(page: str) -> list[str]:
    """The provider names of the directory table, in order."""
    return re.findall(r'<th scope="row">(.*?)</th>', page)


def status_of(page: str) -> str:
    match = re.search(r'<p role="status" id="directory-count">(.*?)</p>', page, re.S)
    assert match, "no results count"
    return " ".join(match.group(1).split())


def get(client: FlaskClient, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_only_active_providers_are_listed_by_name_with_their_contact(app: Flask) -> None:
    listed(
        app,
        "Treasure State Learning Cooperative",
        email="Info@TSLC.example.org",
        phone="406 555 0102",
        website="https://tslc.example.org",
    )
    listed(app, "big Sky Teacher Academy")
    listed(app, "Closed Down Institute", status=orgs.INACTIVE)
    page = get(app.test_client(), "/providers")
    assert names_on(page) == ["big Sky Teacher Academy", "Treasure State Learning Cooperative"]
    assert "Closed Down Institute" not in page
    assert status_of(page) == "2 approved providers."
    assert '<a class="usa-link" href="mailto:info@tslc.example.org">' in page
    assert 'href="tel:4065550102">406 555 0102</a>' in page
    assert '<a class="usa-link" href="https://tslc.example.org">' in page
    assert "RUP-0002" in page


def test_a_search_with_typos_finds_the_provider_best_first(app: Flask) -> None:
    listed(app, "Big Sky Teacher Academy")
    listed(app, "Treasure State Learning Cooperative")
    listed(app, "Flathead Valley Schools")
    listed(app, "Big Sky Academy")
    client = app.test_client()
    page = get(client, "/providers?q=Big+Sky+Teachr+Acadmy")
    assert names_on(page)[0] == "Big Sky Teacher Academy"
    assert "Flathead" not in page
    page = get(client, "/providers?q=flathed+valley")
    assert names_on(page) == ["Flathead Valley Schools"]
    assert status_of(page) == "1 provider matches “flathed valley”, best matches first."
    assert names_on(get(client, "/providers?q=treasure+state+cooperative")) == [
        "Treasure State Learning Cooperative"
    ]
    assert names_on(get(client, "/providers?q=RUP-0002")) == ["Treasure State Learning Cooperative"]
    assert names_on(get(client, "/providers?q=%20%20")) == [
        "Big Sky Academy",
        "Big Sky Teacher Academy",
        "Flathead Valley Schools",
        "Treasure State Learning Cooperative",
    ]


def test_no_match_says_so(app: Flask) -> None:
    listed(app, "Big Sky Teacher Academy")
    page = get(app.test_client(), "/providers?q=Glacier")
    assert names_on(page) == []
    assert "<table" not in page
    assert status_of(page).startswith("No provider matches “Glacier”.")


def test_an_inactive_provider_is_never_found(app: Flask) -> None:
    listed(app, "Closed Down Institute", status=orgs.INACTIVE)
    page = get(app.test_client(), "/providers?q=Closed+Down+Institute")
    assert "No provider matches" in page and '<th scope="row">' not in page


def test_names_and_searches_are_escaped(app: Flask) -> None:
    listed(app, "<script>alert(1)</script> & Sons", website="javascript:alert(2)")
    client = app.test_client()
    page = get(client, "/providers")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; Sons" in page
    # A website that is not a web address is shown, never linked.
    assert 'href="javascript:' not in page
    page = get(client, "/providers?q=%3Cb%3Ebold%3C%2Fb%3E")
    assert "<b>bold</b>" not in page and "&lt;b&gt;bold&lt;/b&gt;" in page


def test_a_long_directory_is_paged(app: Flask) -> None:
    for i in range(PAGE_SIZE + 3):
        listed(app, f"Provider {i:03d} Academy")
    client = app.test_client()
    first = get(client, "/providers")
    assert len(names_on(first)) == PAGE_SIZE
    assert status_of(first) == f"{PAGE_SIZE + 3} approved providers. Page 1 of 2."
    assert 'href="/providers?page=2"' in first and 'aria-current="page"' in first
    second = get(client, "/providers?page=2")
    assert names_on(second) == [
        f"Provider {i:03d} Academy" for i in range(PAGE_SIZE, PAGE_SIZE + 3)
    ]
    # A page past the end, or not a number, shows a real page.
    assert names_on(get(client, "/providers?page=99")) == names_on(second)
    assert len(names_on(get(client, "/providers?page=abc"))) == PAGE_SIZE


def test_the_directory_carries_the_security_headers_and_is_linked(app: Flask) -> None:
    client = app.test_client()
    response = client.get("/providers")
    for name, value in HEADERS.items():
        assert response.headers[name] == value
    home = get(client, "/")
    # Header, home page text and footer.
    assert home.count('href="/providers"') == 3


def test_the_registration_start_page_warns_of_a_similar_provider(app: Flask) -> None:
    number = listed(app, "Big Sky Teacher Academy")
    listed(app, "Closed Down Institute", status=orgs.INACTIVE)
    make_user(app, "applicant@example.org")
    client = app.test_client()
    sign_in(client, "applicant@example.org")
    page = get(client, "/apply/provider_registration")
    assert 'for="organization_name">Name of your organization</label>' in page
    assert "is already an approved provider." not in page
    assert page.index(">Check</button>") < page.index("Start now")

    page = get(client, "/apply/provider_registration?organization_name=big+sky+teachr+academy")
    assert (
        "<strong>Big Sky Teacher Academy</strong> (RUP-0001) is already an approved provider."
        in page
    )
    link = f'href="/apply/access_request?organization={number}"'
    assert link in page
    assert page.index("is already an approved provider.") < page.index("Start now")
    # The link opens the access request with that provider already chosen.
    joining = get(client, f"/apply/access_request?organization={number}")
    assert (
        f'<option value="{number}" selected>Big Sky Teacher Academy ({number})</option>' in joining
    )

    page = get(client, "/apply/provider_registration?organization_name=Closed+Down+Institute")
    assert "is already an approved provider." not in page
    assert "No approved provider has a name like “Closed Down Institute”" in page


def test_a_workflow_without_the_key_has_no_check(app: Flask) -> None:
    listed(app, "Big Sky Teacher Academy")
    make_user(app, "applicant@example.org")
    client = app.test_client()
    sign_in(client, "applicant@example.org")
    page = get(client, "/apply/access_request?organization_name=Big+Sky+Teacher+Academy")
    assert "organization_name" not in page and "is already an approved provider." not in page
