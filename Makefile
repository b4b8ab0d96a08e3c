# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed

.PHONY: run test install lint bench-grouping bench-peer-review bench-reminders bench-pages bench-markdown clean

$(INSTALLED): requirements.txt requirements-dev.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info >= (3, 11), "Python 3.11 or newer is needed"'
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(INSTALLED)

## Install, migrate, load the demo course and users, and serve with a Celery worker and beat.
run: install
	scripts/run-demo

## The whole suite: lint, migrations check and every test, on throwaway PostgreSQL and Redis.
test: install lint
	scripts/with-services scripts/test-suite

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench-grouping: install
	$(PY) -m bench.grouping

bench-peer-review: install
	$(PY) -m bench.peer_review

bench-reminders: install
	scripts/with-services $(PY) -m bench.reminders

bench-pages: install
	scripts/with-services $(PY) -m bench.pages

bench-markdown: install
	$(PY) -m bench.markdown

clean:
	rm -rf $(VENV) var staticfiles
