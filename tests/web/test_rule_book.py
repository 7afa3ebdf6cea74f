"""The public rule book says, from the YAML, what is asked, who decides and by when; a
rule changed in the YAML changes the page."""

from __future__ import annotations

from pathlib import Path

from flask import Flask

from tests.conftest import make_test_app
from tests.web.helpers import copy_definitions, replace_in


def test_the_single_event_rules_in_plain_words(app: Flask) -> None:
    page = app.test_client().get("/rules/single_event").get_data(as_text=True)
    assert "Single-event approval: the rules" in page
    assert "Anyone with an account, for themselves." in page
    # What is asked, page by page, with what is required and when a question is asked.
    assert 'Event title <span class="text-base">(required)</span>' in page
    assert "asked only when format is in person or hybrid" in page.lower()
    assert "(given from 1 to 60 times)" in page
    # Who decides and by when, including the exception staff may make.
    assert "Decided within 7 business days." in page
    assert "“Approve”: agency reviewers, and it becomes Approved." in page
    assert "Apply at least 10 days before the first date of the event." in page
    assert "Agency staff may make an exception, with a written reason." in page
    assert "Number of certificates issued: due 30 days after each date." in page
    assert "A reminder is emailed 7 and 1 days before it is due." in page
    assert "at least 5 years after the decision (ARM 10.57.216)" in page


def test_the_portal_rules_list_the_refusal_reasons(app: Flask) -> None:
    page = app.test_client().get("/rules/portal_item").get_data(as_text=True)
    assert "People who work for an approved provider" in page
    assert (
        "The reason given is one of: Sales-based; Conflicts with Montana&#39;s content "
        "standards or initiatives; Not related to education; Missing key details"
    ) in page


def test_a_rule_changed_in_the_yaml_changes_the_page(tmp_path: Path, database_url: str) -> None:
    definitions = copy_definitions(tmp_path / "definitions")
    replace_in(
        definitions / "workflows" / "single_event.yaml",
        "    due: {business_days: 7}\n",
        "    due: {business_days: 10}\n",
    )
    changed = make_test_app(database_url, tmp_path, DEFINITIONS_DIR=str(definitions))
    try:
        page = changed.test_client().get("/rules/single_event").get_data(as_text=True)
    finally:
        changed.extensions["formflow"].db.dispose()
    assert "Decided within 10 business days." in page
    assert "Decided within 7 business days." not in page
