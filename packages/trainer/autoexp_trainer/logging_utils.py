"""Human-readable messages go to stderr, so stdout stays JSON-lines only."""

from __future__ import annotations

import sys


def info(message: str) -> None:
    print(f"[autoexp-trainer] {message}", file=sys.stderr, flush=True)


def warn(message: str) -> None:
    print(f"[autoexp-trainer] warning: {message}", file=sys.stderr, flush=True)
