"""Faults from issue 12: odd names, odd paths and odd settings get one clear line, not a
traceback; a batch goes on past a bad file; exports are escaped and never clobber a file."""

from __future__ import annotations

import builtins
import json
import os
import shlex
import shutil
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest
from chromadb.api.shared_system_client import SharedSystemClient
from evaldata import EVAL, JFK, LIBRI, ROOT, STANDUP
from job_process import start_transcribe, wait_for_job

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine import search_index
from meetingapp.engine.audio import load_audio
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.pipeline import Stage, default_stages
from meetingapp.store.backups import KEEP_DAILY, daily_backup, list_backups
from meetingapp.store.db import open_db
from meetingapp.store.export import FORMATS, md
from meetingapp.store.job_holders import LEASE_SECONDS, Holder, beat
from meetingapp.store.jobs import JobOptions, claim_orphans, create_job
from meetingapp.store.meetings import update_segment_text


@pytest.fixture
def meeting(cli) -> str:
    """A meeting already in the store (its minutes name "Speaker 1")."""
    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code == 0, r.err
    return r.last_line


def dump(home: Path) -> list[str]:
    db = sqlite3.connect(home / "meetings.db")
    try:
        return list(db.iterdump())
    finally:
        db.close()


def snapshot(cli, home: Path) -> tuple[str, list[str]]:
    """What must not change when a command fails: the library and the whole database."""
    return cli("list").out, dump(home)


def assert_one_error(r: Any, *needles: str, code: int = 1) -> str:
    """Exactly one ``meetingapp:`` line on stderr, naming every needle; no traceback."""
    assert "Traceback" not in r.err, r.err
    lines = [ln for ln in r.err.splitlines() if ln.startswith("meetingapp: ")]
    assert len(lines) == 1, r.err
    assert all(n in lines[0] for n in needles), lines[0]
    assert r.code == code, r.err
    return lines[0]


# -- 1: speaker names with quotes, backslashes, newlines ----------------------
ODD_NAMES = ['Robert "Bob" Smith', "C:\\Users\\bob", 'Ann\nLee "A"', 'Bob "B"']


def test_odd_speaker_names_keep_the_meeting_viewable(cli, meeting: str) -> None:
    old = "Speaker 1"
    for name in ODD_NAMES:
        r = cli("speakers", "rename", "--meeting", meeting, old, name)
        assert r.code == 0 and "Traceback" not in r.err, r.err
        shown = " ".join(name.split())  # a name is one line
        show = cli("show", meeting)
        assert show.code == 0 and "Traceback" not in show.err, show.err
        assert f"] {md(shown)}: " in show.out
        for fmt in FORMATS:
            r = cli("export", meeting, "-f", fmt)
            assert r.code == 0 and "Traceback" not in r.err, (fmt, r.err)
        doc = json.loads(cli("export", meeting, "-f", "json").out)
        assert doc["meeting"]["participants"] == [shown]
        assert shown in doc["summary"]  # the minutes follow the rename
        assert old not in doc["summary"]
        old = shown
    r = cli("speakers", "rename", "--meeting", meeting, old, "Ann")
    assert r.code == 0, r.err
    doc = json.loads(cli("export", meeting, "-f", "json").out)
    assert "Ann" in doc["summary"] and 'Bob "B"' not in doc["summary"]


def test_odd_profile_name_renamed_everywhere(cli, meeting: str) -> None:
    assert cli("speakers", "rename", "--meeting", meeting, "Speaker 1", "Bob").code == 0
    r = cli("speakers", "rename", "Bob", 'Robert "Bob"\\ Smith')
    assert r.code == 0, r.err
    doc = json.loads(cli("export", meeting, "-f", "json").out)
    assert doc["meeting"]["participants"] == ['Robert "Bob"\\ Smith']
    assert 'Robert "Bob"\\ Smith' in doc["summary"]


# -- 4: odd paths, odd ids, odd settings: one line each; a batch goes on ----------
def symlink_loop(tmp: Path) -> Path:
    loop = tmp / "loop.wav"
    loop.symlink_to(loop.name)
    return loop


def through_a_file(tmp: Path) -> Path:
    shutil.copy(JFK, tmp / "x.wav")
    return tmp / "x.wav" / "y.wav"


def long_name(tmp: Path) -> Path:
    return tmp / ("a" * 300 + ".wav")


