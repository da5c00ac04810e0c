#!/usr/bin/env bash
# Debian packages the tests need: chromium (browser tests), PostgreSQL, Redis and nginx
# (store and scale-out tests). Installs only what is missing; needs root (or sudo) once.
set -euo pipefail
need=()
command -v chromium >/dev/null || need+=(chromium)
command -v redis-server >/dev/null || need+=(redis-server)
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || need+=(nginx)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
((${#need[@]} == 0)) && exit 0
SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
echo "installing Debian packages: ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null || true
$SUDO apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# Debian starts the packaged services; the tests start their own on loopback.
for svc in nginx redis-server postgresql; do $SUDO service "$svc" stop >/dev/null 2>&1 || true; done
