# The two commands of the README, and a few more for developers.
# Pipenv keeps the virtualenv in ./.venv; it is installed with pip if missing.
SHELL := /bin/bash
export PIPENV_VENV_IN_PROJECT := 1
export PIPENV_VERBOSITY := -1
export PIPENV_NOSPIN := 1
PIPENV := $(shell command -v pipenv 2>/dev/null || echo python3 -m pipenv)

.PHONY: run test install install-dev migrate lint format check-migrations bench screenshots clean messages

run: install migrate ## install, migrate the database, start the bot (console chat without a token)
	$(PIPENV) run python -m bot

test: install-dev ## run the whole test suite (PostgreSQL too when TEST_DATABASE_URL is set)
	$(PIPENV) run pytest

install: .venv/.installed
install-dev: .venv/.installed-dev

.venv/.installed: Pipfile.lock
	@command -v pipenv >/dev/null 2>&1 || python3 -m pipenv --version >/dev/null 2>&1 || python3 -m pip install --quiet --user pipenv || python3 -m pip install --quiet pipenv
	$(PIPENV) sync
	@touch $@

.venv/.installed-dev: Pipfile.lock
	@command -v pipenv >/dev/null 2>&1 || python3 -m pipenv --version >/dev/null 2>&1 || python3 -m pip install --quiet --user pipenv || python3 -m pip install --quiet pipenv
	$(PIPENV) sync --dev
	@touch $@ .venv/.installed

migrate: install ## bring the database at DATABASE_URL (default sqlite:///librium.sqlite) to the latest schema
	$(PIPENV) run alembic upgrade head

check-migrations: install
	$(PIPENV) run alembic check

lint: install-dev
	$(PIPENV) run ruff check .
	$(PIPENV) run ruff format --check .

format: install-dev
	$(PIPENV) run ruff format .
	$(PIPENV) run ruff check --fix .

bench: install-dev ## speed and memory benchmarks (print tables)
	$(PIPENV) run python -m bench.search
	$(PIPENV) run python -m bench.barcodes
	$(PIPENV) run python -m bench.importing
	$(PIPENV) run python -m bench.charts
	$(PIPENV) run python -m bench.webapp

LANGUAGES := es de fr pt_BR ru uk it pl
messages: install-dev ## extract the texts to translate into librium/locale/*.po (then translate the new ones)
	$(PIPENV) run pybabel extract -F babel.cfg --no-location --sort-output --omit-header -w 100 \
		-o librium/locale/librium.pot bot librium
	for lang in $(LANGUAGES); do \
		if [ -f librium/locale/$$lang/LC_MESSAGES/librium.po ]; then \
			$(PIPENV) run pybabel update -D librium -d librium/locale -i librium/locale/librium.pot -l $$lang \
				--no-fuzzy-matching --ignore-obsolete -w 100; \
		else \
			$(PIPENV) run pybabel init -D librium -d librium/locale -i librium/locale/librium.pot -l $$lang; \
		fi; \
	done
	# No dates in the headers: they would change (and conflict) on every run.
	sed -i '/^"POT-Creation-Date:/d; /^"PO-Revision-Date:/d' librium/locale/*/LC_MESSAGES/librium.po

screenshots: install-dev ## the Mini App at 390x844, light and dark, into docs/images/ (needs Debian's chromium)
	$(PIPENV) run python -m tests.webapp.screenshots

clean:
	rm -rf .venv .pytest_cache .ruff_cache
