"""Every publication of a definition is listed with what it changed; an earlier version
opens in the editor and, published again, is in force again."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.web.helpers import EDITOR, publish_text, signed_in_admin

ADMIN = EDITOR
URL = "/admin/definitions/workflow/single_event"


def test_each_publication_is_listed_with_its_changes_and_can_be_put_back(
    editable: tuple[Flask, Path],
) -> None:
    app, root = editable
    admin = signed_in_admin(app)
    path = root / "workflows" / "single_event.yaml"
    original = path.read_text()
    page = admin.get(f"{URL}/versions").get_data(as_text=True)
    assert "The first version published" in page and "In force" in page
    assert "Open publication 1 in the editor" not in page  # it is the one in force

    longer = original.replace("    due: {business_days: 7}\n", "    due: {business_days: 10}\n")
    assert publish_text(admin, URL, longer).status_code == 302
    page = admin.get(f"{URL}/versions").get_data(as_text=True)
    assert "1 line added, 1 removed" in page
    assert "Publication 2: what changed since publication 1" in page
    assert '<span class="app-diff--removed">−     due: {business_days: 7}</span>' in page
    assert '<span class="app-diff--added">+     due: {business_days: 10}</span>' in page
    assert f"by {ADMIN}" not in page and ADMIN in page
    assert "Open publication 1 in the editor" in page

    # Going back: the earlier text opens in the editor, and nothing changes until published.
    link = page.split("Open publication 1 in the editor")[0].rsplit('href="', 1)[1].split('"')[0]
    editor = admin.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert "published before. Nothing has changed yet" in editor
    assert "    due: {business_days: 7}" in editor
    assert "business_days: 10}" in path.read_text()
    assert "Decided within 10 business days." in admin.get("/rules/single_event").text

    assert publish_text(admin, URL, original).status_code == 302
    assert path.read_text() == original
    assert "Decided within 7 business days." in admin.get("/rules/single_event").text
    page = admin.get(f"{URL}/versions").get_data(as_text=True)
    assert "Publication 3: what changed since publication 2" in page
    assert page.count("In force") == 1
    assert '3 <span class="usa-tag">In force</span>' in page


def test_an_unknown_version_or_definition_is_not_found(editable: tuple[Flask, Path]) -> None:
    app, _ = editable
    admin = signed_in_admin(app)
    assert admin.get(f"{URL}?version=000000000000").status_code == 404
    assert admin.get("/admin/definitions/workflow/no_such/versions").status_code == 404
