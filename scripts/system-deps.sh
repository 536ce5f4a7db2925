#!/usr/bin/env bash
# System packages the test suite needs beyond Python: a PostgreSQL server (the store's tests
# start a throwaway cluster of their own), Debian's chromium (the dashboard's browser tests
# drive it with Playwright) and npm (the dashboard's front-end packages). Installs them with
# apt-get when missing and when allowed (root or passwordless sudo); otherwise says what to
# install.
set -euo pipefail
have_pg() { command -v initdb >/dev/null 2>&1 || ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; }
have_all() { have_pg && command -v chromium >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; }
if have_all; then
  exit 0
fi
if [ "$(id -u)" = 0 ]; then SUDO=(); elif sudo -n true 2>/dev/null; then SUDO=(sudo -n); else
  echo "system-deps: install postgresql, chromium and npm (Debian: apt-get install postgresql chromium npm)" >&2
  exit 1
fi
if command -v apt-get >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  "${SUDO[@]}" apt-get update -qq
  "${SUDO[@]}" apt-get install -y -qq --no-install-recommends postgresql chromium npm >/dev/null
fi
have_all || { echo "system-deps: could not install postgresql, chromium and npm" >&2; exit 1; }
