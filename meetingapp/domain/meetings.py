"""A stored meeting as the window, the CLI and the exports see it."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any


@dataclass
class Meeting:
    id: int
    title: str
    type: str
    date: str
    duration: float
    language: str | None
    model: str | None
    source_sha256: str
    source_name: str
    source_path: str
    status: str
    created_at: str
    updated_at: str

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Meeting:
        return cls(**{f.name: row[f.name] for f in fields(cls)})


#: what a meeting can be exported as (``meetingapp export --format``, the Export menu)
FORMATS = ("md", "json", "srt", "vtt", "txt", "rttm")
FORMAT_NAMES = {
    "md": "Markdown",
    "json": "JSON",
    "srt": "SubRip subtitles (SRT)",
    "vtt": "WebVTT subtitles",
    "txt": "Plain text",
    "rttm": "Speaker turns (RTTM)",
}
