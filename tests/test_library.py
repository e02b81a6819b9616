"""The service layer's one path per action: the copies that drifted apart once
(settings, cancel, language-model loading) each have a test here; the window's
export is checked against the CLI's in tests/ui/test_ui_meeting_view.py."""

from __future__ import annotations

import builtins
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from evaldata import JFK, ROOT, STANDUP

from meetingapp.config import Settings
from meetingapp.engine.ask import LlamaChat
from meetingapp.engine.jobs import Engine
from meetingapp.engine.minutes.llm import LlmConfig, LocalLlm
from meetingapp.engine.pipeline import Stage, default_stages
from meetingapp.errors import ModelNotFoundError
from meetingapp.store.jobs import JobOptions, get_job, load_artifacts

PACKAGE = ROOT / "meetingapp"


def test_one_rule_for_the_language_model_path(tmp_path: Path) -> None:
    assert Settings().llm_path() is None
    listed = Settings(model_paths={"llm": "~/models/m.gguf"})
    assert listed.llm_path() == Path.home() / "models" / "m.gguf"
    chosen = Settings(llm_model=str(tmp_path / "a.gguf"), model_paths={"llm": "/b.gguf"})
    assert chosen.llm_path() == tmp_path / "a.gguf"
    # nobody reads the setting another way
    for py in PACKAGE.rglob("*.py"):
        if py.name != "config.py":
            text = py.read_text(encoding="utf-8")
            assert ".llm_model" not in text and 'model_paths.get("llm")' not in text, py


def test_one_llama_loader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loaders = [py for py in PACKAGE.rglob("*.py") if "Llama(" in py.read_text(encoding="utf-8")]
    assert [p.name for p in loaders] == ["llama.py"]
    missing = tmp_path / "none.gguf"
    messages = set()
    for load in (lambda: LlamaChat(missing), lambda: LocalLlm(LlmConfig(missing))):
        with pytest.raises(ModelNotFoundError) as e:
            load()
        messages.add(str(e.value))
    assert messages == {f"{missing}: no such language model file (a .gguf)"}
    missing.write_bytes(b"GGUF")
    real_import = builtins.__import__

    def no_llama(name: str, *args, **kwargs):
        if name == "llama_cpp":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_llama)
    messages = set()
    for load in (lambda: LlamaChat(missing), lambda: LocalLlm(LlmConfig(missing))):
        with pytest.raises(ModelNotFoundError) as e:
            load()
        messages.add(str(e.value))
    [message] = messages
    assert str(missing) in message and "pip install llama-cpp-python" in message


class Crash(BaseException):
    """Stands for the process being killed mid-job."""


def test_cancel_from_the_cli_cleans_up_like_the_window(cli, home: Path) -> None:
    def crashing() -> list[Stage]:
        def crash(ctx, progress, cancel) -> None:
            raise Crash()

        return [*default_stages()[:2], Stage("killed", 0.1, crash)]  # after VAD

    engine = Engine(home, stages=crashing)
    job_id = engine.submit(JFK, JobOptions(model="tiny.en")).job_id
    assert job_id is not None
    with pytest.raises(Crash):
        engine.wait([job_id])
    stored = home / get_job(engine.db, job_id).stored_path
    assert stored.exists() and load_artifacts(engine.db, job_id)
    engine.close()  # the process is gone
    r = cli("jobs", "cancel", job_id)
    assert r.code == 0, r.err
    db = sqlite3.connect(home / "meetings.db")
    assert db.execute("SELECT status FROM jobs WHERE id = ?", [job_id]).fetchone() == ("cancelled",)
    assert db.execute("SELECT COUNT(*) FROM job_artifacts").fetchone() == (0,)
    db.close()
    assert not stored.exists()  # the stored copy goes, as when the window cancels
    assert JFK.exists()


def test_cancel_a_job_another_process_is_running(cli, home: Path) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-m", "meetingapp", "transcribe", STANDUP, "--model", "base"],
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while True:
        assert proc.poll() is None and time.monotonic() < deadline, proc.communicate()
        try:
            db = sqlite3.connect(f"file:{home / 'meetings.db'}?mode=ro", uri=True)
            row = db.execute("SELECT stage, stored_path FROM jobs WHERE id = 1").fetchone()
            db.close()
        except sqlite3.Error:
            row = None
        if row and row[0] == "transcribe":
            break
        time.sleep(0.05)
    r = cli("jobs", "cancel", "1")
    assert r.code == 0, r.err
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "cancelled" in err and out == "", err
    db = sqlite3.connect(home / "meetings.db")
    assert db.execute("SELECT COUNT(*) FROM meetings").fetchone() == (0,)
    assert db.execute("SELECT status FROM jobs").fetchall() == [("cancelled",)]
    db.close()
    assert not (home / row[1]).exists()
