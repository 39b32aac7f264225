"""Tests that need a real component: outside CI they skip with the reason.
Under CI=true a component CI installs (an optional package) fails instead, so
a green CI never hides tests that did not run; data that lives beside the repo
(../shared/data/dialogsum, never copied in) skips there too, with the reason,
as a clone without it cannot have it."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(component: str, available: bool, reason: str, *, ci_installs: bool = True) -> None:
    """Call at the start of a test: returns when available, else skips (or fails under CI, when CI installs it)."""
    if available:
        return
    message = f"{component} is unavailable: {reason}"
    if in_ci() and ci_installs:
        pytest.fail(f"{message} (CI=true: a missing component fails instead of skipping)", pytrace=False)
    pytest.skip(message)
