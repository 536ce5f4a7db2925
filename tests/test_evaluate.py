"""The eval runner, with a scorer and a data set written here (the real ones live outside)."""
import json
import subprocess
import sys

import pytest

from eventwatch import evaluate
from eventwatch.errors import InputError

from conftest import ROOT

SCORER = '''
import json, sys
gold = [json.loads(l) for l in open(sys.argv[1])]
pred = {d["id"]: d for d in map(json.loads, open(sys.argv[2]))}
hits = sum(1 for g in gold if any(p["text"] == g["place"] for p in pred[g["id"]]["places"]))
print("report line")
print(json.dumps({"docs": len(pred), "place_recall": hits / len(gold)}))
'''


@pytest.fixture()
def eval_tree(tmp_path):
    (tmp_path / "geo").mkdir()
    (tmp_path / "geo" / "score.py").write_text(SCORER)
    data = tmp_path / "data" / "geo" / "tiny"
    data.mkdir(parents=True)
    with (data / "input.jsonl").open("w") as fh:
        fh.write(json.dumps({"id": "a", "text": "Troops crossed into Syria on Monday."}) + "\n")
        fh.write(json.dumps({"id": "b", "text": "Talks were held in Kenya."}) + "\n")
    with (data / "gold.jsonl").open("w") as fh:
        fh.write(json.dumps({"id": "a", "place": "Syria"}) + "\n")
        fh.write(json.dumps({"id": "b", "place": "Kenya"}) + "\n")
    return tmp_path, data


def test_scorer_is_found_above_the_data(eval_tree):
    root, data = eval_tree
    assert evaluate.find_scorer("geo", data) == root / "geo" / "score.py"
    with pytest.raises(InputError, match="no scorer ner/score.py"):
        evaluate.find_scorer("ner", data)


def test_eval_command_runs_the_pipeline_and_the_scorer(eval_tree, tmp_path):
    _, data = eval_tree
    out = tmp_path / "pred.jsonl"
    proc = subprocess.run([sys.executable, "-m", "eventwatch.cli", "eval", "geo", str(data), "--out", str(out)],
                          capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"docs": 2, "place_recall": 1.0}
    assert len(out.read_text().splitlines()) == 2


def test_missing_gold_is_a_clear_error(tmp_path):
    (tmp_path / "input.jsonl").write_text("{}\n")
    with pytest.raises(InputError, match="gold.jsonl: missing"):
        evaluate.run("geo", tmp_path, tmp_path / "p.jsonl")
