# The two commands of the README: `make run` and `make test`. Everything they need is
# installed on first use; nothing else has to be set up by hand.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
USWDS_VERSION := 3.14.0
FLASK := $(BIN)/flask --app app
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint install browser fonts db demo clean bench

$(VENV)/.installed: pyproject.toml
	test -d $(VENV) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

# USWDS comes from its npm package, unpacked into static/ (not kept in git).
static/uswds/.installed:
	rm -rf static/uswds && mkdir -p static/uswds
	cd static/uswds && npm pack --silent @uswds/uswds@$(USWDS_VERSION) >/dev/null \
	  && tar -xzf uswds-uswds-$(USWDS_VERSION).tgz --strip-components=2 \
	       package/dist/css/uswds.min.css package/dist/js/uswds.min.js package/dist/fonts package/dist/img \
	  && tar -xzf uswds-uswds-$(USWDS_VERSION).tgz --strip-components=1 package/LICENSE.md \
	  && rm -rf uswds-uswds-$(USWDS_VERSION).tgz img/material-icons
	touch $@

install: $(VENV)/.installed static/uswds/.installed

# Debian's Chromium drives the browser tests; Playwright cannot download browsers here.
browser:
	@test -x /usr/bin/chromium || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq chromium)

# Certificates print names in any script: a fallback font with Chinese, Japanese and Korean
# letters comes from the system packages (the PDF check refuses a letter no font has).
FALLBACK_FONT := /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf
fonts:
	@test -f $(FALLBACK_FONT) || ($(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq fonts-droid-fallback)

db: install fonts
	$(FLASK) db upgrade

run: install db
	$(FLASK) definitions publish
	$(FLASK) demo load
	@# The worker (outbox delivery and retries) runs beside the server and stops with it.
	FORMFLOW_MAIL_BACKEND=console sh -c 'trap "kill 0" INT TERM EXIT; \
	  $(FLASK) worker --interval 30 & \
	  $(FLASK) run --host 127.0.0.1 --port 5000'

# In parallel (a worker per core); coverage of engine/ and app.py must stay at its floor.
test: install browser fonts
	$(BIN)/pytest -q -n auto --dist worksteal --cov --cov-report=term:skip-covered

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check engine app.py tests bench
	$(BIN)/mypy
	$(FLASK) lint

bench: install
	$(BIN)/python bench/submit.py
	$(BIN)/python bench/worker.py
	$(BIN)/python bench/directory.py
	$(BIN)/python bench/listings.py
	$(BIN)/python bench/certificates.py
	$(BIN)/python bench/upgrades.py
	$(BIN)/python bench/review_queue.py

clean:
	rm -rf $(VENV) static/uswds instance .pytest_cache .mypy_cache .ruff_cache
