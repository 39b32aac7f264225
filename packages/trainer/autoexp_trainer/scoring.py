"""The competition score: ROUGE-1/2/L F1 over Korean morphemes.

For each item, the F1 of each ROUGE type is averaged over that item's
references, then over items; ``score`` = the mean of rouge1, rouge2 and rougeL
(0..1, leaderboards show it x100), as the competition computes it. The
``metric`` config section (``Metric``) can switch to the sum, to the best
reference instead of the mean, or pin the tokenizer. Korean text is split into morphemes by Mecab
(python-mecab-ko), which reproduces the competition's example tokenization.
rouge_score's default tokenizer keeps only [a-z0-9] and would score Korean 0,
so every scorer here gets an explicit tokenizer.
"""

from __future__ import annotations

import csv
import functools
import os
import re
from dataclasses import asdict, dataclass
from typing import Any, Iterable, Sequence

from rouge_score import rouge_scorer

from .errors import ConfigError, DataError, MissingDependencyError

ROUGE_TYPES = ("rouge1", "rouge2", "rougeL")
TOKENIZERS = ("auto", "mecab", "whitespace")
AGGREGATES = ("mean", "sum")
REFERENCE_MODES = ("mean", "max")

_HANGUL = re.compile(r"[\u1100-\u11ff\u3130-\u318f\uac00-\ud7af]")
# Letters and digits of any script (\w minus underscore): keeps Hangul, Kana,
# accented Latin, unlike rouge_score's ASCII-only tokenizer.
_WORD = re.compile(r"[^\W_]+")
_REFERENCE_COLUMN = re.compile(r"^summary\d*$")


class ScoreInputError(DataError):
    """Bad predictions/references input (exit code 3)."""