PATHS = [
    (symlink_loop, "symbolic links"),
    (through_a_file, "a part of the path is a file"),
    (long_name, "file name too long"),
]


@pytest.mark.parametrize(("make", "cause"), PATHS, ids=[p[0].__name__ for p in PATHS])
def test_bad_path_is_one_line(cli, meeting: str, home: Path, tmp_path: Path, make, cause) -> None:
    bad = make(tmp_path)
    before = snapshot(cli, home)
    r = cli("transcribe", bad, "--model", "tiny.en")
    assert_one_error(r, str(bad), cause)
    assert r.out == ""
    assert snapshot(cli, home) == before


def test_a_bad_path_does_not_stop_the_batch(cli, tmp_path: Path) -> None:
    r = cli("transcribe", JFK, through_a_file(tmp_path), LIBRI, "--model", "tiny.en")
    assert_one_error(r, "y.wav", "a part of the path is a file")
    ids = r.out.split()
    assert len(ids) == 2 and all(i.isdigit() for i in ids), r.out
    assert len(cli("list").out.strip().splitlines()) == 2


@pytest.mark.parametrize(
    "args",
    [
        ("export", "99999999999999999999999"),
        ("show", "99999999999999999999999"),
        ("delete", "99999999999999999999999"),
        ("minutes", "99999999999999999999999"),
        ("speakers", "list", "--meeting", "99999999999999999999999"),
        ("jobs", "cancel", "99999999999999999999999"),
        ("actions", "done", "99999999999999999999999"),
    ],
    ids=lambda a: "-".join(a[:2]),
)
def test_a_huge_id_is_not_found(cli, meeting: str, home: Path, args: tuple[str, ...]) -> None:
    before = snapshot(cli, home)
    r = cli(*args)
    assert_one_error(r, "99999999999999999999999", "no ")
    assert r.out == ""
    assert snapshot(cli, home) == before


def test_export_to_an_empty_path(cli, meeting: str, home: Path) -> None:
    before = snapshot(cli, home)
    assert_one_error(cli("export", meeting, "-o", ""), '-o ""', "empty")
    assert snapshot(cli, home) == before


