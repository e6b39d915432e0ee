"""`pytest` run in an oTree project folder plays each session config's bots as a test."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def copy_project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    shutil.copytree(EXAMPLES, project, ignore=shutil.ignore_patterns("db.sqlite3*", "__pycache__"))
    return project


def run_pytest(project: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", *args],
        cwd=project,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_each_config_is_a_passing_test(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    result = run_pytest(project)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "6 passed" in result.stdout


def test_failing_bot_names_participant_page_and_expectation(tmp_path: Path) -> None:
    project = copy_project(tmp_path)
    tests = project / "public_goods" / "tests.py"
    # Expect a payoff the game never pays: the failure must say who, where and what. Only
    # P1's bot expects it, since the first failure ends the run (as in oTree).
    tests.write_text(
        tests.read_text().replace(
            "        yield Results",
            "        if self.participant.id_in_session == 1:\n"
            "            expect(self.player.payoff, 12345)\n"
            "        yield Results",
        )
    )
    result = run_pytest(project, "-k", "public_goods and not full")
    assert result.returncode == 1
    assert "Participant P1" in result.stdout
    assert "app 'public_goods' round 1" in result.stdout
    assert "12345" in result.stdout
