"""Where the evaluation data is (never copied into the project)."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EVAL = (ROOT.parent / "shared" / "eval").resolve()
JFK = EVAL / "asr" / "jfk" / "jfk.flac"
LIBRI = EVAL / "asr" / "lhotse" / "2412-153948-0000.flac"
STANDUP = EVAL / "meeting" / "standup.wav"
LONG = EVAL / "long" / "ami_trn_5min.flac"
