"""`python -m autoexp_trainer predict --checkpoint DIR --input test.csv --output preds.csv`"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

from ..cli import ArgumentParser, command
from ..data import load_examples
from ..errors import DataError
from ..events import EventEmitter
from ..io_utils import write_csv_atomic
from ..logging_utils import info, warn


def _positive(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {value}")
    return value


def _non_negative(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {value}")
    return value


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog="python -m autoexp_trainer predict",
                       description="Generate a summary for every row of a CSV (fname, dialogue) and write "
                                   "fname,summary in the same order.")
    p.add_argument("--checkpoint", required=True, help="checkpoint folder (full model or PEFT adapter)")
    p.add_argument("--input", required=True, help="CSV with fname and dialogue columns")
    p.add_argument("--output", required=True, help="CSV to write (fname,summary), replaced atomically")
    p.add_argument("--batch-size", type=_positive, default=16, help="start batch size (halved on CUDA OOM)")
    p.add_argument("--num-beams", type=_positive, default=1)
    p.add_argument("--max-new-tokens", type=_positive, default=None,
                   help="default: the checkpoint's max_target_length")
    p.add_argument("--no-repeat-ngram-size", type=_non_negative, default=0, help="0 = off")
    p.add_argument("--device", choices=("auto", "cpu", "cuda"), default="auto")
    p.add_argument("--dtype", choices=("auto", "fp32", "fp16", "bf16"), default="auto",
                   help="auto: bf16 on a GPU that supports it, else fp32")
    p.add_argument("--no-sort", action="store_true",
                   help="batch in file order instead of by length (for benchmarks)")
    return p


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    out_path = Path(args.output)
    if out_path.resolve() == Path(args.input).resolve():
        raise DataError(f"--output {out_path} is the input file; write predictions to another path.")
    # Validate the input before loading a model (fast failure, nothing written).
    rows = load_examples(args.input, need_summary=False, what="input")
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    emitter = EventEmitter(sys.stdout)
    with contextlib.redirect_stdout(sys.stderr):
        from ..checkpoint import load_for_inference
        from ..generation import GenerationOptions, Progress, generate_summaries

        loaded = load_for_inference(args.checkpoint, device=args.device, dtype=args.dtype)
        options = GenerationOptions(
            batch_size=args.batch_size, num_beams=args.num_beams,
            max_new_tokens=args.max_new_tokens or loaded.settings.max_target_length,
            no_repeat_ngram_size=args.no_repeat_ngram_size, sort_by_length=not args.no_sort)
        final_bs = [args.batch_size]
        progress = Progress(len(rows), "predict")
        t0 = time.monotonic()
        summaries = generate_summaries(loaded.model, loaded.tokenizer, [r.dialogue for r in rows],
                                       loaded.settings, options, device=loaded.device, progress=progress,
                                       on_batch_size_change=lambda bs: final_bs.__setitem__(0, bs))
        seconds = time.monotonic() - t0
        empty = [r.fname for r, s in zip(rows, summaries) if not s]
        if empty:
            warn(f"{len(empty)} empty summaries (e.g. {', '.join(empty[:3])}); the model may be undertrained")
        write_csv_atomic(out_path, ["fname", "summary"], ([r.fname, s] for r, s in zip(rows, summaries)))
        info(f"wrote {len(rows)} rows to {out_path} in {seconds:.1f}s ({len(rows) / max(seconds, 1e-9):.2f} items/s)")
    emitter.emit("done", output=str(out_path), rows=len(rows), seconds=round(seconds, 3),
                 items_per_s=round(len(rows) / max(seconds, 1e-9), 3), batch_size=final_bs[0],
                 checkpoint=str(loaded.info.path), kind=loaded.info.kind, empty_summaries=len(empty))
    return 0
