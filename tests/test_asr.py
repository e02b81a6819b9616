"""Accuracy of the default model on real speech (word error rate)."""

from __future__ import annotations

import json
from pathlib import Path

from evaldata import EVAL, JFK, LIBRI
from media import encode
from wer import wer

from meetingapp.engine.audio import load_audio


def transcript_text(cli, meeting_id: str) -> str:
    """What was said, without speaker names."""
    doc = json.loads(cli("export", meeting_id, "--format", "json").out)
    return " ".join(s["text"] for s in doc["segments"])


def test_base_wer_on_jfk_and_librispeech(cli) -> None:
    r = cli("transcribe", JFK, LIBRI, "--model", "base")
    assert r.code == 0, r.err
    jfk_id, libri_id = r.out.split()
    jfk_wer = wer((JFK.with_suffix(".txt")).read_text(), transcript_text(cli, jfk_id))
    libri_wer = wer(LIBRI.with_suffix(".txt").read_text(), transcript_text(cli, libri_id))
    print(f"WER base: jfk {jfk_wer:.3f}, librispeech {libri_wer:.3f}")
    assert jfk_wer <= 0.05
    assert libri_wer <= 0.10


def test_language_detection_and_forced_language(cli, tmp_path: Path) -> None:
    mp3 = EVAL / "asr" / "fw_multilingual" / "multilingual.mp3"
    german = encode(load_audio(mp3).samples[-16000 * 15 :], tmp_path / "de.wav", "pcm_s16le")
    r = cli("transcribe", german, "--model", "base")
    assert r.code == 0, r.err
    assert "**Language:** de" in cli("show", r.last_line).out
    forced = cli("transcribe", JFK, "--model", "base", "--language", "fr")
    assert forced.code == 0, forced.err
    assert "**Language:** fr" in cli("show", forced.last_line).out


def test_english_only_model_refuses_other_language(cli) -> None:
    r = cli("transcribe", JFK, "--model", "tiny.en", "--language", "fr")
    assert r.code == 1
    assert "English-only" in r.err
    assert cli("list").out.startswith("no meetings")
