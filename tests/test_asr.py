"""Accuracy of the default model on real speech (word error rate)."""

from __future__ import annotations

from conftest import EVAL, JFK, LIBRI
from wer import wer


def transcript_text(cli, meeting_id: str) -> str:
    return cli("export", meeting_id, "--format", "txt").out


def test_base_wer_on_jfk_and_librispeech(cli) -> None:
    r = cli("transcribe", JFK, LIBRI, "--model", "base")
    assert r.code == 0, r.err
    jfk_id, libri_id = r.out.split()
    jfk_wer = wer((JFK.with_suffix(".txt")).read_text(), transcript_text(cli, jfk_id))
    libri_wer = wer(LIBRI.with_suffix(".txt").read_text(), transcript_text(cli, libri_id))
    print(f"WER base: jfk {jfk_wer:.3f}, librispeech {libri_wer:.3f}")
    assert jfk_wer <= 0.05
    assert libri_wer <= 0.10


def test_language_detection_and_forced_language(cli) -> None:
    mp3 = EVAL / "asr" / "fw_multilingual" / "multilingual.mp3"
    r = cli("transcribe", mp3, "--model", "base")
    assert r.code == 0, r.err
    meta = cli("show", r.last_line).out
    assert "**Language:** en" in meta
    forced = cli("transcribe", JFK, "--model", "base", "--language", "de", "--force")
    assert forced.code == 0, forced.err
    assert "**Language:** de" in cli("show", forced.last_line).out


def test_english_only_model_refuses_other_language(cli) -> None:
    r = cli("transcribe", JFK, "--model", "tiny.en", "--language", "fr")
    assert r.code == 1
    assert "English-only" in r.err
    assert cli("list").out.startswith("no meetings")
