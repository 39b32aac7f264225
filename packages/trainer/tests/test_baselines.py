"""Trivial baselines: the constant skeleton, lead-1, best lead-k, scored with the metric; cached by file bytes + metric."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

TRAINER_ROOT = Path(__file__).resolve().parents[1]
try:
    import autoexp_trainer  # noqa: F401
except ImportError:  # running from a bare checkout
    sys.path.insert(0, str(TRAINER_ROOT))

from autoexp_trainer.baselines import baselines_cached, compute_baselines, lead, most_frequent_skeleton, skeleton  # noqa: E402
from autoexp_trainer.scoring import Metric, ScoreInputError, score_texts  # noqa: E402
from helpers import write_csv  # noqa: E402

WS = Metric(tokenizer="whitespace")


@pytest.fixture()
def files(tmp_path):
    dev = write_csv(tmp_path / "dev.csv", ["fname", "dialogue", "summary", "topic"], [
        ["dev_0", "#Person1#: a b\n#Person2#: c d\n#Person1#: e", "#Person1#은 a b c 한다.", "t"],
        ["dev_1", "#Person1#: x y\n#Person2#: z\n#Person1#: w", "#Person1#은 x z 한다.", "t"],
    ])
    train = write_csv(tmp_path / "train.csv", ["fname", "dialogue", "summary", "topic"], [
        ["t0", "d", "#Person1#은 #Person2#에게 길을 설명한다. 그리고 간다.", "t"],
        ["t1", "d", "#Person1#은 #Person2#에게 표를 설명한다.", "t"],
        ["t2", "d", "#Person2#는 산다.", "t"],
    ])
    return dev, train


def test_skeleton_keeps_the_tag_words_of_the_first_sentence_and_its_last_word():
    assert skeleton("#Person1#은 #Person2#에게 길을 설명한다. 그리고 간다.") == "#Person1#은 #Person2#에게 설명한다."
    assert skeleton("회의가 수요일로 바뀐다.") == "바뀐다."
    assert most_frequent_skeleton(["#P#는 a 산다.", "#P#는 b 산다.", "#Q#는 간다."]) == "#P#는 산다."
    assert most_frequent_skeleton(["b 간다.", "a 온다."]) == "간다."  # a tie: the alphabetically first, every run
    assert lead("#Person1#: a\n\n#Person2#: b\n#Person1#: c", 2) == "#Person1#: a #Person2#: b"


def test_each_baseline_is_its_predictions_scored_with_the_metric(files):
    dev, train = files
    r = compute_baselines(dev, train, WS)
    names = [b["name"] for b in r["baselines"]]
    assert names[:2] == ["constant", "lead-1"] and names[2].startswith("lead-")
    refs = [["#Person1#은 a b c 한다."], ["#Person1#은 x z 한다."]]
    constant = r["baselines"][0]
    assert constant["text"] == "#Person1#은 #Person2#에게 설명한다."  # from train, not from the dev references
    assert constant["score"] == pytest.approx(score_texts([constant["text"]] * 2, refs, metric=WS)["score"])
    k = r["baselines"][2]["k"]
    assert r["baselines"][1]["score"] == pytest.approx(score_texts(["#Person1#: a b", "#Person1#: x y"], refs, metric=WS)["score"])
    scores = {j: score_texts([lead(d, j) for d in ["#Person1#: a b\n#Person2#: c d\n#Person1#: e", "#Person1#: x y\n#Person2#: z\n#Person1#: w"]], refs, metric=WS)["score"] for j in range(2, 6)}
    assert scores[k] == max(scores.values()) and r["baselines"][2]["score"] == pytest.approx(scores[k])
    best = max(r["baselines"], key=lambda b: b["score"])
    assert r["best"] == best["name"] and r["best_score"] == best["score"]
    assert r["metric"] == {"aggregate": "mean", "references": "mean", "tokenizer": "whitespace"} and r["n"] == 2
    summed = compute_baselines(dev, train, Metric(aggregate="sum", tokenizer="whitespace"))
    assert summed["best_score"] == pytest.approx(3 * r["best_score"])


def test_cache_is_keyed_by_the_dev_bytes_and_the_metric(files, tmp_path):
    dev, train = files
    cache = tmp_path / "cache"
    first = baselines_cached(dev, train, WS, cache)
    assert [p.name for p in cache.iterdir()] == [f"{first['key']}.json"]
    entry = cache / f"{first['key']}.json"
    doctored = {**json.loads(entry.read_text(encoding="utf-8")), "best_score": 0.123}
    entry.write_text(json.dumps(doctored), encoding="utf-8")
    assert baselines_cached(dev, train, WS, cache)["best_score"] == 0.123  # read back, not recomputed
    assert baselines_cached(dev, train, Metric(aggregate="sum", tokenizer="whitespace"), cache)["key"] != first["key"]
    dev.write_text(dev.read_text(encoding="utf-8").replace("a b c", "a b"), encoding="utf-8")
    changed = baselines_cached(dev, train, WS, cache)
    assert changed["key"] != first["key"] and len(list(cache.iterdir())) == 3


def test_bad_input_is_a_data_error(tmp_path, files):
    dev, _ = files
    nosum = write_csv(tmp_path / "nosum.csv", ["fname", "dialogue"], [["d0", "x"]])
    with pytest.raises(ScoreInputError, match=r"nosum\.csv.*'summary'"):
        compute_baselines(nosum)
    with pytest.raises(ScoreInputError, match="not found"):
        compute_baselines(dev, tmp_path / "missing.csv")


def test_cli_prints_json(files, capsys):
    from autoexp_trainer.commands.baselines import main

    dev, train = files
    assert main(["--dev", str(dev), "--train", str(train), "--tokenizer", "whitespace", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["best"] in [b["name"] for b in out["baselines"]]
    assert main(["--dev", str(dev) + ".nope"]) == 3
