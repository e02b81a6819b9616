"""Helpers shared by the recording tests (a plain module: conftest names may clash)."""

from __future__ import annotations

import re
from pathlib import Path

EVAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "eval"
STANDUP = EVAL / "meeting" / "standup.wav"


def words(text: str) -> list[str]:
    """Lower-case words without punctuation, for comparing transcripts."""
    return re.findall(r"[a-z0-9']+", text.lower())
