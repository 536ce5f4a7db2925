#!/usr/bin/env bash
# Set up with the test tools (and the PostgreSQL server the store's tests start), then run
# the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
[ "${EVENTWATCH_SKIP_PG:-}" = 1 ] || scripts/system-deps.sh
scripts/setup.sh --test
exec .venv/bin/python -m pytest "$@"
