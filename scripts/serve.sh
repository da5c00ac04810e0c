#!/usr/bin/env bash
# Start the action server and Rasa in the background, wait until both answer,
# and print their PIDs. Used by scripts/run.sh and the end-to-end tests.
# Also the enquiry delivery worker (notifications to the therapist).
# Settings (environment): RASA_HOST RASA_PORT ACTIONS_HOST ACTIONS_PORT MODEL CORS_ORIGINS LOG_DIR,
# and the enquiry settings (DATABASE_URL, SMTP_*, MAIL_DIR; docs/configuration.md).
# Timeouts (CHAT_TIMEOUT_SECONDS 25, ACTION_TIMEOUT_SECONDS 20) are read by the channel from
# assistant/chat_request.py (Timeouts), which refuses them out of order.
set -euo pipefail
cd "$(dirname "$0")/.."

RASA_HOST=${RASA_HOST:-127.0.0.1}
RASA_PORT=${RASA_PORT:-5005}
ACTIONS_HOST=${ACTIONS_HOST:-127.0.0.1}
ACTIONS_PORT=${ACTIONS_PORT:-5055}
MODEL=${MODEL:-models/assistant.tar.gz}
CORS_ORIGINS=${CORS_ORIGINS:-http://${RASA_HOST}:${RASA_PORT}}
LOG_DIR=${LOG_DIR:-var/log}
mkdir -p "$LOG_DIR" var
# Logs are appended (a restarted part keeps its history); the caller clears them.

# At DEBUG, Rasa and its libraries log what visitors type and every slot value: refused
# unless ALLOW_DEBUG_LOGS=1 (on a machine with no real visitors). Rasa itself refuses
# `rasa run --debug` too (assistant/log_guard.py).
if [[ "${LOG_LEVEL:-}" =~ ^[Dd][Ee][Bb][Uu][Gg]$ && "${ALLOW_DEBUG_LOGS:-}" != 1 ]]; then
  refusal="DEBUG logging refused: at DEBUG, Rasa logs what visitors type. Set ALLOW_DEBUG_LOGS=1 only on a machine with no real visitors."
  echo "$refusal" >&2
  echo "$(date '+%F %T') WARNING serve.sh - $refusal" >>"$LOG_DIR/rasa.log"
  export LOG_LEVEL=INFO
fi

export PYTHONPATH=${PYTHONPATH:-$PWD}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-3}
# The sentence encoder's small matrix products are fastest on one BLAS thread per process.
export OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export ACTION_ENDPOINT_URL="http://${ACTIONS_HOST}:${ACTIONS_PORT}/webhook"
# The secret Rasa sends the action server (endpoints.yml); a fresh one per start unless given.
export ACTION_SERVER_TOKEN=${ACTION_SERVER_TOKEN:-$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(32))')}
# Chat request bodies over 64 KB are refused by Rasa's Sanic (413) before the channel
# sees them (only Rasa: the trackers Rasa sends to the action server are larger).
CHAT_MAX_BODY=${CHAT_MAX_BODY:-65536}

# Rasa's HTTP API (tracker, model, conversation endpoints) is off unless RASA_API=1,
# and then needs a JWT signed with RASA_JWT_SECRET in the Authorization header.
api_args=()
if [ "${RASA_API:-0}" = 1 ]; then
  [ -n "${RASA_JWT_SECRET:-}" ] || { echo "RASA_API=1 needs RASA_JWT_SECRET" >&2; exit 1; }
  api_args=(--enable-api --jwt-secret "$RASA_JWT_SECRET" --jwt-method HS256)
fi

# SERVE picks what to start (the fault tests restart one part): worker, actions, rasa.
SERVE=${SERVE:-worker,actions,rasa}
serves() { [[ ",$SERVE," == *",$1,"* ]]; }

if serves worker; then
  # The enquiry schema, then the worker that delivers notifications from the outbox.
  .venv/bin/python -m assistant.enquiries.admin migrate >"$LOG_DIR/migrate.log" 2>&1 \
    || { echo "enquiry database migration failed; see $LOG_DIR/migrate.log" >&2; exit 1; }
  .venv/bin/python -m assistant.enquiries.worker >>"$LOG_DIR/worker.log" 2>&1 &
  echo "worker_pid=$!"
fi

if serves actions; then
  ACTIONS_HOST="$ACTIONS_HOST" ACTIONS_PORT="$ACTIONS_PORT" .venv/bin/python -m assistant.action_server \
    >>"$LOG_DIR/actions.log" 2>&1 &
  echo "actions_pid=$!"
fi

if serves rasa; then
  SANIC_REQUEST_MAX_SIZE="$CHAT_MAX_BODY" .venv/bin/rasa run --interface "$RASA_HOST" --port "$RASA_PORT" \
    --model "$MODEL" --credentials credentials.yml --endpoints endpoints.yml --cors "$CORS_ORIGINS" \
    "${api_args[@]}" >>"$LOG_DIR/rasa.log" 2>&1 &
  echo "rasa_pid=$!"
fi

wait_for() {  # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if ((SECONDS > deadline)); then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 1
  done
}
if serves actions; then wait_for "http://${ACTIONS_HOST}:${ACTIONS_PORT}/health" 120; fi
if serves rasa; then wait_for "http://${RASA_HOST}:${RASA_PORT}/webhooks/rest/" 240; fi
echo "ready=1"
