"""The competition score: hand-worked ROUGE values, Korean morphemes, CSV input, CLI."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

TRAINER_ROOT = Path(__file__).resolve().parents[1]
try:
    import autoexp_trainer  # noqa: F401  (installed editable by the setup script)
except ImportError:  # running from a bare checkout
    sys.path.insert(0, str(TRAINER_ROOT))

from autoexp_trainer.errors import ConfigError  # noqa: E402
from helpers import write_csv  # noqa: E402
from autoexp_trainer.scoring import (  # noqa: E402
    MecabTokenizer,
    Metric,
    ScoreInputError,
    WordTokenizer,
    resolve_tokenizer,
    score_csv,
    score_texts,
)

KO = "호킨스 의사는 매년 건강 검진을 받는 것을 권장합니다."
KO_MORPHEMES = "호킨스 의사 는 매년 건강 검진 을 받 는 것 을 권장 합니다 ."  # the competition's example
EN = "#Person1# asks Mr. Smith to book a table for 4 at 7:30."


# ------------------------------------------------------------------ texts


@pytest.mark.parametrize("tokenizer", ["auto", "mecab", "whitespace"])
@pytest.mark.parametrize("text", [KO, EN])
def test_identical_text_scores_the_maximum(text, tokenizer):
    result = score_texts([text, text], [[text], [text]], tokenizer)
    assert result["rouge1"] == pytest.approx(1.0)
    assert result["rouge2"] == pytest.approx(1.0)
    assert result["rougeL"] == pytest.approx(1.0)
    assert result["score"] == pytest.approx(1.0)  # the competition's final: the mean of the three
    assert result["n"] == 2


def test_hand_worked_example_whitespace():
    # pred "the cat sat on the mat" vs ref "the cat is on the mat", 6 tokens each.
    # R1: shared unigrams the x2, cat, on, mat = 5 -> P = R = 5/6 -> F = 5/6.
    # R2: pred bigrams {the cat, cat sat, sat on, on the, the mat}, ref
    #     {the cat, cat is, is on, on the, the mat}: 3 shared of 5 -> F = 3/5.
    # RL: LCS "the cat on the mat" = 5 -> F = 5/6.
    r = score_texts(["The cat sat on the mat"], [["the cat is on the mat"]], "whitespace")
    assert r["rouge1"] == pytest.approx(5 / 6)
    assert r["rouge2"] == pytest.approx(3 / 5)
    assert r["rougeL"] == pytest.approx(5 / 6)
    assert r["score"] == pytest.approx((5 / 6 + 3 / 5 + 5 / 6) / 3)


def test_competition_example_final_is_the_mean():
    # A published result: R1 0.5660, R2 0.3675, RL 0.4719 -> final 46.85 (x100).
    assert Metric().combine({"rouge1": 0.5660, "rouge2": 0.3675, "rougeL": 0.4719}) * 100 == pytest.approx(46.85, abs=0.005)
    assert Metric(aggregate="sum").combine({"rouge1": 0.5, "rouge2": 0.25, "rougeL": 0.5}) == pytest.approx(1.25)


def test_metric_sum_and_max_over_references():
    pred = "the cat sat on the mat"
    other = "the cat is on the mat"  # vs pred: R1 5/6, R2 3/5, RL 5/6
    r = score_texts([pred], [[pred, other]], metric=Metric(aggregate="sum", references="max", tokenizer="whitespace"))
    assert r["rouge1"] == pytest.approx(1.0) and r["rouge2"] == pytest.approx(1.0)
    assert r["score"] == pytest.approx(3.0)
    assert r["metric"] == {"aggregate": "sum", "references": "max", "tokenizer": "whitespace"}
    mean = score_texts([pred], [[pred, other]], "whitespace")
    assert mean["score"] == pytest.approx(((1 + 5 / 6) / 2 + (1 + 3 / 5) / 2 + (1 + 5 / 6) / 2) / 3)
    assert mean["metric"] == {"aggregate": "mean", "references": "mean", "tokenizer": "whitespace"}


def test_metric_config_errors_name_the_key():
    assert Metric.from_dict(None) == Metric()
    assert Metric.from_dict({"aggregate": "sum"}, "cfg.json") == Metric(aggregate="sum")
    with pytest.raises(ConfigError, match=r"cfg\.json.*'metric\.aggregate' is 'median'.*mean, sum"):
        Metric.from_dict({"aggregate": "median"}, "cfg.json")
    with pytest.raises(ConfigError, match=r"'metric\.tokenizer' is 'porter'"):
        Metric.from_dict({"tokenizer": "porter"}, "cfg.json")
    with pytest.raises(ConfigError, match=r"unknown key 'metric\.agg'"):
        Metric.from_dict({"agg": "mean"}, "cfg.json")
    assert ConfigError("x").exit_code == 4


def test_hand_worked_example_unequal_lengths_and_item_average():
    # item 1: pred "a b c d" (4 tokens), ref "a b x" (3 tokens).
    #   R1: 2 shared -> P 2/4, R 2/3 -> F = 2*(1/2*2/3)/(1/2+2/3) = 4/7.
    #   R2: pred {ab, bc, cd}, ref {ab, bx}: 1 shared -> P 1/3, R 1/2 -> F = 2/5.
    #   RL: LCS "a b" = 2 -> same as R1 = 4/7.
    # item 2: nothing shared -> 0, 0, 0. Means over items halve item 1.
    r = score_texts(["a b c d", "p q"], [["a b x"], ["y z"]], "whitespace", per_item=True)
    assert r["items"][0]["rouge1"] == pytest.approx(4 / 7)
    assert r["items"][0]["rouge2"] == pytest.approx(2 / 5)
    assert r["items"][0]["rougeL"] == pytest.approx(4 / 7)
    assert r["items"][1]["score"] == 0.0
    assert r["rouge1"] == pytest.approx(2 / 7)
    assert r["rouge2"] == pytest.approx(1 / 5)
    assert r["score"] == pytest.approx((2 / 7 + 1 / 5 + 2 / 7) / 3)  # mean of the item-averaged F1s


def test_multi_reference_is_the_mean_over_references():
    pred = "the cat sat on the mat"
    other = "the cat is on the mat"  # vs pred: R1 5/6, R2 3/5, RL 5/6 (see above)
    r = score_texts([pred], [[pred, other]], "whitespace")
    assert r["rouge1"] == pytest.approx((1 + 5 / 6) / 2)
    assert r["rouge2"] == pytest.approx((1 + 3 / 5) / 2)
    assert r["rougeL"] == pytest.approx((1 + 5 / 6) / 2)


def test_mecab_reproduces_the_competition_tokenization():
    assert MecabTokenizer().tokenize(KO) == KO_MORPHEMES.split()


def test_korean_is_not_zero_and_particles_are_split():
    # "의사는" -> 의사/는 and "의사가" -> 의사/가 share the morpheme 의사: R1 = 1/2.
    r = score_texts(["의사는"], [["의사가"]], "mecab")
    assert r["rouge1"] == pytest.approx(0.5)
    # Whole-word splitting sees two different words.
    assert score_texts(["의사는"], [["의사가"]], "whitespace")["rouge1"] == 0.0
    # auto picks Mecab for Korean; a paraphrase scores well above 0.
    r = score_texts(["의사는 매년 검진을 권장한다"], [[KO]], "auto")
    assert resolve_tokenizer("auto", [KO]).name == "mecab"
    assert 0.3 < r["rouge1"] < 1.0
    assert r["score"] > 0.5 / 3


def test_auto_keeps_non_ascii_words_for_non_korean_text():
    assert resolve_tokenizer("auto", ["Café über alles"]).name == "word"
    assert WordTokenizer().tokenize("Café, ÜBER 7:30!") == ["café", "über", "7", "30"]
    assert score_texts(["Café über"], [["café ÜBER"]], "auto")["score"] == pytest.approx(1.0)


def test_empty_prediction_scores_zero_and_bad_lists_are_rejected():
    r = score_texts(["", "  "], [["의사가 왔다"], ["hello"]])
    assert r["score"] == 0.0 and r["n"] == 2
    with pytest.raises(ValueError, match="2 predictions but 1"):
        score_texts(["a", "b"], [["a"]])
    with pytest.raises(ValueError, match="no non-empty reference"):
        score_texts(["a"], [["", " "]])
    with pytest.raises(ValueError, match="unknown tokenizer"):
        score_texts(["a"], [["a"]], "porter")


# -------------------------------------------------------------------- CSV


@pytest.fixture()
def files(tmp_path):
    preds = write_csv(
        tmp_path / "preds.csv",
        ["fname", "summary"],
        [["test_1", "b c"], ["test_0", "a, \"quoted\" b"]],  # other order than the references
        bom=True,
    )
    refs = write_csv(
        tmp_path / "refs.csv",
        ["fname", "summary1", "summary2", "summary3"],
        [["test_0", "a, \"quoted\" b", "", ""], ["test_1", "b c", "x y", ""]],
    )
    return preds, refs


def test_score_csv_joins_by_fname_and_ignores_empty_reference_cells(files):
    preds, refs = files
    r = score_csv(preds, refs, "whitespace", per_item=True)
    # test_0: one real reference, identical -> 1. test_1: mean of (1, 0) = 0.5.
    assert [it["fname"] for it in r["items"]] == ["test_0", "test_1"]
    assert r["items"][0]["score"] == pytest.approx(1.0)
    assert r["items"][1]["score"] == pytest.approx(0.5)
    assert r["score"] == pytest.approx(0.75)
    assert r["n"] == 2 and r["tokenizer"] == "whitespace"


def test_score_csv_accepts_a_dev_file_with_a_summary_column(tmp_path):
    refs = write_csv(
        tmp_path / "dev.csv",
        ["fname", "dialogue", "summary", "topic"],
        [["dev_0", "#Person1#: 안녕하세요", "의사가 검진을 권한다.", "병원"]],
    )
    preds = write_csv(tmp_path / "p.csv", ["fname", "summary"], [["dev_0", "의사가 검진을 권한다."]])
    r = score_csv(preds, refs)
    assert r["score"] == pytest.approx(1.0) and r["tokenizer"] == "mecab"


def test_score_csv_errors_name_the_file_and_fname(files, tmp_path):
    preds, refs = files
    short = write_csv(tmp_path / "short.csv", ["fname", "summary"], [["test_0", "a"]])
    with pytest.raises(ScoreInputError, match=r"short\.csv.*test_1.*predict every item"):
        score_csv(short, refs)
    extra = write_csv(tmp_path / "extra.csv", ["fname", "summary"], [["test_0", "a"], ["test_1", "b"], ["test_9", "c"]])
    with pytest.raises(ScoreInputError, match=r"test_9"):
        score_csv(extra, refs)
    nocol = write_csv(tmp_path / "nocol.csv", ["fname", "text"], [["test_0", "a"]])
    with pytest.raises(ScoreInputError, match=r"nocol\.csv.*'summary' column"):
        score_csv(nocol, refs)
    norefs = write_csv(tmp_path / "norefs.csv", ["fname", "dialogue"], [["test_0", "a"]])
    with pytest.raises(ScoreInputError, match=r"norefs\.csv.*summary1"):
        score_csv(preds, norefs)
    dup = write_csv(tmp_path / "dup.csv", ["fname", "summary"], [["test_0", "a"], ["test_0", "b"]])
    with pytest.raises(ScoreInputError, match=r"dup\.csv.*'test_0' appears more than once"):
        score_csv(dup, refs)
    with pytest.raises(ScoreInputError, match=r"not found.*missing\.csv"):
        score_csv(tmp_path / "missing.csv", refs)
    assert ScoreInputError("x").exit_code == 3


def test_score_csv_passes_its_tokenizer_and_metric_to_the_score(files):
    preds, refs = files
    r = score_csv(preds, refs, "whitespace", metric=Metric(aggregate="sum"))
    assert r["score"] == pytest.approx(3 * 0.75)  # each F1 averages to 0.75; sum, not mean
    assert r["metric"] == {"aggregate": "sum", "references": "mean", "tokenizer": "whitespace"}
    assert "items" not in r and "items" not in score_texts(["a"], [["a"]], "whitespace")  # only when asked


def test_auto_tokenizer_decides_on_the_whole_corpus(tmp_path):
    # Only the references are Korean (the predictions are empty or Latin): still Mecab for every text.
    refs = write_csv(tmp_path / "refs.csv", ["fname", "summary"], [["d0", "의사가 검진을 권한다."], ["d1", "표를 예매한다."]])
    preds = write_csv(tmp_path / "p.csv", ["fname", "summary"], [["d0", ""], ["d1", "ok"]])
    assert score_csv(preds, refs)["tokenizer"] == "mecab"
    r = score_texts(["의사는 매년 검진을 권장한다"], [[KO]], "auto")
    assert r["metric"]["tokenizer"] == "mecab"


def test_a_bare_reference_string_is_one_reference_and_a_missing_prediction_scores_zero():
    assert score_texts(["the cat sat"], ["the cat sat"], "whitespace")["score"] == pytest.approx(1.0)
    assert score_texts([None], [["none of them"]], "whitespace")["score"] == 0.0


def test_a_custom_tokenizer_object_is_named_in_the_result():
    class Chars:
        def tokenize(self, text):
            return list(text.replace(" ", ""))

    r = score_texts(["abc"], [["abd"]], tokenizer=Chars())
    assert r["metric"]["tokenizer"] == "Chars"
    assert r["rouge1"] == pytest.approx(2 / 3)


def test_metric_errors_name_the_key_and_the_allowed_values():
    for key, allowed in (("aggregate", "mean, sum"), ("references", "mean, max"), ("tokenizer", "auto, mecab, whitespace")):
        with pytest.raises(ValueError, match=rf"^unknown metric {key} 'bogus'; use one of {allowed}$"):
            Metric(**{key: "bogus"})
        with pytest.raises(ConfigError, match=rf"^cfg\.json: key 'metric\.{key}' is 'bogus'; use one of {allowed}$"):
            Metric.from_dict({key: "bogus"}, "cfg.json")
    assert Metric.from_dict({"references": "max", "tokenizer": "mecab"}) == Metric(references="max", tokenizer="mecab")
    with pytest.raises(ConfigError, match=r"^cfg\.json: unknown key 'metric\.agg'; the keys are aggregate, references, tokenizer$"):
        Metric.from_dict({"agg": "mean"}, "cfg.json")
    with pytest.raises(ConfigError, match=r"^cfg\.json: key 'metric' must be an object .*got 'mean'"):
        Metric.from_dict("mean", "cfg.json")
    with pytest.raises(ValueError, match=r"^unknown tokenizer 'porter'; use one of auto, mecab, whitespace$"):
        resolve_tokenizer("porter")
    with pytest.raises(ValueError, match=r"^nothing to score: no predictions$"):
        score_texts([], [])


def error(p, r) -> str:
    """The message score_csv refuses predictions p / references r with."""
    with pytest.raises(ScoreInputError) as info:
        score_csv(p, r, "whitespace")
    return str(info.value)


def test_score_csv_names_the_role_file_and_fix_of_each_bad_file(files, tmp_path):
    """Each message: which file (predictions or references, and its path), what is wrong, what to do."""
    preds, refs = files

    missing = tmp_path / "missing.csv"
    assert error(missing, refs) == f"predictions file not found: {missing}; check the path"
    assert error(preds, missing) == f"references file not found: {missing}; check the path"
    assert error(preds, tmp_path) == f"references path is a folder, not a CSV file: {tmp_path}"
    latin = tmp_path / "latin.csv"
    latin.write_bytes("fname,summary\ntest_0,caf\u00e9\n".encode("latin-1"))  # é is byte 24 (0-based)
    assert error(latin, refs) == f"predictions file {latin} is not valid UTF-8 (byte 24); re-save it as UTF-8"
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    assert error(preds, empty) == f"references file {empty} is empty; it needs a header row"
    ragged = tmp_path / "ragged.csv"
    ragged.write_text("fname,summary\ntest_0,a, b\n")
    assert error(ragged, refs) == (f"predictions file {ragged}: row for fname 'test_0' has more cells than the header; "
                                   "quote fields that contain commas")
    # A field over csv's default 128 KiB limit is read whole (the package raises the limit for every command).
    huge = write_csv(tmp_path / "huge.csv", ["fname", "summary"], [["test_0", "x " * 100_000], ["test_1", "b c"]])
    assert score_csv(huge, refs, "whitespace")["rouge1"] < score_csv(preds, refs, "whitespace")["rouge1"]
    nocol = write_csv(tmp_path / "nocol.csv", ["fname", "text"], [["test_0", "a"]])
    assert error(nocol, refs) == (f"predictions file {nocol} has no 'summary' column (columns: fname, text); "
                                  "it must have the columns fname,summary")
    nofname = write_csv(tmp_path / "nofname.csv", ["id", "summary"], [["test_0", "a"]])
    assert error(preds, nofname) == f"references file {nofname} has no 'fname' column (columns: id, summary)"
    norefs = write_csv(tmp_path / "norefs.csv", ["fname", "dialogue"], [["test_0", "a"]])
    assert error(preds, norefs) == (f"references file {norefs} has no reference column (columns: fname, dialogue); "
                                    "it needs 'summary' or 'summary1', 'summary2', ...")
    header_only = write_csv(tmp_path / "header.csv", ["fname", "summary"], [])
    assert error(preds, header_only) == f"references file {header_only} has no data rows"


def test_score_csv_names_the_row_or_fname_of_each_bad_row(files, tmp_path):
    preds, refs = files

    blank = write_csv(tmp_path / "blank.csv", ["fname", "summary"], [["test_0", "a"], ["  ", "b"]])
    assert error(blank, refs) == f"predictions file {blank}: data row 2 has an empty fname; fill it in"
    unnamed = write_csv(tmp_path / "unnamed.csv", ["fname", "summary"], [["", "a"]])
    assert error(unnamed, refs) == f"predictions file {unnamed}: data row 1 has an empty fname; fill it in"
    dup = write_csv(tmp_path / "dup.csv", ["fname", "summary1"], [["test_0", "a"], ["test_1", "b"], ["test_1", "c"]])
    assert error(preds, dup) == f"references file {dup}: fname 'test_1' appears more than once; keep one row per fname"
    unfilled = write_csv(tmp_path / "unfilled.csv", ["fname", "summary1", "summary2"], [["test_0", "a", ""], ["test_1", " ", ""]])
    assert error(preds, unfilled) == (f"references file {unfilled}: fname 'test_1' has no non-empty reference in "
                                      "summary1, summary2; fill one in or drop the row")


def test_missing_and_extra_fnames_are_listed_five_at_most(tmp_path):
    names = [f"t{i}" for i in range(7)]
    refs = write_csv(tmp_path / "refs.csv", ["fname", "summary"], [[n, "a b"] for n in names])
    five = write_csv(tmp_path / "five.csv", ["fname", "summary"], [[n, "a b"] for n in names[5:]])
    with pytest.raises(ScoreInputError) as info:
        score_csv(five, refs, "whitespace")
    assert str(info.value) == (f"predictions file {five} has no row for 5 fname(s) of {refs}: t0, t1, t2, t3, t4; "
                               "predict every item of the references file")
    none = write_csv(tmp_path / "none.csv", ["fname", "summary"], [["x", "a"]])
    with pytest.raises(ScoreInputError, match=r"no row for 7 fname\(s\) of .*: t0, t1, t2, t3, t4 \(and 2 more\); predict"):
        score_csv(none, refs, "whitespace")


def test_header_cells_with_spaces_are_the_same_columns(tmp_path):
    # Excel-made files often carry "fname, summary": the values must still be read under their names.
    preds = tmp_path / "p.csv"
    preds.write_text("fname , summary\nd0,the cat sat\n", encoding="utf-8")
    refs = write_csv(tmp_path / "r.csv", ["fname", "summary"], [["d0", "the cat sat"]])
    assert score_csv(preds, refs, "whitespace")["score"] == pytest.approx(1.0)


# -------------------------------------------------------------------- CLI


def run_cli(*args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in [str(TRAINER_ROOT), env.get("PYTHONPATH", "")] if p)
    return subprocess.run(
        [sys.executable, "-m", "autoexp_trainer", "score", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_cli_json_and_per_item_output(files, tmp_path):
    preds, refs = files
    out = tmp_path / "items" / "per_item.csv"
    proc = run_cli("--predictions", str(preds), "--references", str(refs), "--tokenizer", "whitespace",
                   "--json", "--per-item", str(out))
    assert proc.returncode == 0, proc.stderr
    data = json.loads(proc.stdout)
    assert data["score"] == pytest.approx(0.75)
    assert data["metric"] == {"aggregate": "mean", "references": "mean", "tokenizer": "whitespace"}
    assert data["n"] == 2 and data["tokenizer"] == "whitespace"
    with open(out, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["fname"] for r in rows] == ["test_0", "test_1"]
    assert float(rows[1]["score"]) == pytest.approx(0.5)


def test_cli_human_line_is_scaled_by_100(files):
    preds, refs = files
    proc = run_cli("--predictions", str(preds), "--references", str(refs), "--tokenizer", "whitespace")
    assert proc.returncode == 0, proc.stderr
    assert "final 75.00" in proc.stdout and "n=2" in proc.stdout
    proc = run_cli("--predictions", str(preds), "--references", str(refs), "--tokenizer", "whitespace",
                   "--aggregate", "sum")
    assert "final 225.00" in proc.stdout and "sum of R1/R2/RL" in proc.stdout


def test_cli_identical_predictions_and_references_score_100(tmp_path):
    dev = write_csv(tmp_path / "dev.csv", ["fname", "dialogue", "summary", "topic"],
                    [["dev_0", "#Person1#: 안녕", KO, "병원"], ["dev_1", "#Person1#: 네", "#Person1#은 표를 예매한다.", "영화"]])
    preds = write_csv(tmp_path / "p.csv", ["fname", "summary"], [["dev_0", KO], ["dev_1", "#Person1#은 표를 예매한다."]])
    proc = run_cli("--predictions", str(preds), "--references", str(dev))
    assert proc.returncode == 0, proc.stderr
    assert "final 100.00" in proc.stdout and "tokenizer=mecab" in proc.stdout
    proc = run_cli("--predictions", str(preds), "--references", str(dev), "--json")
    assert json.loads(proc.stdout)["score"] == 1.0


def test_cli_exit_codes_for_bad_input(files, tmp_path):
    preds, refs = files
    short = write_csv(tmp_path / "short.csv", ["fname", "summary"], [["test_0", "a"]])
    proc = run_cli("--predictions", str(short), "--references", str(refs))
    assert proc.returncode == 3
    assert "test_1" in proc.stderr and proc.stdout == ""
    proc = run_cli("--predictions", str(preds), "--references", str(refs), "--tokenizer", "porter")
    assert proc.returncode == 2
    proc = run_cli("--references", str(refs))
    assert proc.returncode == 2


def test_main_returns_exit_codes_without_raising(files, capsys):
    from autoexp_trainer.commands.score import main

    preds, refs = files
    assert main(["--predictions", str(preds), "--references", str(refs), "--json", "--tokenizer", "whitespace"]) == 0
    assert json.loads(capsys.readouterr().out)["n"] == 2
    assert main(["--predictions", str(preds)]) == 2
    assert main(["--predictions", str(preds) + ".nope", "--references", str(refs)]) == 3
    assert "not found" in capsys.readouterr().err
