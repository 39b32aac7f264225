"""`python -m autoexp_trainer train --config resolved.json`"""

from __future__ import annotations

import contextlib
import os
import signal
import sys

from ..cli import ArgumentParser, command
from ..config import load_config
from ..devices import is_main_process
from ..events import EventEmitter
from ..run_control import load_run_control


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog="python -m autoexp_trainer train",
                       description="Train a seq2seq or LoRA model from a resolved autoexp config (JSON). "
                                   "Progress is printed as JSON lines on stdout, everything else on stderr.")
    p.add_argument("--config", required=True, help="resolved config JSON written by the orchestrator")
    return p


@contextlib.contextmanager
def _exit_on_sigterm():
    """A killed run (orchestrator timeout) unwinds like an error, so autoexp_run.json says "failed"."""

    def handler(signum, frame):
        raise SystemExit(128 + signum)

    try:
        previous = signal.signal(signal.SIGTERM, handler)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        # Only our own: an interrupted run keeps its save-first handler to the end (interrupt.py).
        if signal.getsignal(signal.SIGTERM) is handler:
            signal.signal(signal.SIGTERM, previous)


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    cfg = load_config(args.config)
    control = load_run_control(args.config)
    if control.save_on_interrupt:
        from ..interrupt import catch_early_signals

        catch_early_signals()
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    # Under torchrun only rank 0 reports progress (the others would repeat every line).
    emitter = EventEmitter(sys.stdout if is_main_process() else open(os.devnull, "w"))
    # Libraries print to stdout; keep it JSON-lines only by sending the rest to stderr.
    with _exit_on_sigterm(), contextlib.redirect_stdout(sys.stderr):
        from ..training import run_training

        result = run_training(cfg, emitter, control)
    if control.save_on_interrupt:
        from ..interrupt import ignore_late_time_limit_signal

        ignore_late_time_limit_signal()
    emitter.emit("done", run_id=cfg.run_id, best_checkpoint=result.best_checkpoint,
                 final_metrics=result.final_metrics, run_dir=result.run_dir)
    return 0
