"""`baselines`: scores of trivial predictors on a dev set (constant skeleton, lead-1, best lead-k).

    python -m autoexp_trainer baselines --dev dev.csv [--train train.csv] \\
        [--aggregate mean|sum] [--reference-mode mean|max] [--tokenizer auto|mecab|whitespace] \\
        [--cache-dir DIR] [--json]

A model that does not beat the best of them has learned nothing a rule could
not do. Exit codes as for `score`: 0 ok, 2 usage, 3 bad input, 7 no Korean analyzer.
"""

from __future__ import annotations

import json
import sys

from ..baselines import baselines_cached
from ..cli import ArgumentParser, command
from ..errors import EXIT_OK
from ..scoring import AGGREGATES, REFERENCE_MODES, TOKENIZERS, Metric


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(prog="python -m autoexp_trainer baselines",
                            description="Competition scores of trivial predictors on a dev set.")
    parser.add_argument("--dev", required=True, help="dev CSV with fname, dialogue, summary")
    parser.add_argument("--train", help="train CSV whose summaries give the constant (default: the dev summaries)")
    parser.add_argument("--aggregate", choices=AGGREGATES, default="mean")
    parser.add_argument("--reference-mode", choices=REFERENCE_MODES, default="mean")
    parser.add_argument("--tokenizer", choices=TOKENIZERS, default="auto")
    parser.add_argument("--cache-dir", help="reuse/store results here, keyed by the files' bytes and the metric")
    parser.add_argument("--json", action="store_true", help="print one JSON object (fractions 0..1)")
    return parser


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    metric = Metric(aggregate=args.aggregate, references=args.reference_mode, tokenizer=args.tokenizer)
    result = baselines_cached(args.dev, args.train, metric, args.cache_dir)
    if args.json:
        print(json.dumps(result, ensure_ascii=False))
    else:
        for b in result["baselines"]:
            mark = "  <- best" if b["name"] == result["best"] else ""
            print(f"{b['name']:<9} final {b['score'] * 100:6.2f}  R1 {b['rouge1'] * 100:6.2f}  R2 {b['rouge2'] * 100:6.2f}  "
                  f"RL {b['rougeL'] * 100:6.2f}  {b['description']}{mark}")
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
