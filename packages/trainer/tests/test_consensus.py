"""Consensus (MBR) selection: which summary wins, ties, bad input, the CLI, and a garbage member outvoted."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

import pytest

from autoexp_trainer.consensus import Member, read_member, select_consensus
from autoexp_trainer.scoring import ScoreInputError, score_csv
from helpers import PACKAGE_ROOT, read_csv, write_csv

SAMPLE_DEV = PACKAGE_ROOT.parents[1] / "data" / "sample" / "dev.csv"


def test_picks_the_summary_the_other_members_agree_with():
    a = Member("a", {"x": "민수는 도서관에서 책을 빌린다.", "y": "지영은 병원에 간다."})
    b = Member("b", {"x": "민수는 도서관에서 책을 읽는다.", "y": "오늘 날씨가 맑다."})
    c = Member("c", {"x": "비행기가 공항에 내린다.", "y": "지영은 내일 병원에 간다."})
    choices = select_consensus([a, b, c])
    assert [ch.fname for ch in choices] == ["x", "y"]
    # x: a and b share most morphemes, c shares none; y: a and c agree, b is off-topic.
    assert choices[0].member in {"a", "b"} and choices[0].summary != c.summaries["x"]
    assert choices[1].member in {"a", "c"}
    assert all(0 < ch.utility <= 1 for ch in choices)


def test_ties_go_to_the_member_listed_first():
    same = {"x": "민수는 카페에서 친구를 만난다."}
    choices = select_consensus([Member("second", dict(same)), Member("first", dict(same))])
    assert choices[0].member == "second"
    assert choices[0].utility == pytest.approx(1.0)


def test_an_empty_summary_loses_ties_and_lone_support_scores_zero():
    a = Member("a", {"x": ""})
    b = Member("b", {"x": "은행에서 돈을 찾는다."})
    c = Member("c", {"x": ""})
    (choice,) = select_consensus([a, b, c])
    # Nobody supports anybody (the others of b are empty, and "" scores 0): all utilities are 0,
    # and the written summary wins the tie although a is listed first.
    assert choice.utility == 0.0
    assert choice.member == "b"
    two = select_consensus([Member("a", {"x": ""}), Member("b", {"x": "은행"}), Member("c", {"x": "은행에 간다"})])
    assert two[0].member in {"b", "c"} and two[0].utility > 0


def test_needs_two_members_with_the_same_items(tmp_path):
    with pytest.raises(ScoreInputError, match="at least 2 members"):
        select_consensus([Member("a", {"x": "s"})])
    with pytest.raises(ScoreInputError, match="member b has no row for 'y'"):
        select_consensus([Member("a", {"x": "s", "y": "t"}), Member("b", {"x": "s"})])
    with pytest.raises(ScoreInputError, match="member b has a row for 'z'"):
        select_consensus([Member("a", {"x": "s"}), Member("b", {"x": "s", "z": "t"})])
    with pytest.raises(ScoreInputError, match="unique"):
        select_consensus([Member("a", {"x": "s"}), Member("a", {"x": "s"})])
    bad = write_csv(tmp_path / "bad.csv", ["fname", "text"], [["x", "s"]])
    with pytest.raises(ScoreInputError, match=r"member exp-a .*no 'summary' column"):
        read_member("exp-a", bad)
    with pytest.raises(ScoreInputError, match="member exp-b.*not found"):
        read_member("exp-b", tmp_path / "missing.csv")


def _degrade(summary: str, rng: random.Random, keep: float) -> str:
    """A plausible but imperfect member: drops a share of the reference's words."""
    words = summary.split()
    kept = [w for w in words if rng.random() < keep] or words[:1]
    return " ".join(kept)


def test_a_garbage_member_is_outvoted_and_consensus_scores_at_least_the_members_mean(tmp_path):
    dev = read_csv(SAMPLE_DEV)
    rng = random.Random(7)
    members = {
        "good-a": [_degrade(r["summary"], rng, 0.7) for r in dev],
        "good-b": [_degrade(r["summary"], rng, 0.6) for r in dev],
        # Fluent Korean from unrelated items: garbage for this item, not an empty string.
        "garbage": [dev[(i + 17) % len(dev)]["dialogue"].split("\n")[0] for i in range(len(dev))],
    }
    paths = {}
    for name, summaries in members.items():
        paths[name] = write_csv(tmp_path / f"{name}.csv", ["fname", "summary"], [[r["fname"], s] for r, s in zip(dev, summaries)])
    out = tmp_path / "consensus.csv"
    choices_csv = tmp_path / "choices.csv"
    r = subprocess.run(
        [sys.executable, "-m", "autoexp_trainer", "ensemble", *(f"--member={n}={p}" for n, p in paths.items()),
         "--output", str(out), "--choices", str(choices_csv), "--json"],
        capture_output=True, text=True, check=False)
    assert r.returncode == 0, r.stderr
    summary = json.loads(r.stdout.strip().splitlines()[-1])
    assert summary["n"] == len(dev)
    scores = {n: score_csv(p, SAMPLE_DEV)["score"] for n, p in paths.items()}
    consensus = score_csv(out, SAMPLE_DEV)["score"]
    mean = sum(scores.values()) / len(scores)
    assert consensus >= mean, (consensus, scores)
    # The garbage member agrees with nobody: it is (almost) never chosen.
    assert summary["picks"]["garbage"] <= len(dev) * 0.05, summary
    assert scores["garbage"] < min(scores["good-a"], scores["good-b"])
    rows = read_csv(choices_csv)
    assert [row["fname"] for row in rows] == [d["fname"] for d in dev]
    assert {row["member"] for row in rows} <= set(paths)
    chosen = {row["fname"]: row["summary"] for row in read_csv(out)}
    for row in rows[:20]:
        assert chosen[row["fname"]] == members[row["member"]][[d["fname"] for d in dev].index(row["fname"])]


def test_cli_usage_and_bad_input_exit_codes(tmp_path):
    a = write_csv(tmp_path / "a.csv", ["fname", "summary"], [["x", "민수는 간다."]])
    b = write_csv(tmp_path / "b.csv", ["fname", "summary"], [["y", "민수는 간다."]])
    run = lambda *args: subprocess.run([sys.executable, "-m", "autoexp_trainer", "ensemble", *args],
                                       capture_output=True, text=True, check=False)
    r = run("--member", f"{a}", "--member", f"b={b}", "--output", str(tmp_path / "o.csv"))
    assert r.returncode == 2 and "NAME=CSV" in r.stderr
    r = run("--member", f"a={a}", "--member", f"b={b}", "--output", str(tmp_path / "o.csv"))
    assert r.returncode == 3 and "member b has no row for 'x'" in r.stderr
    assert not (tmp_path / "o.csv").exists()
