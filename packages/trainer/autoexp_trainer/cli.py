"""Shared command plumbing: argparse with exit code 2, TrainerError -> its exit code."""

from __future__ import annotations

import argparse
import functools
import sys
import traceback
from typing import Callable

from .errors import EXIT_UNEXPECTED, EXIT_USAGE, TrainerError


class UsageError(Exception):
    pass


class ArgumentParser(argparse.ArgumentParser):
    """argparse that raises instead of calling sys.exit, so main(argv) always returns."""

    def error(self, message: str):  # type: ignore[override]
        self.print_usage(sys.stderr)
        raise UsageError(f"{self.prog}: error: {message}")

    def exit(self, status: int = 0, message: str | None = None):  # type: ignore[override]
        if message:
            print(message, file=sys.stderr)
        raise SystemExit(status)


def command(fn: Callable[[list[str]], int]) -> Callable[[list[str]], int]:
    """Wrap a command's main: user errors print one clear line and map to their exit code."""

    @functools.wraps(fn)
    def wrapper(argv: list[str]) -> int:
        try:
            return fn(list(argv))
        except UsageError as exc:
            print(str(exc), file=sys.stderr)
            return EXIT_USAGE
        except SystemExit as exc:  # --help
            return int(exc.code or 0)
        except TrainerError as exc:
            print(f"error: {exc.message}", file=sys.stderr, flush=True)
            return exc.exit_code
        except KeyboardInterrupt:
            print("interrupted", file=sys.stderr)
            return 130
        except Exception:  # noqa: BLE001 - last resort: full traceback, exit 1
            traceback.print_exc()
            print("error: unexpected failure (traceback above). Please report it with the command line.",
                  file=sys.stderr)
            return EXIT_UNEXPECTED

    return wrapper
