"""Shared fixtures: eval data paths, an isolated data folder, the CLI in-process."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from evaldata import EVAL

from meetingapp.cli import main


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    if not EVAL.is_dir():
        raise pytest.UsageError(f"evaluation data not found at {EVAL} (expected ../shared/eval)")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh data folder for one test."""
    data = tmp_path / "data"
    monkeypatch.setenv("MEETINGAPP_HOME", str(data))
    return data


@dataclass
class CliResult:
    code: int
    out: str
    err: str

    @property
    def last_line(self) -> str:
        return self.out.strip().splitlines()[-1]


@pytest.fixture
def cli(home: Path, capsys: pytest.CaptureFixture[str]) -> Iterator[object]:
    """Run ``meetingapp ARGS`` in this process (models stay loaded between calls)."""

    def run(*args: str) -> CliResult:
        code = main([str(a) for a in args])
        cap = capsys.readouterr()
        return CliResult(code, cap.out, cap.err)

    yield run


def pytest_configure(config: pytest.Config) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
