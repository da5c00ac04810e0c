#!/usr/bin/env bash
# `make test` after set-up and training: every test, in CI order. Stops at the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

export PYTHONPATH=${PYTHONPATH:-$PWD}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-3}
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
PY=.venv/bin/python
RASA=.venv/bin/rasa
# Warnings are filtered by name in pyproject.toml ([tool.pytest.ini_options] filterwarnings).
# Every pytest tier runs in a shuffled order (pytest-random-order): the tiers without servers
# shuffle every test together, the tiers with servers shuffle modules and the tests in each
# (their servers start once per session or module). TEST_SEED=<n> repeats an order.
TEST_SEED=${TEST_SEED:-$((RANDOM * 32768 + RANDOM))}
PYTEST=(.venv/bin/python -m pytest -p no:cacheprovider -p random_order --random-order-seed="$TEST_SEED")
SHUFFLE_ALL=(--random-order-bucket=global)
SHUFFLE_MODULES=(--random-order-bucket=module)
# What the tests write (reports, screenshots, the story test results) goes to a temporary
# folder, kept for reading: TEST_OUT, else a new one. Servers keep their files in pytest's.
TEST_OUT=${TEST_OUT:-$(mktemp -d -t assistant-test.XXXXXX)}
export BROWSER_RESULTS_DIR="$TEST_OUT/browser"
# The tools' own caches too: nothing of a test run stays in the checkout.
export HYPOTHESIS_STORAGE_DIRECTORY="$TEST_OUT/hypothesis"
export RUFF_CACHE_DIR="$TEST_OUT/ruff"
export MYPY_CACHE_DIR="$TEST_OUT/mypy"
echo "test order seed: TEST_SEED=$TEST_SEED; results in $TEST_OUT"

step() { printf '\n== %s\n' "$*"; }

step "lint: ruff, formatting, mypy (make check)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .
.venv/bin/mypy


step "unit tests: actions, knowledge, settings, channel, NLU components (no network)"
"${PYTEST[@]}" "${SHUFFLE_ALL[@]}" tests/unit -q

step "enquiries: store on SQLite and PostgreSQL, SMTP delivery and faults, admin tool, log canary"
"${PYTEST[@]}" "${SHUFFLE_ALL[@]}" tests/integration -q

step "rasa data validate --fail-on-warnings"
$RASA data validate --fail-on-warnings -d domain --quiet

step "conversation tests: rasa test core --fail-on-prediction-errors"
$RASA test core --e2e --stories tests/stories --model models/assistant.tar.gz \
  --fail-on-prediction-errors --out "$TEST_OUT/core" --quiet

# 85%, down from 90%: the safety data of this round (recall on unseen sets about 45% -> 85%)
# costs the page answers 93.7% -> 86.0% in the one shared classifier (README "Safety").
step "held-out NLU evaluation (fails below 85% correct section)"
$PY scripts/evaluate_nlu.py --model models/assistant.tar.gz --min 0.85 --report "$TEST_OUT/nlu_heldout.json"

step "safety regression set (100% per route, at most 3% full-response false alarms on look-alikes)"
$PY scripts/evaluate_safety.py --min-recall 1.0 --max-false-alarm 0.03 --data tests/safety/messages.yml --report-dir "$TEST_OUT"

step "unseen safety sets (never trained on): reported, not gated; their first runs are in the README"
$PY scripts/evaluate_safety.py --min-recall 0 --max-false-alarm 1 --report-dir "$TEST_OUT" \
  --data tests/safety/blind_l.yml

step "reflection themes on answers never tuned on (fails below 85% precision or recall)"
$PY scripts/evaluate_themes.py tests/reflection/heldout.yml --min-precision 0.85 --min-recall 0.85

step "end to end over HTTP against the running servers"
"${PYTEST[@]}" "${SHUFFLE_MODULES[@]}" tests/e2e -q

step "scale-out: two Rasa replicas behind nginx on PostgreSQL and Redis share state and order"
"${PYTEST[@]}" "${SHUFFLE_MODULES[@]}" tests/scaleout -q

step "browser: the widget on the demo page in Debian's chromium (Playwright)"
"${PYTEST[@]}" "${SHUFFLE_MODULES[@]}" tests/browser -q

step "faults: database down and back, Rasa restart mid-conversation, action server down"
"${PYTEST[@]}" "${SHUFFLE_MODULES[@]}" tests/faults -q

echo
echo "all tests passed (TEST_SEED=$TEST_SEED; results in $TEST_OUT)"
