#!/usr/bin/env bash
# `make run`: serve the assistant in the foreground. Ctrl-C stops everything it started.
set -uo pipefail
cd "$(dirname "$0")/.."

pids=()
stop() {
  local rc=$?
  trap - INT TERM EXIT
  if ((${#pids[@]})); then
    echo; echo "stopping..."
    kill "${pids[@]}" 2>/dev/null
    for _ in $(seq 1 20); do
      kill -0 "${pids[@]}" 2>/dev/null || break
      sleep 0.5
    done
    kill -9 "${pids[@]}" 2>/dev/null
  fi
  exit "$rc"
}
# Ctrl-C / TERM is a normal way to stop (exit 0); any failure keeps its status.
trap stop EXIT
trap 'exit 0' INT TERM

# The web front sits in front of Rasa and the page's origin is the only one Rasa answers
# browsers from. The web front puts the visitor's address in X-Forwarded-For; Rasa believes
# that one hop only while it listens on loopback, where nothing but this machine (the web
# front started below) reaches it. Otherwise it counts the socket address, unless
# TRUSTED_PROXY_HOPS (or the older TRUST_PROXY=1) says how many proxies of yours stand in front.
# That is Rasa's setting: the web front faces the browser itself, so it trusts no
# X-Forwarded-For (its inbox login limits count real addresses) unless
# WEB_TRUSTED_PROXY_HOPS says a proxy of yours stands in front of it.
export WEB_HOST=${WEB_HOST:-127.0.0.1} WEB_PORT=${WEB_PORT:-8080}
if [ -z "${TRUSTED_PROXY_HOPS:-}" ] && [ -z "${TRUST_PROXY:-}" ]; then
  case "${RASA_HOST:-127.0.0.1}" in
    127.*|localhost|::1) export TRUSTED_PROXY_HOPS=1 ;;
    *) export TRUSTED_PROXY_HOPS=0 ;;
  esac
fi
export CORS_ORIGINS=${CORS_ORIGINS:-http://${WEB_HOST}:${WEB_PORT}}

echo "starting the action server, Rasa, the enquiry worker and the web page (logs in ${LOG_DIR:-var/log}/)..."
ready=""
while IFS='=' read -r key value; do
  case "$key" in
    actions_pid|rasa_pid|worker_pid) pids+=("$value") ;;
    ready) ready=$value ;;
  esac
done < <(scripts/serve.sh)

all_alive() {
  local pid
  for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null || return 1; done
}

if [ "$ready" != 1 ] || ((${#pids[@]} < 3)) || ! all_alive; then
  echo "the assistant did not start; see ${LOG_DIR:-var/log}/rasa.log and actions.log" >&2
  exit 1
fi

web_url=""
while IFS='=' read -r key value; do
  case "$key" in
    web_pid) pids+=("$value") ;;
    web_url) web_url=$value ;;
  esac
done < <(TRUSTED_PROXY_HOPS="${WEB_TRUSTED_PROXY_HOPS:-0}" scripts/web.sh)
if [ -z "$web_url" ]; then
  echo "the web page did not start; see ${LOG_DIR:-var/log}/web.log" >&2
  exit 1
fi

host=${RASA_HOST:-127.0.0.1}; port=${RASA_PORT:-5005}
cat <<MSG

The assistant is running.
  Demo page + chat: ${web_url}
  Chat API (REST):  POST http://${host}:${port}/webhooks/rest/webhook
                    body: {"sender": "<random id>", "message": "hello"}
  Action server:    http://${ACTIONS_HOST:-127.0.0.1}:${ACTIONS_PORT:-5055}
  Enquiries:        make admin ARGS="list"   (notifications: ${MAIL_DIR:-var/mail}/ unless SMTP_HOST is set)
Press Ctrl-C to stop.
MSG

# Stop everything as soon as any process ends (they are not this shell's children).
while all_alive; do
  sleep 1
done
echo "a server stopped unexpectedly; see ${LOG_DIR:-var/log}/" >&2
exit 1
