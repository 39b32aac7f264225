"""Shared test helpers (plain functions, imported by the test modules)."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path

PACKAGE_ROOT = Path(__file__).resolve().parents[1]


def read_csv(path: Path) -> list[dict]:
    with Path(path).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list[str]], bom: bool = False) -> Path:
    """A CSV in the competition's layout from a header and rows (RFC 4180 quoting)."""
    with open(path, "w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)
    return path


def json_lines(text: str) -> list[dict]:
    """Every non-empty stdout line must be a JSON object with an "event" key."""
    events = []
    for line in text.splitlines():
        if not line.strip():
            continue
        obj = json.loads(line)  # raises on any non-JSON stdout noise
        assert isinstance(obj, dict) and "event" in obj, line
        events.append(obj)
    return events


def run_cli(*args: str, timeout: int = 300) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", TOKENIZERS_PARALLELISM="false",
               PYTHONPATH=str(PACKAGE_ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    return subprocess.run([sys.executable, "-m", "autoexp_trainer", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


def step_of(path: str | Path) -> int:
    return int(Path(path).name.split("-")[-1])
