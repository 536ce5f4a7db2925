#!/usr/bin/env bash
# System packages the test suite needs beyond Python: a PostgreSQL server (the store's tests
# start a throwaway cluster of their own). Installs them with apt-get when missing and when
# allowed (root or passwordless sudo); otherwise says what to install.
set -euo pipefail
have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
if have_pg; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
  echo "system-deps: PostgreSQL is missing; install it (Debian: apt-get install postgresql) or set EVENTWATCH_SKIP_PG=1" >&2
  exit 1
fi
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
have_pg || { echo "system-deps: could not install PostgreSQL" >&2; exit 1; }
