#!/usr/bin/env bash
# Run every task's scorer on every development set under EVAL_DIR/data (default ../shared/eval).
# Usage: eval/run_all.sh [EVAL_DIR] [--limit N]
set -uo pipefail
cd "$(dirname "$0")/.."
EVAL_DIR="${1:-../shared/eval}"
shift || true
mkdir -p out/eval
: > out/eval/summary.jsonl
for dir in "$EVAL_DIR"/data/*/*/; do
  task=$(basename "$(dirname "$dir")")
  name=$(basename "$dir")
  case "$name" in *-train) continue ;; esac   # training sets are not for measuring
  [ -f "$dir/input.jsonl" ] || continue
  echo "== $task $name"
  line=$(.venv/bin/eventwatch eval "$task" "$dir" --scorers "$EVAL_DIR" "$@" | tail -n 1)
  echo "$line"
  printf '{"task": "%s", "data": "%s", "metrics": %s}\n' "$task" "$name" "${line:-null}" >> out/eval/summary.jsonl
done
