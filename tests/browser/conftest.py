"""Browser-test fixtures: the app on a live port, Debian's Chromium, and axe-core checks.

- `live_server`: the app (on the `database_url` database, mailing to `smtp_server`)
  served by Werkzeug on 127.0.0.1 and a free port, in a daemon thread.
- `chromium_browser`: Debian's Chromium through Playwright's plain sync API
  (Playwright cannot download its own browsers here). It is module-scoped on purpose:
  Playwright refuses a second sync_playwright() while one is running, so a session-wide
  browser would break any other module that starts its own.
- `axe_check`: call it with a page after each navigation; it runs axe-core with the
  WCAG 2.0/2.1 A and AA rules, prints what it finds, and `assert_clean()` fails with
  the rule, impact, elements and help text of every violation seen.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, sync_playwright
from werkzeug.serving import make_server

from tests.conftest import make_test_app
from tests.web.helpers import copy_definitions

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


@dataclass(frozen=True)
class LiveServer:
    """The app being served, and the address the browser opens."""

    url: str
    app: Flask


def editable_definitions(tmp_path: Path) -> dict[str, Any]:
    """Config for a live app that edits a copy of the definition files, followed at once."""
    root = copy_definitions(tmp_path / "definitions")
    return {"DEFINITIONS_DIR": str(root), "DEFINITIONS_REFRESH_SECONDS": 0}


@pytest.fixture
def live_overrides() -> dict[str, Any]:
    """Extra config for the live app; a test module redefines it to change the app."""
    return {}


@pytest.fixture
def live_server(
    database_url: str, tmp_path: Path, smtp_server: Any, live_overrides: dict[str, Any]
) -> Iterator[LiveServer]:
    """Serve a fresh app on a free port; it mails to the test's real SMTP server."""
    # The app needs its own address as BASE_URL (links in emails), and the address is
    # known only once the server has bound port 0; so the server starts with a
    # dispatcher and the app is plugged in right after.
    holder: dict[str, WsgiApp] = {}

    def dispatch(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        return holder["app"](environ, start_response)

    server = make_server("127.0.0.1", 0, dispatch, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app = make_test_app(
        database_url,
        tmp_path,
        SMTP_HOST=smtp_server.host,
        SMTP_PORT=smtp_server.port,
        BASE_URL=url,
        **live_overrides,
    )
    holder["app"] = app
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield LiveServer(url=url, app=app)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        app.extensions["formflow"].db.dispose()


@pytest.fixture(scope="module")
def chromium_browser() -> Iterator[Browser]:
    """Debian's Chromium, headless, shared by the tests of one module."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def _shorten(html: str, limit: int = 300) -> str:
    return html if len(html) <= limit else html[: limit - 3] + "..."


@dataclass(frozen=True)
class Violation:
    """One axe-core rule broken on one page."""

    url: str
    title: str
    rule: str
    impact: str
    help: str
    help_url: str
    targets: tuple[str, ...]
    html: tuple[str, ...]

    def describe(self) -> str:
        """Say what is wrong, where, and how to find out more."""
        lines = [
            f"{self.rule} ({self.impact}) on {self.url} [{self.title}]: {self.help}",
            f"  more: {self.help_url}",
        ]
        for target, html in zip(self.targets, self.html, strict=True):
            lines.append(f"  - {target}: {html}")
        return "\n".join(lines)


@dataclass
class AxeCheck:
    """Runs axe-core on pages and keeps every violation it finds."""

    axe: Axe = field(default_factory=Axe)
    violations: list[Violation] = field(default_factory=list)
    pages_checked: list[str] = field(default_factory=list)

    def __call__(self, page: Page) -> list[Violation]:
        """Check the page as it is now; return (and keep) what axe-core found."""
        page.wait_for_load_state()
        results = self.axe.run(
            page,
            options={"runOnly": {"type": "tag", "values": AXE_TAGS}, "resultTypes": ["violations"]},
        )
        found = []
        title = page.title()
        for rule in results.response["violations"]:
            nodes = rule["nodes"]
            found.append(
                Violation(
                    url=page.url,
                    title=title,
                    rule=rule["id"],
                    impact=str(rule.get("impact")),
                    help=rule["help"],
                    help_url=rule["helpUrl"],
                    targets=tuple(" ".join(map(str, n["target"])) for n in nodes),
                    html=tuple(_shorten(n["html"]) for n in nodes),
                )
            )
        for violation in found:
            print("axe:", violation.describe())
        self.pages_checked.append(page.url)
        self.violations.extend(found)
        return found

    def report(self) -> str:
        """Every violation seen, one block each."""
        return "\n".join(v.describe() for v in self.violations)

    def assert_clean(self) -> None:
        """Fail with the full list when any page broke a WCAG A/AA rule."""
        assert not self.violations, (
            f"axe-core found {len(self.violations)} WCAG 2.0/2.1 A/AA violation(s) on "
            f"{len(self.pages_checked)} page checks:\n{self.report()}"
        )


@pytest.fixture
def axe_check() -> AxeCheck:
    """A fresh axe-core checker; call it with a page after every navigation."""
    return AxeCheck()


@pytest.fixture
def browser_context(chromium_browser: Browser) -> Iterator[Callable[[], BrowserContext]]:
    """A factory of fresh browser contexts (own cookies), all closed at the end."""
    contexts: list[BrowserContext] = []

    def new() -> BrowserContext:
        context = chromium_browser.new_context()
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    try:
        yield new
    finally:
        for context in contexts:
            context.close()