def test_export_to_the_current_folder(cli, meeting: str, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "out"
    out.mkdir()
    monkeypatch.chdir(out)
    r = cli("export", meeting, "-o", ".")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    assert [p.name for p in out.iterdir()] == ["jfk.md"]
    assert (out / "jfk.md").read_text() == cli("export", meeting).out


def test_export_to_the_root_folder(cli, meeting: str) -> None:
    """``/`` is a folder: the export goes in it, or (without the right) fails in one line."""
    target = Path("/jfk.md")
    if target.exists():
        pytest.skip("/jfk.md exists already")
    try:
        r = cli("export", meeting, "-o", "/")
        if r.code == 0:
            assert target.read_text() == cli("export", meeting).out
        else:
            assert_one_error(r, "/jfk.md", "cannot write export")
        assert not [p for p in Path("/").iterdir() if p.name.endswith(".tmp")]
    finally:
        target.unlink(missing_ok=True)


SETTINGS = [
    ({"asr_model": 42}, "'asr_model' must be text, not 42"),
    ({"workers": "2"}, "'workers' must be a whole number"),
    ({"model_paths": {"segmentation": 3}}, "'model_paths' must be an object of text"),
    ({"language": ["en"]}, "'language' must be text or null"),
    (["asr_model", "tiny.en"], "must hold a JSON object"),
]


@pytest.mark.parametrize(("settings", "cause"), SETTINGS, ids=[c for _, c in SETTINGS])
def test_settings_of_the_wrong_type(cli, meeting: str, home: Path, settings, cause) -> None:
    (home / "settings.json").write_text(json.dumps(settings))
    before = snapshot(cli, home)
    for args in (("transcribe", LIBRI), ("models",), ("minutes", meeting)):
        r = cli(*args)
        assert_one_error(r, str(home / "settings.json"), cause)
        assert r.out == ""
    assert snapshot(cli, home) == before


# -- 7: what users type cannot inject Markdown or HTML into exports ---------------
EVIL = (
    "Weekly\n# Injected\n- **Date:** 1999-01-01 <script>alert(1)</script>\n"
    '<img src=x onerror="alert(1)">'
)


def assert_markdown_is_inert(md: str) -> None:
    lines = md.splitlines()
    assert [ln for ln in lines if ln.startswith("# ")] == [lines[0]]
    assert sum(ln.startswith("- **Date:**") for ln in lines) == 1
    assert not any(ln.startswith(("## Injected", "# Injected", "<")) for ln in lines)
    for raw in ("<script", "<img", 'onerror="alert(1)">'):
        assert raw not in md
    assert "&lt;script&gt;" in md and "&lt;img src=x" in md


def test_a_typed_title_cannot_inject_markdown(cli) -> None:
    r = cli("transcribe", JFK, "--model", "tiny.en", "--title", EVIL)
    assert r.code == 0, r.err
    md = cli("export", r.last_line).out
    assert_markdown_is_inert(md)
    assert md.startswith("# Weekly \\# Injected - \\*\\*Date:\\*\\* 1999-01-01 &lt;script&gt;")
    assert cli("show", r.last_line).out == md


def test_a_file_name_cannot_inject_markdown(cli, tmp_path: Path) -> None:
    evil = tmp_path / "a\n# b <img src=x onerror=alert(1)>.flac"
    shutil.copy(JFK, evil)
    r = cli("transcribe", evil, "--model", "tiny.en")
    assert r.code == 0, r.err
    md = cli("export", r.last_line).out
    lines = md.splitlines()
    assert [ln for ln in lines if ln.startswith("# ")] == [lines[0]]
    assert "<img" not in md and "&lt;img src=x onerror=alert(1)&gt;" in lines[0]


def test_names_and_text_cannot_break_any_format(cli, meeting: str, home: Path) -> None:
    name = '<b onmouseover="x">Eve</b>\n# Boss'
    assert cli("speakers", "rename", "--meeting", meeting, "Speaker 1", name).code == 0
    db = open_db(home)
    update_segment_text(
        db, int(meeting), 0, "ask not\n\n2\n00:00:01,000 --> 00:00:02,000\n# what * _x_ [l](u) <i>"
    )
    db.conn.close()
    md = cli("export", meeting, "-f", "md").out
    transcript = md.split("## Transcript\n\n", 1)[1].splitlines()
    assert len(transcript) == 1
    assert transcript[0].startswith(
        '[00:00] &lt;b onmouseover="x"&gt;Eve&lt;/b&gt; \\# Boss: ask not 2'
    )
    assert "\\# what \\* \\_x\\_ \\[l\\](u) &lt;i&gt;" in transcript[0]
    assert "<b" not in md and "<i>" not in md

    srt = cli("export", meeting, "-f", "srt").out
    blocks = srt.strip().split("\n\n")
    assert len(blocks) == 1 and len(blocks[0].splitlines()) == 3, srt
    assert blocks[0].count("-->") == 1

    vtt = cli("export", meeting, "-f", "vtt").out
    cues = vtt.strip().split("\n\n")
    assert cues[0] == "WEBVTT" and len(cues) == 2 and len(cues[1].splitlines()) == 2, vtt
    assert cues[1].count("-->") == 1
    text = cues[1].splitlines()[1]
    assert text.startswith('<v &lt;b onmouseover="x"&gt;Eve&lt;/b&gt; # Boss>ask not 2 ')
    assert text.count("<") == 1  # only the voice tag

    txt = cli("export", meeting, "-f", "txt").out
    assert txt.count("\n") == 1 and txt.startswith('<b onmouseover="x">Eve</b> # Boss: ask not 2')

    doc = json.loads(cli("export", meeting, "-f", "json").out)
    assert doc["segments"][0]["text"].startswith("ask not\n\n2\n")  # JSON keeps the text as is


# -- 8: exports never clobber a file, and leave no temporary file behind ---------
def test_export_refuses_to_overwrite_without_force(cli, meeting: str, tmp_path: Path) -> None:
    (tmp_path / "exports").mkdir()
    out = tmp_path / "exports" / "existing.md"
    out.write_text("my own notes\n")
    r = cli("export", meeting, "-o", out)
    assert_one_error(r, str(out), "already exists", "--force")
    assert out.read_text() == "my own notes\n"
    r = cli("export", meeting, "-o", out, "--force")
    assert r.code == 0, r.err
    assert out.read_text() == cli("export", meeting).out
    assert [p.name for p in out.parent.iterdir()] == ["existing.md"]


def test_export_into_a_folder(cli, meeting: str, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    folder.mkdir()
    for fmt in ("md", "srt"):
        r = cli("export", meeting, "-f", fmt, "-o", folder)
        assert r.code == 0, r.err
        assert (folder / f"jfk.{fmt}").read_text() == cli("export", meeting, "-f", fmt).out
    assert_one_error(cli("export", meeting, "-o", folder), str(folder / "jfk.md"), "already exists")
    assert sorted(p.name for p in folder.iterdir()) == ["jfk.md", "jfk.srt"]


def test_export_that_cannot_be_written_leaves_nothing(cli, meeting: str, tmp_path: Path) -> None:
    folder = tmp_path / "exports"
    (folder / "jfk.md").mkdir(parents=True)  # where the file would go is a folder
    r = cli("export", meeting, "-o", folder, "--force")
    assert_one_error(r, str(folder / "jfk.md"), "cannot write export")
    assert [p.name for p in folder.iterdir()] == ["jfk.md"]
    assert not any((folder / "jfk.md").iterdir())


def test_export_file_name_from_an_odd_title(cli, tmp_path: Path) -> None:
    r = cli("transcribe", JFK, "--model", "tiny.en", "--title", "Q3/Q4: plan?\n" + "é" * 300)
    assert r.code == 0, r.err
    folder = tmp_path / "exports"
    folder.mkdir()
    assert cli("export", r.last_line, "-o", folder).code == 0
    [written] = folder.iterdir()
    assert written.name.startswith("Q3_Q4_ plan_ é") and written.name.endswith("é.md")
    assert len(written.name.encode()) <= 255


# -- 3: one recording (same content), one meeting, unless --force --------------
LJ20 = EVAL / "asr" / "lhotse" / "LJ002-0020.wav"
LJ35 = EVAL / "asr" / "lhotse" / "LJ002-0035.wav"


def meeting_count(home: Path) -> int:
    db = sqlite3.connect(home / "meetings.db")
    try:
        return db.execute("SELECT COUNT(*) FROM meetings").fetchone()[0]
    finally:
        db.close()


def test_the_same_file_twice_in_one_call_is_one_meeting(cli, home: Path, tmp_path: Path) -> None:
    copy = tmp_path / "renamed copy.wav"  # another name, the same content
    shutil.copy(JFK, copy)
    r = cli("transcribe", JFK, copy, JFK, "--model", "tiny.en")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    ids = r.out.split()
    assert len(ids) == 3 and len(set(ids)) == 1, r.out  # each file's id: the one meeting
    notes = [ln for ln in r.err.splitlines() if "already being transcribed" in ln]
    assert len(notes) == 2 and str(copy) in notes[0] and "--force" in notes[0], r.err
    assert meeting_count(home) == 1
    again = cli("transcribe", copy, "--model", "tiny.en")
    assert again.code == 0 and again.out.split() == ids[:1], again.err
    assert_one_error(again, str(copy), f"already imported as meeting {ids[0]}", "--force", code=0)
    assert meeting_count(home) == 1


def test_force_makes_a_second_meeting_of_the_same_file(cli, home: Path) -> None:
    r = cli("transcribe", JFK, JFK, "--model", "tiny.en", "--force")
    assert r.code == 0, r.err
    assert len(set(r.out.split())) == 2 and meeting_count(home) == 2


class Crash(BaseException):
    """Stands for the process being killed mid-job: not an error the engine handles."""


def test_rerun_after_a_killed_job_resumes_it_without_a_second_meeting(cli, home: Path) -> None:
    def crashing() -> list[Stage]:
        def crash(ctx, progress, cancel) -> None:
            raise Crash()

        # killed before any stage finished: the resumed job is still running when the
        # file is submitted again
        return [Stage("killed", 0.1, crash), *default_stages()]

    engine = JobRunner(home, stages=crashing)
    job_id = engine.submit(JFK, JobOptions(model="tiny.en")).job_id
    with pytest.raises(Crash):
        engine.wait([job_id])
    engine.close()  # the process is gone: its lease with it
    assert meeting_count(home) == 0

    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    assert meeting_count(home) == 1
    assert r.out.split() == [cli("list").out.split()[0]]
    assert f"already being transcribed as job {job_id}" in r.err


# -- 2: two processes on one library never take over each other's jobs -----------
def test_two_processes_keep_their_own_jobs(cli, home: Path) -> None:
    first = start_transcribe(home, STANDUP, JFK, LIBRI, "--model", "tiny.en")
    wait_for_job(first, home, lambda row: row["status"] == "running")
    # JFK is queued in the first process: the second waits for it instead of taking it
    second = cli("transcribe", LJ20, JFK, LJ35, "--model", "tiny.en")
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0 and "Traceback" not in err, err
    assert second.code == 0 and "Traceback" not in second.err, second.err
    assert meeting_count(home) == 5
    mine, theirs = out.split(), second.out.split()
    assert len(mine) == 3 and len(theirs) == 3 and theirs[1] == mine[1]
    assert "already being transcribed" in second.err


def test_a_job_is_orphaned_only_when_its_holder_is_gone(home: Path) -> None:
    engine = JobRunner(home)
    engine.prepare_to_write()  # takes its lease
    db = engine.db
    job_id = create_job(db, str(JFK), JobOptions(), holder=engine.holder.name)
    other = Holder.this_process()
    assert claim_orphans(db, other.name) == []  # held by a live runner
    with db.conn:  # the runner hangs: its heartbeat goes stale
        db.execute("UPDATE job_holders SET heartbeat_at = heartbeat_at - ?", [LEASE_SECONDS + 1])
    assert claim_orphans(db, other.name) == [job_id]
    dead = Holder("elsewhere:1", engine.holder.host, 2**22 + 7)  # no such process
    beat(db, dead)
    with db.conn:
        db.execute("UPDATE jobs SET holder = ? WHERE id = ?", [dead.name, job_id])
    assert claim_orphans(db, other.name) == [job_id]  # fresh heartbeat, but no process
    engine.close()


# -- 5: a damaged vector index is rebuilt from SQLite, not fatal -----------------
def garble_header(db: Path) -> None:
    with db.open("r+b") as f:
        f.write(os.urandom(4096))


def garble_pages(db: Path) -> None:
    size = db.stat().st_size
    with db.open("r+b") as f:
        for offset in range(4096, size, 8192):
            f.seek(offset)
            f.write(os.urandom(4096))


def forget_open_indexes() -> None:
    """As a new process would start: no chromadb client or store cached in memory."""
    SharedSystemClient.clear_system_cache()
    search_index._stores.clear()


@pytest.mark.parametrize("garble", [garble_header, garble_pages])
def test_a_garbled_vector_index_is_rebuilt(
    cli, meeting: str, home: Path, garble, caplog: pytest.LogCaptureFixture
) -> None:
    found = cli("search", "ask what you can do for your country", "--json")
    assert found.code == 0, found.err
    [chroma] = home.rglob("chroma.sqlite3")
    forget_open_indexes()
    garble(chroma)
    before = snapshot(cli, home)
    r = cli("search", "ask what you can do for your country", "--json")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    assert json.loads(r.out) == json.loads(found.out)
    [note] = [rec.getMessage() for rec in caplog.records if "vector index" in rec.getMessage()]
    assert str(chroma.parent) in note and "damaged" in note and "rebuilt" in note, note
    caplog.clear()
    assert snapshot(cli, home)[0] == before[0]
    again = cli("search", "ask what you can do for your country", "--json")
    assert again.code == 0 and again.err == "" and again.out == found.out, again.err
    assert not caplog.records


def test_transcribe_beside_a_garbled_vector_index(
    cli, meeting: str, home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    [chroma] = home.rglob("chroma.sqlite3")
    forget_open_indexes()
    garble_header(chroma)
    r = cli("transcribe", LIBRI, "--model", "tiny.en")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    assert r.out.strip().isdigit()
    assert not [rec for rec in caplog.records if rec.exc_info or rec.levelname == "ERROR"]
    hits = cli("search", "antecedents", "--json")
    assert hits.code == 0 and "Traceback" not in hits.err, hits.err
    assert {h["meeting_id"] for h in json.loads(hits.out)["hits"]} == {int(r.out)}
    country = cli("search", "ask what you can do for your country", "--json")
    assert int(meeting) in {h["meeting_id"] for h in json.loads(country.out)["hits"]}


# -- 6: a bad language code and a pipe are named before anything is copied ------
def originals(home: Path) -> list[Path]:
    folder = home / "originals"
    return sorted(folder.rglob("*")) if folder.exists() else []


@pytest.mark.parametrize("code", ["xx", "english", ""])
def test_an_unknown_language_code(cli, meeting: str, home: Path, code: str) -> None:
    before, copied = snapshot(cli, home), originals(home)
    r = cli("transcribe", LIBRI, JFK, "--model", "tiny.en", "--language", code)
    assert_one_error(r, f"--language {code!r}", "not a language code")
    assert r.out == ""
    assert snapshot(cli, home) == before and originals(home) == copied


@pytest.mark.parametrize("make", ["fifo", "device"])
def test_a_pipe_or_device_is_not_a_regular_file(
    cli, meeting: str, home: Path, tmp_path: Path, make: str
) -> None:
    if make == "fifo":
        path = tmp_path / "pipe.wav"
        os.mkfifo(path)
    else:
        path = Path("/dev/zero")
    before = snapshot(cli, home)
    r = cli("transcribe", path, "--model", "tiny.en")
    assert_one_error(r, str(path), "not a regular file")
    assert "empty" not in r.err and r.out == ""
    assert snapshot(cli, home) == before


def damage_middle(src: Path, dest: Path, size: int) -> Path:
    """``size`` random bytes over the middle of a copy of ``src``."""
    data = bytearray(src.read_bytes())
    mid = len(data) // 2
    data[mid : mid + size] = np.random.default_rng(7).integers(0, 256, size, np.uint8).tobytes()
    dest.write_bytes(bytes(data))
    return dest


def as_mp3(src: Path, dest: Path) -> Path:
    with av.open(str(src)) as inp, av.open(str(dest), "w") as out:
        stream = out.add_stream("mp3", rate=16000)
        for frame in inp.decode(audio=0):
            frame.pts = None
            out.mux(stream.encode(frame))
        out.mux(stream.encode(None))
    return dest


@pytest.mark.parametrize(("kind", "size"), [("flac", 200_000), ("mp3", 20_000)])
def test_a_damaged_middle_keeps_what_decodes(
    cli, home: Path, tmp_path: Path, kind: str, size: int, caplog: pytest.LogCaptureFixture
) -> None:
    whole = JFK if kind == "flac" else as_mp3(JFK, tmp_path / "jfk.mp3")
    path = damage_middle(whole, tmp_path / f"talk.{kind}", size)
    untouched = path.read_bytes()
    r = cli("transcribe", path, "--model", "tiny.en")
    assert r.code == 0 and "Traceback" not in r.err, r.err
    [note] = [rec.getMessage() for rec in caplog.records if "damaged" in rec.getMessage()]
    assert note.startswith(f"{path}: damaged: ") and "\n" not in note, note
    assert "could not be decoded" in note
    text = cli("export", r.out.strip(), "--format", "txt").out.lower()
    assert "fellow americans" in text and "country" in text  # both sides of the damage
    assert path.read_bytes() == untouched


def test_damage_mid_file_keeps_later_times(tmp_path: Path) -> None:
    whole = load_audio(JFK)
    damaged = load_audio(damage_middle(JFK, tmp_path / "talk.flac", 200_000))
    assert damaged.damaged and 1.0 < sum(s for _, s in damaged.damaged) < 3.0
    assert abs(damaged.duration - whole.duration) < 0.05  # silence where the damage was
    tail = slice(-SAMPLE_RATE, None)  # the last second, after the damage, is in place
    assert np.corrcoef(damaged.samples[tail], whole.samples[tail])[0, 1] > 0.99


# -- 9: a damaged database is not written to ------------------------------------
def break_an_index(home: Path) -> None:
    """An index that no longer matches its table: the database opens and reads, but
    ``PRAGMA integrity_check`` fails."""
    db = sqlite3.connect(home / "meetings.db")
    db.execute("CREATE INDEX fault_idx ON meetings(title)")
    db.execute("PRAGMA writable_schema = ON")
    db.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX fault_idx ON meetings(date)'"
        " WHERE name = 'fault_idx'"
    )
    db.commit()
    db.close()


def test_transcribe_refuses_a_damaged_database(cli, meeting: str, home: Path) -> None:
    break_an_index(home)
    before = snapshot(cli, home)
    r = cli("transcribe", LIBRI, "--model", "tiny.en")
    line = assert_one_error(r, str(home / "meetings.db"), "damaged", "integrity", ".recover")
    assert "nothing was added" in line and r.out == ""
    assert snapshot(cli, home) == before
    # the backup taken before the damage is named, so "restore a backup" is possible
    [backup] = list_backups(home)
    assert str(backup) in line
    copy = sqlite3.connect(backup)
    assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    copy.close()


def count_in(db_path: Path, table: str) -> int:
    con = sqlite3.connect(db_path)
    try:
        return con.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    finally:
        con.close()


def test_a_daily_backup_before_the_first_write(cli, home: Path) -> None:
    assert cli("transcribe", JFK, "--model", "tiny.en").code == 0
    [first] = list_backups(home)
    assert first.name == f"meetings-daily-{date.today().isoformat()}.db"
    assert count_in(first, "meetings") == 0  # the state before today's first change
    assert cli("transcribe", LIBRI, "--model", "tiny.en").code == 0
    assert list_backups(home) == [first]  # one a day
    assert count_in(home / "meetings.db", "meetings") == 2


def test_daily_backups_roll(home: Path) -> None:
    db = open_db(home)
    for day in range(1, KEEP_DAILY + 4):
        assert daily_backup(db.conn, home, date(2026, 11, day)) is not None
    assert daily_backup(db.conn, home, date(2026, 11, KEEP_DAILY + 3)) is None  # has one
    kept = sorted(p.name for p in list_backups(home))
    assert len(kept) == KEEP_DAILY and kept[0] == "meetings-daily-2026-11-04.db"
    assert not list(home.rglob("*.tmp"))
    db.close()


def read_only(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``meetingapp ARGS`` with the data folder mounted read-only (root ignores file
    modes, so a private read-only bind mount stands in for a read-only disk)."""
    command = [sys.executable, "-m", "meetingapp", *args]
    env = {**os.environ, "MEETINGAPP_HOME": str(home)}
    if os.geteuid() != 0:
        for p in [home, *home.rglob("*")]:
            p.chmod(p.stat().st_mode & ~0o222)
        try:
            return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        finally:
            for p in [home, *home.rglob("*")]:
                p.chmod(p.stat().st_mode | 0o200)
    h = shlex.quote(str(home))
    script = f"mount --bind {h} {h} && mount -o remount,bind,ro {h} {h} && exec " + shlex.join(
        command
    )
    r = subprocess.run(
        ["unshare", "-m", "sh", "-c", script], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if "mount" in r.stderr and r.returncode != 0 and "meetingapp" not in r.stderr:
        pytest.skip(f"cannot mount read-only here: {r.stderr.strip()}")
    return r


def test_a_read_only_data_folder_still_lists_shows_searches_and_exports(
    cli, meeting: str, home: Path, tmp_path: Path
) -> None:
    found = cli("search", "ask what you can do for your country", "--json")
    assert found.code == 0
    cli("export", meeting, "--format", "md", "-o", tmp_path / "writable.md")
    before = snapshot(cli, home)
    listed = read_only(home, "list")
    assert listed.returncode == 0 and listed.stdout == before[0], listed.stderr
    shown = read_only(home, "show", meeting)
    assert shown.returncode == 0 and "country" in shown.stdout.lower(), shown.stderr
    searched = read_only(home, "search", "ask what you can do for your country", "--json")
    assert searched.returncode == 0, searched.stderr
    texts = [[h["meeting_id"], h["text"]] for h in json.loads(found.out)["hits"]]
    assert [[h["meeting_id"], h["text"]] for h in json.loads(searched.stdout)["hits"]] == texts
    out = tmp_path / "exported.md"
    exported = read_only(home, "export", meeting, "--format", "md", "-o", str(out))
    assert exported.returncode == 0, exported.stderr
    assert out.read_text() == (tmp_path / "writable.md").read_text()
    r = read_only(home, "transcribe", str(LIBRI), "--model", "tiny.en")
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    [line] = r.stderr.strip().splitlines()
    assert str(home) in line and "read-only" in line, line
    assert snapshot(cli, home) == before


def test_no_desktop_libraries_is_one_line(cli, monkeypatch: pytest.MonkeyPatch) -> None:
    """A bare server (no libGL) gets one line saying what to install, not a traceback."""
    real_import = builtins.__import__

    def no_gl(name: str, *args, **kwargs):
        if name == "meetingapp.ui.app":
            raise ImportError("libGL.so.1: cannot open shared object file")
        return real_import(name, *args, **kwargs)

    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    monkeypatch.setattr(builtins, "__import__", no_gl)
    r = cli("gui")
    line = assert_one_error(r, "libGL.so.1", "apt install libgl1")
    assert "command line works" in line
