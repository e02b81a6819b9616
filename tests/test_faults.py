"""Faults from issue 12: odd names, odd paths and odd settings get one clear line, not a
traceback; a batch goes on past a bad file; exports are escaped and never clobber a file."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from evaldata import JFK

from meetingapp.store.export import FORMATS


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
        assert f"] {shown}: " in show.out
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
