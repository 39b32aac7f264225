"""Minimum-Bayes-risk (consensus) selection over several members' summaries.

For each item, every member's summary is scored with the competition metric
(``scoring.score_texts``: ROUGE-1/2/L F1 on the same tokenizer, combined as
the metric says) against the other members' summaries of that item, averaged
over them; the summary with the highest expected score wins. A summary that
agrees with the others is the likeliest to agree with the reference too, and a
garbage member is outvoted: its summaries agree with nobody.
Ties go to a non-empty summary, then to the member listed first, so the
choice is deterministic.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from .scoring import COMPETITION_METRIC, Metric, ScoreInputError, _fname_index, _read_csv, resolve_tokenizer, score_texts


@dataclass(frozen=True)
class Member:
    name: str
    summaries: dict[str, str]  # fname -> summary, in the file's row order


@dataclass(frozen=True)
class Choice:
    fname: str
    member: str
    summary: str
    utility: float  # mean metric score against the other members' summaries


def read_member(name: str, path: str | os.PathLike) -> Member:
    """A member's ``fname,summary`` predictions; errors name the member and the file."""
    role = f"predictions of member {name}"
    header, rows = _read_csv(path, role)
    for col in ("fname", "summary"):
        if col not in header:
            raise ScoreInputError(f"{role} ({path}) have no {col!r} column (columns: {', '.join(header)}); "
                                  "they must have the columns fname,summary")
    index = _fname_index(path, role, rows)
    return Member(name, {f: (r.get("summary") or "") for f, r in index.items()})


def _check_same_items(members: list[Member]) -> list[str]:
    first = members[0]
    fnames = list(first.summaries)
    for m in members[1:]:
        missing = [f for f in fnames if f not in m.summaries]
        extra = [f for f in m.summaries if f not in first.summaries]
        if missing or extra:
            what = f"no row for {missing[0]!r}" if missing else f"a row for {extra[0]!r}, which {first.name} has not"
            raise ScoreInputError(
                f"member {m.name} has {what} ({len(missing)} missing, {len(extra)} extra against {first.name}); "
                "every member must predict the same items: re-run its infer on the same data"
            )
    return fnames


def select_consensus(members: list[Member], metric: Metric | None = None) -> list[Choice]:
    """One Choice per item, in the first member's row order."""
    if len(members) < 2:
        raise ScoreInputError(f"consensus needs at least 2 members, got {len(members)}")
    names = [m.name for m in members]
    if len(set(names)) != len(names):
        raise ScoreInputError(f"member names must be unique, got {', '.join(names)}")
    metric = metric or COMPETITION_METRIC
    # The expected score is a mean over the other members, whatever metric.references says.
    utility_metric = Metric(aggregate=metric.aggregate, references="mean", tokenizer=metric.tokenizer)
    fnames = _check_same_items(members)
    texts = [m.summaries[f] for m in members for f in fnames]
    tok = resolve_tokenizer(metric.tokenizer, texts)  # once for the corpus, as the score does

    utilities: list[list[float]] = []
    for i, cand in enumerate(members):
        others = [[o.summaries[f] for j, o in enumerate(members) if j != i] for f in fnames]
        # score_texts refuses an item without a non-empty reference: when every other member
        # wrote nothing, nobody supports this summary, so its expected score is 0.
        scored = [k for k, refs in enumerate(others) if any(r.strip() for r in refs)]
        row = [0.0] * len(fnames)
        if scored:
            res = score_texts([cand.summaries[fnames[k]] for k in scored], [others[k] for k in scored],
                              tokenizer=tok, per_item=True, metric=utility_metric)
            for k, item in zip(scored, res["items"]):
                row[k] = item["score"]
        utilities.append(row)

    choices = []
    for k, f in enumerate(fnames):
        # Equal support (e.g. nobody agrees with anybody): a written summary beats an empty one.
        best = max(range(len(members)), key=lambda i: (utilities[i][k], bool(members[i].summaries[f].strip()), -i))
        choices.append(Choice(f, members[best].name, members[best].summaries[f], utilities[best][k]))
    return choices
