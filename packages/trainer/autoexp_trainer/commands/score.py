"""`score`: the competition score of a predictions CSV against references.

    python -m autoexp_trainer score --predictions preds.csv --references refs.csv \
        [--tokenizer auto|mecab|whitespace] [--aggregate mean|sum] [--reference-mode mean|max] \
        [--json] [--per-item items.csv]

The final score is the competition's by default: the mean of the R1/R2/RL F1s
(--json: a 0-1 fraction; the text line shows it x100).

Exit codes (docs/architecture.md): 0 ok, 2 usage, 3 bad input, 7 missing
Korean analyzer, 1 unexpected.
"""

from __future__ import annotations

import json
import sys

from ..cli import ArgumentParser, command
from ..errors import EXIT_OK, DataError
from ..io_utils import write_csv_atomic
from ..scoring import AGGREGATES, REFERENCE_MODES, ROUGE_TYPES, TOKENIZERS, Metric, score_csv


def build_parser() -> ArgumentParser:
    parser = ArgumentParser(
        prog="python -m autoexp_trainer score",
        description="Competition score: ROUGE-1/2/L F1 averaged over references, then items; "
        "final = mean of the three (x100 on the text line).",
    )
    parser.add_argument("--predictions", required=True, help="CSV with columns fname,summary")
    parser.add_argument(
        "--references",
        required=True,
        help="CSV with fname and summary or summary1..summaryN columns (dev.csv works too)",
    )
    parser.add_argument(
        "--tokenizer",
        choices=TOKENIZERS,
        default="auto",
        help="auto: Mecab morphemes when the text has Hangul, else Unicode words (default)",
    )
    parser.add_argument("--aggregate", choices=AGGREGATES, default="mean",
                        help="final = mean (the competition's, default) or sum of R1/R2/RL")
    parser.add_argument("--reference-mode", choices=REFERENCE_MODES, default="mean",
                        help="per item: mean (the competition's, default) or max over its references")
    parser.add_argument("--json", action="store_true",
                        help="print one JSON object (fractions 0..1; score 0..1 for mean, 0..3 for sum)")
    parser.add_argument("--per-item", metavar="OUT_CSV", help="also write fname,rouge1,rouge2,rougeL,score per item")
    return parser


def format_human(result: dict) -> str:
    return (
        f"R1 {result['rouge1'] * 100:.2f}  R2 {result['rouge2'] * 100:.2f}  "
        f"RL {result['rougeL'] * 100:.2f}  final {result['score'] * 100:.2f}  "
        f"(n={result['n']}, {result['metric']['aggregate']} of R1/R2/RL, tokenizer={result['tokenizer']})"
    )


@command  # usage errors -> 2, TrainerError -> its exit code (3 bad input, 7 no Mecab)
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    metric = Metric(aggregate=args.aggregate, references=args.reference_mode, tokenizer=args.tokenizer)
    result = score_csv(args.predictions, args.references, per_item=bool(args.per_item), metric=metric)
    if args.per_item:
        cols = ["fname", *ROUGE_TYPES, "score"]
        try:
            write_csv_atomic(
                args.per_item,
                cols,
                ([item["fname"], *(f"{item[c]:.6f}" for c in cols[1:])] for item in result["items"]),
            )
        except OSError as exc:
            raise DataError(f"cannot write --per-item {args.per_item}: {exc.strerror or exc}; "
                            "choose a writable path") from None
    summary = {k: result[k] for k in (*ROUGE_TYPES, "score", "n", "tokenizer", "metric")}
    print(json.dumps(summary, ensure_ascii=False) if args.json else format_human(summary))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