@dataclass(frozen=True)
class Metric:
    """How the final score is formed (the ``metric`` config section).

    aggregate: ``mean`` (the competition's) or ``sum`` of the three F1s;
    references: ``mean`` (the competition's) or ``max`` over an item's references;
    tokenizer: a name from TOKENIZERS.
    """

    aggregate: str = "mean"
    references: str = "mean"
    tokenizer: str = "auto"

    def __post_init__(self):
        for key, value, allowed in (("aggregate", self.aggregate, AGGREGATES),
                                    ("references", self.references, REFERENCE_MODES),
                                    ("tokenizer", self.tokenizer, TOKENIZERS)):
            if value not in allowed:
                raise ValueError(f"unknown metric {key} {value!r}; use one of {', '.join(allowed)}")

    def combine(self, values: dict) -> float:
        """The final score from ``{"rouge1", "rouge2", "rougeL"}`` fractions."""
        total = sum(values[t] for t in ROUGE_TYPES)
        return total / len(ROUGE_TYPES) if self.aggregate == "mean" else total

    def as_dict(self) -> dict[str, str]:
        return asdict(self)

    @classmethod
    def from_dict(cls, raw: Any, source: str = "<memory>") -> "Metric":
        """Parse the ``metric`` config section; a bad key or value is a ConfigError naming source and key."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ConfigError(f"{source}: key 'metric' must be an object with aggregate/references/tokenizer, "
                              f"got {raw!r}")
        unknown = sorted(set(raw) - {"aggregate", "references", "tokenizer"})
        if unknown:
            raise ConfigError(f"{source}: unknown key 'metric.{unknown[0]}'; the keys are aggregate, references, "
                              "tokenizer")
        for key, allowed in (("aggregate", AGGREGATES), ("references", REFERENCE_MODES), ("tokenizer", TOKENIZERS)):
            if key in raw and raw[key] not in allowed:
                raise ConfigError(f"{source}: key 'metric.{key}' is {raw[key]!r}; use one of {', '.join(allowed)}")
        return cls(**raw)


COMPETITION_METRIC = Metric()


@functools.lru_cache(maxsize=1)
def _mecab():
    # Building a MeCab tagger loads the dictionary (~tens of ms); do it once.
    try:
        import mecab  # python-mecab-ko
    except ImportError as exc:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "Korean scoring needs python-mecab-ko and python-mecab-ko-dic; "
            "install them into the venv (pip install python-mecab-ko python-mecab-ko-dic) "
            "or pass --tokenizer whitespace"
        ) from exc
    return mecab.MeCab()


class MecabTokenizer:
    """Morphemes as Mecab splits them ("의사는" -> "의사", "는"), case kept."""

    name = "mecab"

    def tokenize(self, text: str) -> list[str]:
        if not text or not text.strip():
            return []
        return _mecab().morphs(text)


class WhitespaceTokenizer:
    """Lowercased whitespace split; punctuation stays attached to words."""

    name = "whitespace"

    def tokenize(self, text: str) -> list[str]:
        return text.lower().split()


class WordTokenizer:
    """Lowercased runs of letters/digits of any script (used by ``auto`` for non-Korean text)."""

    name = "word"

    def tokenize(self, text: str) -> list[str]:
        return _WORD.findall(text.lower())


def has_hangul(text: str) -> bool:
    return bool(_HANGUL.search(text))


def resolve_tokenizer(name: str, texts: Iterable[str] = ()):
    """Return the tokenizer object for ``name``.

    ``auto`` decides once for the whole corpus (not per text), so a
    prediction and its references are always split the same way: Mecab when
    any text contains Hangul, else the Unicode word tokenizer.
    """
    if name == "mecab":
        return MecabTokenizer()
    if name == "whitespace":
        return WhitespaceTokenizer()
    if name == "auto":
        return MecabTokenizer() if any(has_hangul(t) for t in texts) else WordTokenizer()
    raise ValueError(f"unknown tokenizer {name!r}; use one of {', '.join(TOKENIZERS)}")


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def score_texts(
    predictions: list[str],
    references: list[list[str]],
    tokenizer=None,
    per_item: bool = False,
    metric: Metric | None = None,
) -> dict:
    """Competition score of ``predictions[i]`` against ``references[i]`` (one or more strings).

    Returns ``{"rouge1", "rouge2", "rougeL", "score", "n", "metric"}`` (F1
    fractions; ``score`` per ``metric``, default the competition's mean;
    ``metric`` as a dict with the tokenizer actually used); with
    ``per_item=True`` also ``"items"``: a list of
    ``{"rouge1", "rouge2", "rougeL", "score"}`` in input order.
    ``tokenizer`` (default: ``metric.tokenizer``) is a name from TOKENIZERS
    or an object with ``.tokenize(text)``.
    An empty prediction scores 0 for its item. Empty reference strings are
    ignored; an item with no non-empty reference is an error.
    """
    metric = metric or COMPETITION_METRIC
    if tokenizer is None:
        tokenizer = metric.tokenizer
    if len(predictions) != len(references):
        raise ValueError(f"{len(predictions)} predictions but {len(references)} reference lists")
    if not predictions:
        raise ValueError("nothing to score: no predictions")
    refs_clean: list[list[str]] = []
    for i, refs in enumerate(references):
        if isinstance(refs, str):  # a bare string would be iterated char by char
            refs = [refs]
        kept = [r for r in refs if r is not None and r.strip()]
        if not kept:
            raise ValueError(f"item {i} has no non-empty reference")
        refs_clean.append(kept)

    preds = ["" if p is None else str(p) for p in predictions]
    tok = tokenizer if hasattr(tokenizer, "tokenize") else resolve_tokenizer(tokenizer, _all_texts(preds, refs_clean))
    scorer = rouge_scorer.RougeScorer(list(ROUGE_TYPES), use_stemmer=False, tokenizer=tok)

    over_refs = _mean if metric.references == "mean" else max
    items: list[dict] = []
    for pred, refs in zip(preds, refs_clean):
        if not pred.strip():
            item = {t: 0.0 for t in ROUGE_TYPES}
        else:
            per_ref = [scorer.score(ref, pred) for ref in refs]  # score(target, prediction)
            item = {t: over_refs([s[t].fmeasure for s in per_ref]) for t in ROUGE_TYPES}
        item["score"] = metric.combine(item)
        items.append(item)

    result = {t: _mean([it[t] for it in items]) for t in ROUGE_TYPES}
    result["score"] = metric.combine(result)
    result["n"] = len(items)
    result["metric"] = {**metric.as_dict(), "tokenizer": getattr(tok, "name", type(tok).__name__)}
    if per_item:
        result["items"] = items
    return result


def _all_texts(preds: list[str], refs: list[list[str]]) -> Iterable[str]:
    yield from preds
    for rs in refs:
        yield from rs


# ---------------------------------------------------------------- CSV input


def _read_csv(path: str | os.PathLike, role: str) -> tuple[list[str], list[dict]]:
    """Rows of a UTF-8 (BOM allowed) CSV as dicts, with errors that say what to do."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            header = list(reader.fieldnames or [])
            rows = list(reader)
    except FileNotFoundError:
        raise ScoreInputError(f"{role} file not found: {path}; check the path") from None
    except PermissionError:
        raise ScoreInputError(f"{role} file {path} cannot be read: permission denied") from None
    except IsADirectoryError:
        raise ScoreInputError(f"{role} path is a folder, not a CSV file: {path}") from None
    except UnicodeDecodeError as exc:
        raise ScoreInputError(
            f"{role} file {path} is not valid UTF-8 (byte {exc.start}); re-save it as UTF-8"
        ) from None
    except csv.Error as exc:
        raise ScoreInputError(f"{role} file {path} is not a readable CSV: {exc}") from None
    if not header:
        raise ScoreInputError(f"{role} file {path} is empty; it needs a header row")
    header = [h.strip() for h in header]
    for row in rows:
        # DictReader puts extra cells under the None key; a ragged row is a broken file.
        if None in row:
            raise ScoreInputError(
                f"{role} file {path}: row for fname {row.get('fname')!r} has more cells than the header; "
                "quote fields that contain commas"
            )
    rows = [{(k.strip() if k else k): v for k, v in row.items()} for row in rows]
    return header, rows


