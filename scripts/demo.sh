#!/usr/bin/env bash
# Quick start: set up, analyse the shipped sample article, store it, and show the events
# from the store.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/eventwatch analyze samples/article.txt --published 2024-03-07 --format summary
mkdir -p out
.venv/bin/eventwatch ingest samples/ --db out/demo.db --published 2024-03-07 --quiet
.venv/bin/eventwatch events --db out/demo.db
