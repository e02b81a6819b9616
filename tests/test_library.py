"""The service layer's one path per action: the copies that drifted apart once
(settings, cancel, language-model loading) each have a test here; the window's
export is checked against the CLI's in tests/ui/test_ui_meeting_view.py."""

from __future__ import annotations

import builtins
import re
import sqlite3
from pathlib import Path

import pytest
from evaldata import JFK, ROOT, STANDUP
from job_process import start_transcribe, wait_for_job

from meetingapp.config import Settings
from meetingapp.engine.ask import LlamaChat
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.minutes.llm import LlmConfig, LocalLlm
from meetingapp.engine.pipeline import Stage, default_stages
from meetingapp.errors import MeetingAppError, ModelNotFoundError
from meetingapp.library import Library
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

    engine = JobRunner(home, stages=crashing)
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
    proc = start_transcribe(home, STANDUP, "--model", "base")
    row = wait_for_job(proc, home, lambda row: row["stage"] == "transcribe")
    r = cli("jobs", "cancel", "1")
    assert r.code == 0, r.err
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 1 and "cancelled" in err and out == "", err
    db = sqlite3.connect(home / "meetings.db")
    assert db.execute("SELECT COUNT(*) FROM meetings").fetchone() == (0,)
    assert db.execute("SELECT status FROM jobs").fetchall() == [("cancelled",)]
    db.close()
    assert not (home / row["stored_path"]).exists()


# -- one path per action: the window and the CLI call the same Library method ---------


def _meeting(home: Path, speakers: list[str]) -> int:
    from meetingapp.domain.transcript import Segment, Transcript, Word
    from meetingapp.store.meetings import NewMeeting, insert_meeting

    segs = [
        Segment(i * 10.0, i * 10.0 + 3, "one two", [Word(i * 10.0, i * 10.0 + 1, " one", 1, s)], s)
        for i, s in enumerate(speakers)
    ]
    new = NewMeeting("Standup", "general", "2026-11-02T10:00:00+00:00", "sha", "m.wav", "m.wav")
    with Library(home).connect() as db, db.conn:
        return insert_meeting(db, new, Transcript("en", 60.0, segs))


def test_new_recordings_take_the_settings_in_the_cli_too(home: Path) -> None:
    """The window queued with the settings' language, the CLI ignored it: now both
    ask the library, which fills what the user did not choose from the settings."""
    home.mkdir(parents=True, exist_ok=True)
    library = Library(home)
    library.save_settings(Settings(asr_model="small", language="de"))
    assert (library.job_options().model, library.job_options().language) == ("small", "de")
    chosen = library.job_options(model="tiny.en", language="en", title="T", type="standup")
    assert (chosen.model, chosen.language, chosen.title, chosen.type) == (
        "tiny.en",
        "en",
        "T",
        "standup",
    )
    callers = [PACKAGE / "cli" / "jobs.py", PACKAGE / "ui" / "main_window.py"]
    assert all("job_options(" in p.read_text(encoding="utf-8") for p in callers)
    assert not any("JobOptions(" in p.read_text(encoding="utf-8") for p in callers)


def test_reassign_checks_every_segment_before_changing_one(cli, home: Path) -> None:
    """The CLI moved segments one by one and stopped at a bad number, half done."""
    m = _meeting(home, ["S1", "S1", "S1"])
    r = cli("speakers", "reassign", m, "Ann", 0, 7)
    assert r.code == 1 and f"meeting {m} has no segment 7" in r.err
    assert Library(home).speakers_of(m) == ["S1"]
    assert cli("speakers", "reassign", m, "Ann", 0, 2).code == 0
    assert [s.speaker for s in Library(home).segments(m)] == ["Ann", "S1", "Ann"]


def test_rename_and_retype_a_meeting(cli, home: Path) -> None:
    m = _meeting(home, ["S1"])
    r = cli("edit", m, "--title", "  Weekly\nsync ", "--type", "standup")
    assert r.code == 0, r.err
    meeting = Library(home).meeting(m)
    assert (meeting.title, meeting.type) == ("Weekly sync", "standup")
    assert cli("edit", m, "--title", " ").code == 1
    assert cli("edit", m).code == 1
    with pytest.raises(MeetingAppError, match="not a meeting type"):
        Library(home).update_meeting(m, type="party")
    assert "Weekly sync" in cli("list").out


def test_connections_are_the_librarys() -> None:
    """Only the service layer opens the database for the window and the CLI, and it
    closes each connection (background tasks once left theirs open)."""
    for py in [*(PACKAGE / "ui").rglob("*.py"), *(PACKAGE / "cli").rglob("*.py")]:
        text = py.read_text(encoding="utf-8")
        assert "open_db(" not in text and "sqlite3.connect(" not in text, py
    library = (PACKAGE / "library.py").read_text(encoding="utf-8")
    assert library.count("open_db(") == 1  # in connect(), which always closes


def test_minutes_are_regenerated_in_one_place() -> None:
    users = sorted(
        p.relative_to(PACKAGE).as_posix()
        for p in PACKAGE.rglob("*.py")
        if re.search(r"\bgenerate_minutes\(", p.read_text(encoding="utf-8"))
    )
    # the pipeline's minutes stage, and the library for the CLI and the window
    assert users == ["engine/minutes/generate.py", "engine/pipeline.py", "library.py"]
