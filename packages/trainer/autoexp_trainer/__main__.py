"""`python -m autoexp_trainer <command> [options]`: dispatch to autoexp_trainer.commands.<command>.main."""

from __future__ import annotations

import importlib
import sys

COMMANDS = {
    "train": "train a model from a resolved config JSON",
    "predict": "generate summaries for a CSV from a checkpoint",
    "score": "competition ROUGE score of predictions against references",
    "ensemble": "consensus (minimum-Bayes-risk) selection over several members' predictions",
    "baselines": "scores of trivial predictors (constant skeleton, lead-k) on a dev set",
    "check-config": "check resolved config JSONs as train reads them (no data, no model)",
    "preview": "show N train rows exactly as the model gets them, and how many are truncated",
}


def _usage() -> str:
    lines = ["usage: python -m autoexp_trainer <command> [options]", "", "commands:"]
    lines += [f"  {name:<12} {text}" for name, text in COMMANDS.items()]
    lines += ["", "Run `python -m autoexp_trainer <command> --help` for a command's options."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] in ("-h", "--help"):
        print(_usage(), file=sys.stderr if not argv else sys.stdout)
        return 2 if not argv else 0
    name, rest = argv[0], argv[1:]
    if name not in COMMANDS:
        print(f"unknown command {name!r}\n\n{_usage()}", file=sys.stderr)
        return 2
    if not sys.stderr.isatty():
        # Under Nx or CI, tqdm's carriage-return bars ("Loading weights", "Writing
        # model shards") become noise lines; our own progress lines remain.
        import os

        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        from transformers.utils import logging as hf_logging

        hf_logging.disable_progress_bar()
    module = importlib.import_module(f"autoexp_trainer.commands.{name.replace('-', '_')}")
    try:
        return int(module.main(rest))
    except SystemExit as exc:  # a command whose argparse exits (e.g. --help) still returns a code
        return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def entrypoint() -> None:
    sys.exit(main())


if __name__ == "__main__":
    entrypoint()
