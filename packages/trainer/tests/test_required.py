"""A missing test component skips outside CI and fails under CI=true, unless CI cannot install it (data beside the repo)."""

import pytest
from _pytest.outcomes import Failed, Skipped

from required import require


def test_available_component_returns(monkeypatch):
    monkeypatch.setenv("CI", "true")
    require("x", True, "never shown")


def test_missing_component_skips_outside_ci(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(Skipped, match="the data is unavailable: not found"):
        require("the data", False, "not found")


def test_missing_component_fails_under_ci(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Failed, match="the data is unavailable: not found.*CI=true"):
        require("the data", False, "not found")


def test_missing_data_beside_the_repo_skips_under_ci_too(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(Skipped, match="the data is unavailable: not found"):
        require("the data", False, "not found", ci_installs=False)
