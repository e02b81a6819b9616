"""Evaluation clips the UI tests use (read-only, from ../shared/eval)."""

from pathlib import Path

EVAL = (Path(__file__).resolve().parents[2].parent / "shared" / "eval").resolve()
JFK = EVAL / "asr" / "jfk" / "jfk.flac"
LONG = EVAL / "long" / "ami_trn_5min.flac"
STANDUP = EVAL / "meeting" / "standup.wav"
ENROLL = EVAL / "enroll" / "librispeech" / "367" / "367-130732-0000.flac"
