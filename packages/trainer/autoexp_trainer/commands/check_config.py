"""`python -m autoexp_trainer check-config --config a.json [--config b.json ...]`

Parses each resolved config exactly as `train` does and builds its Hugging Face
TrainingArguments, without loading data or a model: the orchestrator's output
and the trainer's input checked against each other (the contract test runs it
over every shipped experiment and recipe)."""

from __future__ import annotations

import contextlib
import sys

from ..cli import ArgumentParser, command
from ..config import load_config


def build_parser() -> ArgumentParser:
    p = ArgumentParser(prog="python -m autoexp_trainer check-config",
                       description="Check resolved config JSONs the way train reads them (no data, no model).")
    p.add_argument("--config", action="append", required=True, help="a resolved config JSON (repeatable)")
    return p


def _name(strategy) -> str:
    return getattr(strategy, "value", strategy)


@command
def main(argv: list[str]) -> int:
    args = build_parser().parse_args(argv)
    with contextlib.redirect_stdout(sys.stderr):
        from ..training import build_training_args

        for path in args.config:
            cfg = load_config(path)
            targs = build_training_args(cfg, seq2seq=cfg.model.type == "seq2seq")
            print(f"ok {path}: eval {_name(targs.eval_strategy)}, save {_name(targs.save_strategy)}, "
                  f"best by {targs.metric_for_best_model} (greater_is_better={targs.greater_is_better}); "
                  f"eval decoding {cfg.eval_decoding.source}", file=sys.__stdout__, flush=True)
    return 0
