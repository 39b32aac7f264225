"""Errors a user can cause, each mapped to the exit code of docs/architecture.md."""

from __future__ import annotations


class TrainerError(Exception):
    """Base class: a message for the user and the process exit code."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class DataError(TrainerError):
    """Missing file or column, empty dialogue, duplicate fname."""

    exit_code = 3


class ConfigError(TrainerError):
    """Unknown architecture, wrong type, inconsistent settings."""

    exit_code = 4


class CheckpointError(TrainerError):
    """Checkpoint folder missing, without weights, or unreadable."""

    exit_code = 5


class GenerationOOMError(TrainerError):
    """CUDA ran out of memory even at batch size 1."""

    exit_code = 6


class MissingDependencyError(TrainerError):
    """Optional package or hardware missing (bitsandbytes, CUDA for QLoRA)."""

    exit_code = 7


EXIT_OK = 0
EXIT_UNEXPECTED = 1
EXIT_USAGE = 2
