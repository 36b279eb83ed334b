# Stacks — two commands on a fresh Debian machine: `make demo` and `make test`.
# Both install what is missing (Debian packages, the .venv), then do their job.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Debian packages: the broker and its clients, the image decoder, a font with Vietnamese glyphs
# for labels, PostgreSQL for the integration tests and Chromium for the browser tests.
DEMO_PKGS := mosquitto mosquitto-clients libzbar0 fonts-dejavu-core
TEST_PKGS := $(DEMO_PKGS) postgresql chromium

# The gettext catalogs of every screen and message (docs/web.md): .po in the repository, .mo built here.
LOCALE_DIR := web/locale
CATALOGS   := $(foreach lang,vi en,$(LOCALE_DIR)/$(lang)/LC_MESSAGES/messages.po)

SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: demo test lint typecheck unit contract integration bench messages system-demo system-test venv clean

demo: system-demo venv
	$(BIN)/stacks demo

test: system-test venv lint typecheck
	$(BIN)/pytest -q

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: venv
	$(BIN)/mypy contract server edge devices stacks web tests

unit contract integration: venv
	$(BIN)/pytest -q -m $@

bench: system-demo venv
	$(BIN)/stacks bench ingest --events 20000 --json
	$(BIN)/stacks bench kiosk --kiosks 20 --json
	$(BIN)/stacks bench devices --json

venv: $(STAMP) $(CATALOGS:.po=.mo)

$(STAMP): pyproject.toml
	@command -v $(PYTHON) >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PKGS="python3 python3-venv"
	@$(PYTHON) -c 'import ensurepip' >/dev/null 2>&1 || $(MAKE) --no-print-directory apt PKGS=python3-venv
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --domain messages --input-file $< --output-file $@

# Collects the marked text of web/, server/ and edge/ (babel.cfg) and brings both catalogs up to date;
# then translate what is new or fuzzy, in Vietnamese and in English, and run tests/unit/web.
messages: venv
	$(BIN)/pybabel extract --mapping-file babel.cfg --output-file $(LOCALE_DIR)/messages.pot \
	  --project Stacks --copyright-holder "" --add-location file --sort-by-file \
	  --add-comments TRANSLATORS: .
	$(BIN)/pybabel update --input-file $(LOCALE_DIR)/messages.pot --output-dir $(LOCALE_DIR) \
	  --domain messages --ignore-obsolete --ignore-pot-creation-date

system-demo:
	@$(MAKE) --no-print-directory apt PKGS="$(DEMO_PKGS)"

system-test:
	@$(MAKE) --no-print-directory apt PKGS="$(TEST_PKGS)"

# Installs only the packages that are not installed yet; a no-op on a prepared machine.
apt:
	@missing=""; for p in $(PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "install ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  echo "installing Debian packages:$$missing"; \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	fi

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache $(CATALOGS:.po=.mo) $(LOCALE_DIR)/messages.pot
