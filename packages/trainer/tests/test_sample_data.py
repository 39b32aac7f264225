"""data/sample/ is exactly what tools/make_sample_data.py writes, in the competition layout."""

from __future__ import annotations

import csv
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
SAMPLE = REPO / "data" / "sample"
GENERATOR = REPO / "tools" / "make_sample_data.py"

LAYOUT = {
    "train.csv": (["fname", "dialogue", "summary", "topic"], 200, "train_"),
    "dev.csv": (["fname", "dialogue", "summary", "topic"], 50, "dev_"),
    "test.csv": (["fname", "dialogue"], 50, "test_"),
    "sample_submission.csv": (["fname", "summary"], 50, "test_"),
    "test_references.csv": (["fname", "summary1", "summary2", "summary3"], 50, "test_"),
}


def read(path: Path) -> tuple[list[str], list[dict]]:
    with open(path, encoding="utf-8", newline="") as fh:  # no BOM expected: utf-8, not utf-8-sig
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def test_regenerating_gives_byte_identical_files(tmp_path):
    proc = subprocess.run([sys.executable, str(GENERATOR), "--out", str(tmp_path)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    for name in LAYOUT:
        assert (tmp_path / name).read_bytes() == (SAMPLE / name).read_bytes(), (
            f"data/sample/{name} differs from the generator's output; run: python3 tools/make_sample_data.py"
        )


def test_sizes_come_from_flags(tmp_path):
    proc = subprocess.run(
        [sys.executable, str(GENERATOR), "--out", str(tmp_path), "--train", "7", "--dev", "3", "--test", "4"],
        capture_output=True, text=True,
    )
    assert proc.returncode == 0, proc.stderr
    assert len(read(tmp_path / "train.csv")[1]) == 7
    assert len(read(tmp_path / "dev.csv")[1]) == 3
    assert len(read(tmp_path / "sample_submission.csv")[1]) == 4
    # Each split has its own random stream: changing train's size leaves dev unchanged.
    assert read(tmp_path / "dev.csv")[1] == read(SAMPLE / "dev.csv")[1][:3]


@pytest.mark.parametrize("name", list(LAYOUT))
def test_layout_columns_rows_and_unique_fnames(name):
    raw = (SAMPLE / name).read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    header, rows = read(SAMPLE / name)
    columns, count, prefix = LAYOUT[name]
    assert header == columns
    assert len(rows) == count
    fnames = [r["fname"] for r in rows]
    assert fnames == [f"{prefix}{i}" for i in range(count)]


def test_content_is_korean_dialogue_with_speakers_masks_and_quoting():
    _, train = read(SAMPLE / "train.csv")
    assert len({r["topic"] for r in train}) >= 10
    speakers = {len(set(re.findall(r"#Person\d#", r["dialogue"]))) for r in train}
    assert speakers == {2, 3, 4}
    for r in train:
        lines = r["dialogue"].split("\n")
        assert len(lines) >= 4 and all(re.match(r"#Person[1-4]#: \S", line) for line in lines)
        assert re.search(r"[가-힣]", r["summary"])
    text = "".join(r["dialogue"] for r in train)
    for mask in ("#PhoneNumber#", "#Address#", "#Email#", "#CarNumber#", "#CardNumber#"):
        assert mask in text
    assert any('"' in r["dialogue"] for r in train) and any("," in r["summary"] for r in train)
    # Summaries are learnable: most of their words occur in the dialogue.
    overlap = [
        len(set(r["summary"].split()) & set(r["dialogue"].split())) / len(set(r["summary"].split())) for r in train
    ]
    assert sum(overlap) / len(overlap) > 0.2


def test_test_split_files_agree():
    _, test = read(SAMPLE / "test.csv")
    _, sub = read(SAMPLE / "sample_submission.csv")
    _, refs = read(SAMPLE / "test_references.csv")
    assert [r["fname"] for r in sub] == [r["fname"] for r in test] == [r["fname"] for r in refs]
    assert all(r["summary"] == "" for r in sub)
    for r in refs:
        ref_texts = [r["summary1"], r["summary2"], r["summary3"]]
        assert all(t.strip() for t in ref_texts) and len(set(ref_texts)) == 3
