"""Tests that need a real component (the shared DialogSum data, an optional
package): outside CI they skip with the reason; under CI=true they fail with
it, so a green CI never hides tests that did not run."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() in ("1", "true", "yes")


def require(component: str, available: bool, reason: str) -> None:
    """Call at the start of a test: returns when available, else skips (or fails under CI)."""
    if available:
        return
    message = f"{component} is unavailable: {reason}"
    if in_ci():
        pytest.fail(f"{message} (CI=true: a missing component fails instead of skipping)", pytrace=False)
    pytest.skip(message)
