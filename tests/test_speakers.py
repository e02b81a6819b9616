"""Speaker profiles across meetings: enroll, identify, correct, forget, rebuild."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import numpy as np
import pytest
from evaldata import EVAL, STANDUP

from evaluation.der import read_rttm
from meetingapp.domain.speakers import MeetingSpeaker
from meetingapp.domain.transcript import Segment
from meetingapp.engine.speakers.conversation import proposed_names
from meetingapp.engine.speakers.known_voices import identify
from meetingapp.store import speakers as sp
from meetingapp.store.db import open_db
from meetingapp.store.voice_index import VoiceIndex
from tests import minutes_data

ENROLL = EVAL / "enroll" / "librispeech"


def utterances(speaker: str) -> list[Path]:
    return sorted((ENROLL / speaker).glob("*.flac"))


def test_profile_crud_and_vector_index(cli, home: Path) -> None:
    a, b = utterances("367"), utterances("533")
    assert cli("speakers", "enroll", "Ann", a[0], a[1]).code == 0
    assert cli("speakers", "enroll", "Ben", b[0]).code == 0
    listing = cli("speakers", "list").out
    assert "Ann" in listing and "2 voice sample(s)" in listing and "Ben" in listing

    db = open_db(home)
    probe = sp.profile_vectors(db)["Ann"][0]
    assert identify(db, home, {"X": probe})["X"].name == "Ann"

    assert cli("speakers", "rename", "Ben", "Benjamin").code == 0
    assert cli("speakers", "merge", "Ann", "Benjamin").code == 0
    assert [p.name for p in sp.list_profiles(db)] == ["Ann"]
    assert sp.get_profile(db, "Ann").embeddings == 3

    # the derived index is rebuilt when its folder disappears
    shutil.rmtree(home / "vectors")
    index = VoiceIndex(home)
    assert not index.is_current(db)
    assert identify(db, home, {"X": probe})["X"].name == "Ann"
    assert index.is_current(db) and index.count() == 1

    assert cli("speakers", "forget", "Ann").code == 0
    assert sp.list_profiles(db) == []
    assert db.execute("SELECT COUNT(*) FROM voice_embeddings").fetchone()[0] == 0
    assert identify(db, home, {"X": probe})["X"].decision == "unknown"
    assert VoiceIndex(home).count() == 0
    r = cli("speakers", "forget", "Nobody")
    assert r.code == 1 and "no speaker profile named 'Nobody'" in r.err


def test_enroll_rejects_a_file_without_speech(cli) -> None:
    r = cli("speakers", "enroll", "Nobody", EVAL / "diar" / "ami" / "empty.wav")
    assert r.code == 1 and "empty.wav" in r.err and "speech" in r.err


def reference_names(meeting_json: dict, rttm: Path) -> dict[str, str]:
    """Meeting speaker name → the reference person who talks most in its segments."""
    turns = next(iter(read_rttm(rttm).values()))
    talk: dict[str, dict[str, float]] = {}
    for seg in meeting_json["segments"]:
        for start, end, person in turns:
            overlap = min(seg["end"], end) - max(seg["start"], start)
            if overlap > 0:
                per = talk.setdefault(seg["speaker"], {})
                per[person] = per.get(person, 0) + overlap
    return {name: max(per, key=per.get) for name, per in talk.items()}


@pytest.fixture
def followup(tmp_path: Path) -> Path:
    """Another meeting of the same three voices, with different words."""
    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        pytest.skip("espeak-ng and sox are needed (installed by ./test.sh)")
    out = tmp_path / "followup"
    script = Path(__file__).parent / "data" / "followup.tsv"
    minutes_data.synthesise(script, out)
    return out


def test_voices_are_named_in_the_next_meeting(cli, followup: Path) -> None:
    first = cli("transcribe", STANDUP, "--model", "tiny.en")
    assert first.code == 0, first.err
    doc = json.loads(cli("export", first.last_line, "--format", "json").out)
    assert len(doc["meeting"]["participants"]) == 3
    truth = reference_names(doc, STANDUP.with_suffix(".rttm"))
    assert sorted(truth.values()) == ["Alice", "Bob", "Carol"]
    for label, person in truth.items():
        r = cli("speakers", "rename", label, person, "--meeting", first.last_line)
        assert r.code == 0, r.err
    assert sorted(
        json.loads(cli("export", first.last_line, "-f", "json").out)["meeting"]["participants"]
    ) == ["Alice", "Bob", "Carol"]

    second = cli("transcribe", followup / "meeting.wav", "--model", "tiny.en")
    assert second.code == 0, second.err
    doc2 = json.loads(cli("export", second.last_line, "--format", "json").out)
    truth2 = reference_names(doc2, followup / "meeting.rttm")
    assert truth2 and all(name == person for name, person in truth2.items()), truth2
    statuses = cli("speakers", "list", "--meeting", second.last_line).out
    assert statuses.count(" auto ") == 3, statuses


def test_correcting_a_meeting(cli) -> None:
    r = cli("transcribe", STANDUP, "--model", "tiny.en", "--speakers", "3")
    meeting = r.last_line
    doc = json.loads(cli("export", meeting, "-f", "json").out)
    first = doc["segments"][0]["speaker"]
    second = next(s["speaker"] for s in doc["segments"] if s["speaker"] != first)
    # reassign segment 0 to the second speaker, then merge everything into "Team"
    assert cli("speakers", "reassign", meeting, second, "0").code == 0
    doc = json.loads(cli("export", meeting, "-f", "json").out)
    assert doc["segments"][0]["speaker"] == second
    assert {w.get("speaker") for w in []} == set()
    for name in doc["meeting"]["participants"]:
        cli("speakers", "rename", name, "Team", "--meeting", meeting, "--no-learn")
    doc = json.loads(cli("export", meeting, "-f", "json").out)
    assert doc["meeting"]["participants"] == ["Team"]
    md = cli("export", meeting, "-f", "md").out
    assert "] Team: " in md
    assert "Speaker 1" not in md  # the minutes' summary and action items follow the names
    assert np.all([s["speaker"] == "Team" for s in doc["segments"]])


def _proposals(listing: str) -> dict[str, str]:
    """``speakers list --meeting`` -> speaker name -> "is X" / "may be X" line under it."""
    out: dict[str, str] = {}
    name = ""
    for line in listing.splitlines():
        if line.startswith(" "):
            out[name] = line.strip()
        else:
            name = line[13:33].strip()  # the columns of cmd_list: label, name, status
    return out


@pytest.mark.slow
def test_names_from_the_conversation(cli) -> None:
    """The standup says "Bob, you first." and "Thanks Carol. What about you?": Bob answers
    once (0.33), Carol is thanked and answers (0.67): both only offered, each under the
    right voice (tiny.en hears "Bob" as "Mom": offered to Bob's voice, never to another
    person's); a voice the user named keeps its name and gives it to nobody."""
    r = cli("transcribe", STANDUP, "--model", "tiny.en")
    assert r.code == 0, r.err
    meeting = r.last_line
    doc = json.loads(cli("export", meeting, "--format", "json").out)
    truth = reference_names(doc, STANDUP.with_suffix(".rttm"))
    proposals = _proposals(cli("speakers", "list", "--meeting", meeting).out)
    for speaker, line in proposals.items():
        assert line.startswith("may be "), line
        others = {p for s, p in truth.items() if s != speaker}
        assert line.split()[2] not in others, (speaker, line, truth)
    carol = next(s for s, p in truth.items() if p == "Carol")
    assert proposals[carol].split()[2] == "Carol", proposals
    assert cli("speakers", "rename", carol, "Carol", "--meeting", meeting).code == 0
    after = _proposals(cli("speakers", "list", "--meeting", meeting).out)
    assert carol not in after and "Carol" in cli("speakers", "list", "--meeting", meeting).out
    assert all("Carol" not in line for line in after.values()), after


def test_introduction_names_a_voice() -> None:
    """A self-introduction someone else confirms is applied as the name; one nobody
    confirms, or a single answered question (0.33), is only offered; an enrolled voice is
    never re-named."""
    lines = [
        ("Speaker 1", "Hi everyone, I'm Lena from finance. Omar, could you start?"),
        ("Speaker 2", "Sure, I'm Omar. The numbers are in and we are on budget."),
        ("Dana", "Thanks. Lena, what do you make of it?"),
        ("Speaker 1", "Good news. Let's wrap up then."),
        ("Speaker 3", "One thing from me: the office move is next week."),
    ]
    segments = [
        Segment(i * 5.0, i * 5.0 + 4.0, text, speaker=who) for i, (who, text) in enumerate(lines)
    ]
    speakers = [
        MeetingSpeaker("SPEAKER_00", "Speaker 1", None, "unknown", None, None, None),
        MeetingSpeaker("SPEAKER_01", "Speaker 2", None, "unknown", None, None, None),
        MeetingSpeaker("SPEAKER_02", "Dana", 1, "auto", None, 0.9, None),
        MeetingSpeaker("SPEAKER_03", "Speaker 3", None, "unknown", None, None, None),
    ]
    got = proposed_names(segments, speakers)
    assert got["Speaker 1"].name == "Lena" and got["Speaker 1"].applied
    assert got["Speaker 2"].name == "Omar" and got["Speaker 2"].confidence == 1.0
    assert got["Speaker 2"].confirmed and got["Speaker 2"].applied  # answered "Omar, could you"
    assert "Dana" not in got and "Speaker 3" not in got
    alone = proposed_names(segments[:2], speakers[:2])  # nobody has addressed Lena yet
    assert alone["Speaker 1"].confidence == 1.0 and not alone["Speaker 1"].applied
