#!/usr/bin/env bash
# Quick start: set up, then analyse the shipped sample article and show what it reports.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
.venv/bin/eventwatch analyze samples/article.txt --published 2024-03-07 --format summary
