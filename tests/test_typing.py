"""The package type-checks under mypy strict, as configured in pyproject.toml."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from mypy import api as mypy_api

ROOT = Path(__file__).resolve().parent.parent


def test_mypy_strict_finds_no_errors_in_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    # From the repository root, so `packages` and `exclude` in pyproject.toml resolve there
    # and the run shares the (git-ignored) .mypy_cache of a developer's `.venv/bin/mypy`.
    monkeypatch.chdir(ROOT)
    report, errors, exit_status = mypy_api.run(["--config-file", str(ROOT / "pyproject.toml")])
    assert exit_status == 0, report + errors
    assert "Success: no issues found" in report


def test_the_mypy_configuration_stays_strict_for_the_whole_package() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    assert config["strict"] is True
    assert config["packages"] == ["otree_async"]
    for override in config.get("overrides", []):
        modules = override["module"]
        modules = [modules] if isinstance(modules, str) else modules
        if any(module.startswith("otree_async") for module in modules):
            assert not override.get("ignore_errors"), f"errors ignored in {modules}"
