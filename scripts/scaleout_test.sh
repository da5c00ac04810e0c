#!/usr/bin/env bash
# Scale-out test: two Rasa replicas behind nginx on a throwaway PostgreSQL and Redis
# (scripts/scaleout.py says what is proved). Everything runs on 127.0.0.1 on free ports in
# a temporary directory, and is stopped on exit, on failure and on Ctrl-C: the Python side
# stops its services itself, and this trap kills any process group it recorded if the
# Python process dies first.
# Usage: scripts/scaleout_test.sh [--concurrent N] [--rounds N] [--keep] [--lock-store env|memory|rasa-redis]
set -uo pipefail
cd "$(dirname "$0")/.."

export PYTHONPATH=${PYTHONPATH:-$PWD}
export TF_CPP_MIN_LOG_LEVEL=${TF_CPP_MIN_LOG_LEVEL:-3}
export RASA_TELEMETRY_ENABLED=false
export SQLALCHEMY_SILENCE_UBER_WARNING=1

STACK_PIDFILE=$(mktemp -t scaleout-pids.XXXXXX)
export STACK_PIDFILE
child=""

cleanup() {
  trap - EXIT INT TERM HUP
  if [[ -n "$child" ]] && kill -0 "$child" 2>/dev/null; then
    kill -TERM "$child" 2>/dev/null
    for _ in $(seq 1 40); do kill -0 "$child" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$child" 2>/dev/null
  fi
  # Process groups the Python side started and did not stop (it was killed, or it hung).
  local left=() dirs=() kind value
  while read -r kind value; do
    case "$kind" in
      pgid) kill -0 -- "-$value" 2>/dev/null && left+=("$value") ;;
      dir) dirs+=("$value") ;;
    esac
  done <"$STACK_PIDFILE"
  if ((${#left[@]})); then
    echo "stopping ${#left[@]} leftover process group(s)" >&2
    for pgid in "${left[@]}"; do kill -TERM -- "-$pgid" 2>/dev/null; done
    sleep 3
    for pgid in "${left[@]}"; do kill -KILL -- "-$pgid" 2>/dev/null; done
  fi
  for dir in "${dirs[@]}"; do
    [[ "$dir" == */rasa-stack-* && -d "$dir" ]] && rm -rf -- "$dir"
  done
  rm -f "$STACK_PIDFILE"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

.venv/bin/python scripts/scaleout.py "$@" &
child=$!
wait "$child"
status=$?
child=""
exit "$status"
