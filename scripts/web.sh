#!/usr/bin/env bash
# Start the web front (demo page + chat widget + same-origin proxy to Rasa) in the
# background, wait until it answers, and print its PID and address, like scripts/serve.sh.
# Settings (environment): WEB_HOST WEB_PORT RASA_URL (default http://RASA_HOST:RASA_PORT) LOG_DIR
# Foreground instead: .venv/bin/python -m assistant.web
set -euo pipefail
cd "$(dirname "$0")/.."

export WEB_HOST=${WEB_HOST:-127.0.0.1}
export WEB_PORT=${WEB_PORT:-8080}
export RASA_URL=${RASA_URL:-http://${RASA_HOST:-127.0.0.1}:${RASA_PORT:-5005}}
LOG_DIR=${LOG_DIR:-var/log}
mkdir -p "$LOG_DIR"
export PYTHONPATH=${PYTHONPATH:-$PWD}

.venv/bin/python -m assistant.web >>"$LOG_DIR/web.log" 2>&1 &
pid=$!
echo "web_pid=$pid"

url="http://${WEB_HOST}:${WEB_PORT}/"
deadline=$((SECONDS + 30))
until curl -fsS -o /dev/null "$url" 2>/dev/null; do
  if ! kill -0 "$pid" 2>/dev/null; then echo "the web front stopped; see $LOG_DIR/web.log" >&2; exit 1; fi
  if ((SECONDS > deadline)); then echo "timed out waiting for $url" >&2; exit 1; fi
  sleep 0.5
done
echo "web_url=$url"
echo "ready=1"
