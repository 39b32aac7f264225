"""`ensemble`: per item, the members' consensus summary (minimum-Bayes-risk selection).

    python -m autoexp_trainer ensemble --member exp-a=a/dev.csv --member exp-b=b/dev.csv ... \\
        --output dev.csv [--choices dev-choices.csv] \\
        [--aggregate mean|sum] [--reference-mode mean|max] [--tokenizer auto|mecab|whitespace] [--json]

Each item gets the member summary with the highest mean competition score
against the other members' summaries of that item (autoexp_trainer.consensus).
The output is a fname,summary CSV in the first member's row order; --choices
also writes fname,member,utility. Exit codes as for `score`: 0 ok, 2 usage,
3 bad input, 7 no Korean analyzer.
"""

from __future__ import annotations

import json
import sys
from collections import Counter

from ..cli import ArgumentParser, UsageError, command
from ..consensus import read_member, select_consensus
from ..errors import EXIT_OK, DataError
from ..io_utils import write_csv_atomic
from ..scoring import AGGREGATES, REFERENCE_MODES, TOKENIZERS, Metric


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="python -m autoexp_trainer ensemble",
                            description="Consensus (minimum-Bayes-risk) selection over members' predictions.")
    parser.add_argument("--member", action="append", required=True, metavar="NAME=CSV",
                        help="a member's fname,summary predictions (give at least two)")
    parser.add_argument("--output", required=True, help="where to write the chosen fname,summary CSV")
    parser.add_argument("--choices", metavar="CSV", help="also write fname,member,utility per item")
    parser.add_argument("--aggregate", choices=AGGREGATES, default="mean")
    parser.add_argument("--reference-mode", choices=REFERENCE_MODES, default="mean",
                        help="accepted for symmetry with score; the expected score is always a mean over members")
    parser.add_argument("--tokenizer", choices=TOKENIZERS, default="auto")
    parser.add_argument("--json", action="store_true", help="print one JSON object: n, picks per member")
    return parser


def _member_arg(raw: str) -> tuple[str, str]:
    name, sep, path = raw.partition("=")
    if not sep or not name or not path:
        raise UsageError(f"--member takes NAME=CSV, got {raw!r}")
    return name, path


def _write(path: str, header: list[str], rows) -> None:
    try:
        write_csv_atomic(path, header, rows)
    except OSError as exc:
        raise DataError(f"cannot write {path}: {exc.strerror or exc}; choose a writable path") from None


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    metric = Metric(aggregate=args.aggregate, references=args.reference_mode, tokenizer=args.tokenizer)
    members = [read_member(*_member_arg(raw)) for raw in args.member]
    choices = select_consensus(members, metric)
    _write(args.output, ["fname", "summary"], ([c.fname, c.summary] for c in choices))
    if args.choices:
        _write(args.choices, ["fname", "member", "utility"], ([c.fname, c.member, f"{c.utility:.6f}"] for c in choices))
    picks = Counter(c.member for c in choices)
    summary = {"n": len(choices), "picks": {m.name: picks.get(m.name, 0) for m in members}}
    if args.json:
        print(json.dumps(summary, ensure_ascii=False))
    else:
        print(f"{len(choices)} items; picks: " + ", ".join(f"{k} {v}" for k, v in summary["picks"].items()))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
