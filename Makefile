# The two set-up commands of the README: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
HOST ?= 127.0.0.1
PORT ?= 8000

.PHONY: run test lint migrate seed browser pdf clean translations translations-update i18n-check fonts bench

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

migrate: $(STAMP)
	$(BIN)/amane migrate

seed: migrate
	$(BIN)/amane content load
	$(BIN)/amane demo seed

run: seed pdf translations fonts
	$(BIN)/uvicorn --factory server:create_app --host $(HOST) --port $(PORT)

# Interface translations: locales/<language>/LC_MESSAGES/messages.po, compiled to .mo here.
CATALOGS := $(wildcard locales/*/LC_MESSAGES/messages.po)
translations: $(CATALOGS:.po=.mo)

%.mo: %.po $(STAMP)
	@$(BIN)/pybabel -q compile --use-fuzzy -i $< -o $@

# After changing messages in code or templates: refresh the catalogues, then translate.
translations-update: $(STAMP)
	$(BIN)/pybabel extract -F babel.cfg -k N_ --no-location --omit-header -o locales/messages.pot training courses quizzes certificates reports templates
	$(BIN)/pybabel update -i locales/messages.pot -d locales --no-fuzzy-matching --ignore-obsolete

# Fails on a message missing from a catalogue, a fuzzy or stale entry, or bare template text.
i18n-check: $(STAMP)
	$(BIN)/python -m training.i18n_check

# Arabic web font, served from static/fonts (Debian's fonts-noto-core; never a CDN).
NOTO := /usr/share/fonts/truetype/noto
fonts: static/fonts/NotoSansArabic-Regular.ttf static/fonts/NotoSansArabic-Bold.ttf
static/fonts/%.ttf:
	@test -f $(NOTO)/$*.ttf || { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq fonts-noto-core >/dev/null; }
	mkdir -p static/fonts && cp $(NOTO)/$*.ttf $@

# Debian's chromium drives the end-to-end browser tests.
browser:
	@command -v chromium >/dev/null || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }

# WeasyPrint renders certificates with pango, Amiri (Arabic) and EB Garamond (French).
PDF_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-hosny-amiri fonts-ebgaramond fonts-dejavu-core
pdf:
	@dpkg -s $(PDF_PACKAGES) >/dev/null 2>&1 || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(PDF_PACKAGES) >/dev/null; }

# With AMANE_TEST_POSTGRES_URL (a server and a role allowed to create databases, e.g. from
# bench/pgcluster.sh), the suite runs a second time on PostgreSQL.
test: $(STAMP) browser pdf translations fonts i18n-check
	$(BIN)/ruff check .
	AMANE_TEST_DATABASE=sqlite $(BIN)/pytest
	if [ -n "$$AMANE_TEST_POSTGRES_URL" ]; then AMANE_TEST_DATABASE=postgres $(BIN)/pytest; fi

# Benchmarks (never part of `make test`): SQLite and PostgreSQL, written to bench/RESULTS.md.
# Options for bench/run.py through BENCH_ARGS, e.g. BENCH_ARGS="--backends sqlite --seconds 5".
bench: $(STAMP) pdf translations
	$(BIN)/python -m bench.run $(BENCH_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
