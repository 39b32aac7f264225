"""Trivial reference predictors for a dev set, scored with the competition metric.

A constant string scores far above 0 on ROUGE over Korean morphemes (speaker
tags and particles match almost everywhere), so a dev score means something
only next to these:

- ``constant``: the most frequent summary skeleton of the train summaries
  (the speaker-tag words of the first sentence plus its last word, e.g.
  "#Person1#은 #Person2#에게 설명한다.") on every row;
- ``lead-1``: the dialogue's first turn, as written (speaker tag kept);
- ``lead-k``: the first k turns, with the k (2..MAX_LEAD) that scores best.

Results are cached by the dev file's bytes, the train file's bytes and the
metric, so each dev set is scored once.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections import Counter
from pathlib import Path

from .io_utils import write_json_atomic
from .scoring import ROUGE_TYPES, Metric, ScoreInputError, _read_csv, score_texts

MAX_LEAD = 5
CACHE_VERSION = 1
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")


def skeleton(summary: str) -> str:
    """The speaker-tag words of the first sentence, then its last word: the summary's frame."""
    words = _SENTENCE_END.split(summary.strip(), maxsplit=1)[0].split()
    if not words:
        return ""
    return " ".join([w for w in words[:-1] if "#" in w] + [words[-1]])


def most_frequent_skeleton(summaries: list[str]) -> str:
    """Ties go to the alphabetically first, so the constant is the same on every run."""
    counts = Counter(s for s in (skeleton(x) for x in summaries) if s)
    if not counts:
        raise ScoreInputError("no non-empty summary to build the constant baseline from")
    top = max(counts.values())
    return min(s for s, n in counts.items() if n == top)


def lead(dialogue: str, k: int) -> str:
    """The first k turns (lines) of a dialogue, joined by spaces."""
    return " ".join([t.strip() for t in dialogue.splitlines() if t.strip()][:k])


def _rows(path, role: str, need: tuple[str, ...]) -> list[dict]:
    header, rows = _read_csv(path, role)
    for col in need:
        if col not in header:
            raise ScoreInputError(f"{role} file {path} has no {col!r} column (columns: {', '.join(header)})")
    return rows


def _entry(name: str, description: str, result: dict, **extra) -> dict:
    return {"name": name, "description": description, **extra,
            **{t: result[t] for t in ROUGE_TYPES}, "score": result["score"]}


def compute_baselines(dev_csv, train_csv=None, metric: Metric | None = None) -> dict:
    """Scores of the trivial predictors on ``dev_csv``; the constant comes from ``train_csv`` (else dev's own summaries)."""
    metric = metric or Metric()
    dev = _rows(dev_csv, "dev", ("fname", "dialogue", "summary"))
    dev = [r for r in dev if (r.get("summary") or "").strip()]
    if not dev:
        raise ScoreInputError(f"dev file {dev_csv} has no row with a summary: nothing to compare baselines against")
    source = _rows(train_csv, "train", ("summary",)) if train_csv else dev
    refs = [[r["summary"]] for r in dev]
    dialogues = [r.get("dialogue") or "" for r in dev]

    def score(preds: list[str]) -> dict:
        return score_texts(preds, refs, metric=metric)

    constant = most_frequent_skeleton([r.get("summary") or "" for r in source])
    entries = [_entry("constant", f'the most frequent summary skeleton of {"train" if train_csv else "dev"} '
                                  f'on every row: "{constant}"', score([constant] * len(dev)), text=constant)]
    leads = {k: score([lead(d, k) for d in dialogues]) for k in range(1, MAX_LEAD + 1)}
    entries.append(_entry("lead-1", "the first turn of the dialogue", leads[1], k=1))
    best_k = max(range(2, MAX_LEAD + 1), key=lambda k: (leads[k]["score"], -k))
    entries.append(_entry(f"lead-{best_k}", f"the first {best_k} turns (the best k of 2..{MAX_LEAD})",
                          leads[best_k], k=best_k))
    best = max(entries, key=lambda e: e["score"])
    return {"version": CACHE_VERSION, "metric": {**metric.as_dict(), "tokenizer": leads[1]["metric"]["tokenizer"]},
            "n": len(dev), "baselines": entries, "best": best["name"], "best_score": best["score"]}


def _sha256(path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def cache_key(dev_csv, train_csv, metric: Metric) -> str:
    """16 hex of sha256 over the dev bytes, the train bytes and the metric."""
    try:
        parts = [_sha256(dev_csv), _sha256(train_csv) if train_csv else "", json.dumps(metric.as_dict(), sort_keys=True),
                 str(CACHE_VERSION)]
    except FileNotFoundError as exc:
        raise ScoreInputError(f"file not found: {exc.filename}; check the path") from None
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def baselines_cached(dev_csv, train_csv=None, metric: Metric | None = None, cache_dir: str | os.PathLike | None = None) -> dict:
    """compute_baselines, read from / written to ``cache_dir/<key>.json`` when a cache folder is given."""
    metric = metric or Metric()
    key = cache_key(dev_csv, train_csv, metric)
    path = Path(cache_dir) / f"{key}.json" if cache_dir else None
    if path and path.is_file():
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
            if cached.get("key") == key and cached.get("version") == CACHE_VERSION:
                return cached
        except (OSError, ValueError):
            pass  # a damaged cache entry is recomputed and replaced
    result = {"key": key, **compute_baselines(dev_csv, train_csv, metric)}
    if path:
        write_json_atomic(path, result)
    return result
