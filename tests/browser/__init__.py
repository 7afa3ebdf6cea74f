"""Browser tests: Playwright on Debian's Chromium, with axe-core checks."""