def _fname_index(path, role: str, rows: list[dict]) -> dict[str, dict]:
    index: dict[str, dict] = {}
    for line_no, row in enumerate(rows, start=2):
        fname = (row.get("fname") or "").strip()
        if not fname:
            raise ScoreInputError(f"{role} file {path}: data row {line_no - 1} has an empty fname; fill it in")
        if fname in index:
            raise ScoreInputError(f"{role} file {path}: fname {fname!r} appears more than once; keep one row per fname")
        index[fname] = row
    return index


def _preview(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f" (and {len(names) - limit} more)" if len(names) > limit else "")


def score_csv(
    predictions_csv: str | os.PathLike,
    references_csv: str | os.PathLike,
    tokenizer: str | None = None,
    per_item: bool = False,
    metric: Metric | None = None,
) -> dict:
    """Score a ``fname,summary`` predictions CSV against a references CSV, joined by fname.

    The references file holds ``summary`` and/or ``summary1..summaryN``
    columns (other columns, e.g. dialogue/topic of dev.csv, are ignored);
    empty reference cells are skipped. Every reference fname needs a
    prediction and vice versa. Items are scored in the references' order.
    ``tokenizer`` (default: ``metric.tokenizer``) overrides the metric's.
    Returns score_texts' dict plus ``"tokenizer"`` (the one used); with
    ``per_item=True``, ``"items"`` entries also carry ``"fname"``.
    Raises ScoreInputError (exit code 3) for bad input.
    """
    pred_header, pred_rows = _read_csv(predictions_csv, "predictions")
    for col in ("fname", "summary"):
        if col not in pred_header:
            raise ScoreInputError(
                f"predictions file {predictions_csv} has no {col!r} column (columns: {', '.join(pred_header)}); "
                "it must have the columns fname,summary"
            )
    ref_header, ref_rows = _read_csv(references_csv, "references")
    if "fname" not in ref_header:
        raise ScoreInputError(
            f"references file {references_csv} has no 'fname' column (columns: {', '.join(ref_header)})"
        )
    ref_cols = [c for c in ref_header if _REFERENCE_COLUMN.match(c)]
    if not ref_cols:
        raise ScoreInputError(
            f"references file {references_csv} has no reference column (columns: {', '.join(ref_header)}); "
            "it needs 'summary' or 'summary1', 'summary2', ..."
        )

    preds = _fname_index(predictions_csv, "predictions", pred_rows)
    refs = _fname_index(references_csv, "references", ref_rows)
    if not refs:
        raise ScoreInputError(f"references file {references_csv} has no data rows")

    missing = [f for f in refs if f not in preds]
    if missing:
        raise ScoreInputError(
            f"predictions file {predictions_csv} has no row for {len(missing)} fname(s) of {references_csv}: "
            f"{_preview(missing)}; predict every item of the references file"
        )
    extra = [f for f in preds if f not in refs]
    if extra:
        raise ScoreInputError(
            f"predictions file {predictions_csv} has {len(extra)} fname(s) not in {references_csv}: "
            f"{_preview(extra)}; score against the references of the same split"
        )

    fnames = list(refs)
    ref_lists: list[list[str]] = []
    for f in fnames:
        kept = [refs[f][c] for c in ref_cols if (refs[f].get(c) or "").strip()]
        if not kept:
            raise ScoreInputError(
                f"references file {references_csv}: fname {f!r} has no non-empty reference in "
                f"{', '.join(ref_cols)}; fill one in or drop the row"
            )
        ref_lists.append(kept)
    pred_texts = [preds[f].get("summary") or "" for f in fnames]

    metric = metric or COMPETITION_METRIC
    tok = resolve_tokenizer(tokenizer or metric.tokenizer, _all_texts(pred_texts, ref_lists))
    result = score_texts(pred_texts, ref_lists, tokenizer=tok, per_item=per_item, metric=metric)
    result["tokenizer"] = tok.name
    if per_item:
        result["items"] = [{"fname": f, **item} for f, item in zip(fnames, result["items"])]
    return result
