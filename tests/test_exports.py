"""Every export format from a real transcribed meeting."""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest
from evaldata import JFK, ROOT, STANDUP

from evaluation.der import diarization_error, read_rttm

WORDS = ("fellow americans", "ask not what your country can do for you")


@pytest.fixture
def jfk_meeting(cli) -> str:
    r = cli("transcribe", JFK, "--model", "tiny.en", "--title", "Inaugural", "--type", "review")
    assert r.code == 0, r.err
    return r.last_line


def test_markdown(cli, jfk_meeting: str) -> None:
    md = cli("export", jfk_meeting, "--format", "md").out
    assert md.startswith("# Inaugural\n")
    assert "**Duration:** 00:11" in md and "**Type:** review" in md
    assert re.search(r"^\[00:0\d\] ", md, re.M)
    for w in WORDS:
        assert w in md.lower()


def test_json_follows_documented_schema(cli, jfk_meeting: str) -> None:
    doc = json.loads(cli("export", jfk_meeting, "--format", "json").out)
    schema = json.loads((ROOT / "resources" / "export_schema.json").read_text())
    jsonschema.validate(doc, schema)
    assert doc["meeting"]["title"] == "Inaugural"
    words = [w for s in doc["segments"] for w in s["words"]]
    assert len(words) >= 20
    assert all(w["start"] <= w["end"] for w in words)
    assert all(a["start"] <= b["start"] for a, b in zip(words, words[1:], strict=False))
    text = " ".join(s["text"] for s in doc["segments"]).lower()
    assert all(w in text for w in WORDS)


def _cues(text: str, sep: str) -> list[tuple[str, str]]:
    return re.findall(rf"(\d\d:\d\d:\d\d{sep}\d{{3}}) --> (\d\d:\d\d:\d\d{sep}\d{{3}})", text)


def test_srt_and_vtt(cli, jfk_meeting: str, tmp_path: Path) -> None:
    out = tmp_path / "jfk.srt"
    r = cli("export", jfk_meeting, "--format", "srt", "-o", out)
    assert r.code == 0 and out.exists()
    srt = out.read_text()
    cues = _cues(srt, ",")
    assert cues and srt.startswith("1\n")
    assert all(a < b for a, b in cues)
    vtt = cli("export", jfk_meeting, "--format", "vtt").out
    assert vtt.startswith("WEBVTT\n")
    assert len(_cues(vtt, r"\.")) == len(cues)


def test_txt(cli, jfk_meeting: str) -> None:
    txt = cli("export", jfk_meeting, "--format", "txt").out
    assert "fellow americans" in txt.lower()
    assert "-->" not in txt and "#" not in txt


def test_export_unknown_meeting(cli, jfk_meeting: str) -> None:
    r = cli("export", "999", "--format", "md")
    assert r.code == 1 and "no meeting with id 999" in r.err


def test_export_to_unwritable_path(cli, jfk_meeting: str, tmp_path: Path) -> None:
    r = cli("export", jfk_meeting, "--format", "md", "-o", tmp_path / "missing" / "x.md")
    assert r.code == 1 and "cannot write export" in r.err


def test_rttm_is_the_diarization_scored_like_pyannote(cli, tmp_path: Path) -> None:
    r = cli("transcribe", STANDUP, "--model", "tiny.en", "--title", "Team standup")
    assert r.code == 0, r.err
    meeting = r.last_line
    out = tmp_path / "standup.rttm"
    assert cli("export", meeting, "--format", "rttm", "-o", out).code == 0
    [(file_id, turns)] = read_rttm(out).items()
    assert file_id == "Team_standup"
    [reference] = read_rttm(STANDUP.with_suffix(".rttm")).values()
    # the synthetic standup's three voices: 0.2% measured in benchmarks/diarization.py
    assert diarization_error(reference, turns).der < 0.05
    assert len({speaker for _, _, speaker in turns}) == 3
    # turns carry the speakers' current names, as one RTTM token; JSON has the same turns
    assert cli("speakers", "rename", "--meeting", meeting, "Speaker 1", "Alice Smith").code == 0
    renamed = read_rttm_text(cli("export", meeting, "--format", "rttm").out)
    assert "Alice_Smith" in {speaker for _, _, speaker in renamed}
    doc = json.loads(cli("export", meeting, "--format", "json").out)
    assert [(t["start"], t["end"]) for t in doc["turns"]] == [(s, e) for s, e, _ in renamed]
    assert "Alice Smith" in {t["speaker"] for t in doc["turns"]}


def read_rttm_text(text: str) -> list[tuple[float, float, str]]:
    rows = [line.split() for line in text.splitlines()]
    return [(float(f[3]), round(float(f[3]) + float(f[4]), 3), f[7]) for f in rows]
