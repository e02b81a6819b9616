"""Export a meeting as Markdown, JSON, SRT, WebVTT or plain text.

The JSON layout is documented by ``resources/export_schema.json`` (checked
in the tests); minutes keys (summary, decisions, action_items, …) appear
when the meeting has minutes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass
from typing import Any

from meetingapp.engine.minutes.model import Minutes
from meetingapp.engine.types import Segment
from meetingapp.store.meetings import Meeting

FORMATS = ("md", "json", "srt", "vtt", "txt")
SCHEMA_ID = "meetingapp.meeting/1"
MINUTES_KEYS = ("summary", "key_points", "decisions", "action_items", "topics", "highlights")


@dataclass
class MeetingExport:
    meeting: Meeting
    segments: list[Segment]
    minutes: Minutes | None = None

    def minutes_dict(self) -> dict[str, Any]:
        return self.minutes.to_dict() if self.minutes else {}

    @property
    def participants(self) -> list[str]:
        seen: dict[str, None] = {}
        for seg in self.segments:
            if seg.speaker:
                seen.setdefault(seg.speaker, None)
        return list(seen)


def clock(t: float) -> str:
    """mm:ss, or h:mm:ss past an hour."""
    s = int(t)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"


def _stamp(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def _line(seg: Segment) -> str:
    return f"{seg.speaker}: {seg.text}" if seg.speaker else seg.text


def to_markdown(ex: MeetingExport) -> str:
    m = ex.meeting
    out = [f"# {m.title}", ""]
    out.append(f"- **Date:** {m.date}")
    out.append(f"- **Duration:** {clock(m.duration)}")
    out.append(f"- **Type:** {m.type}")
    if m.language:
        out.append(f"- **Language:** {m.language}")
    if ex.participants:
        out.append(f"- **Participants:** {', '.join(ex.participants)}")
    out.append("")
    mins = ex.minutes_dict()
    if mins.get("summary"):
        out += ["## Summary", "", mins["summary"], ""]
    for key, title in (("key_points", "Key points"), ("decisions", "Decisions")):
        if mins.get(key):
            out += [f"## {title}", ""]
            out += [f"- {item['text']} ([{clock(item['start'])}])" for item in mins[key]]
            out.append("")
    if mins.get("action_items"):
        out += ["## Action items", ""]
        for a in mins["action_items"]:
            box = "x" if a.get("status") == "done" else " "
            owner = f"**{a['owner']}**: " if a.get("owner") else ""
            due = f" — due {a['due']}" if a.get("due") else ""
            out.append(f"- [{box}] {owner}{a['task']}{due} ([{clock(a['start'])}])")
        out.append("")
    if mins.get("topics"):
        out += ["## Topics", "", ", ".join(mins["topics"]), ""]
    if mins.get("highlights"):
        out += ["## Highlights", ""]
        out += [f"- [{clock(h['start'])}] {h['text']}" for h in mins["highlights"]]
        out.append("")
    if ex.minutes:
        out += [f"_Mood: {ex.minutes.mood}_", ""]
    out += ["## Transcript", ""]
    out += [f"[{clock(s.start)}] {_line(s)}  " for s in ex.segments]
    return "\n".join(out).rstrip() + "\n"


def to_json(ex: MeetingExport) -> str:
    m = asdict(ex.meeting)
    doc: dict[str, Any] = {
        "schema": SCHEMA_ID,
        "meeting": {**m, "participants": ex.participants},
        "segments": [
            {
                "start": s.start,
                "end": s.end,
                "speaker": s.speaker,
                "text": s.text,
                "confidence": s.confidence,
                "words": [
                    {"start": w.start, "end": w.end, "word": w.word, "probability": w.probability}
                    for w in s.words
                ],
            }
            for s in ex.segments
        ],
    }
    mins = ex.minutes_dict()
    for key in MINUTES_KEYS:
        if key in mins:
            doc[key] = mins[key]
    if ex.minutes:
        doc["mood"] = ex.minutes.mood
        if len(ex.minutes.sentiment) == len(doc["segments"]):
            for seg, score in zip(doc["segments"], ex.minutes.sentiment, strict=True):
                seg["sentiment"] = score
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def to_srt(ex: MeetingExport) -> str:
    blocks = [
        f"{i}\n{_stamp(s.start, ',')} --> {_stamp(s.end, ',')}\n{_line(s)}\n"
        for i, s in enumerate(ex.segments, 1)
    ]
    return "\n".join(blocks)


def to_vtt(ex: MeetingExport) -> str:
    out = ["WEBVTT", ""]
    for s in ex.segments:
        text = f"<v {s.speaker}>{s.text}" if s.speaker else s.text
        out += [f"{_stamp(s.start, '.')} --> {_stamp(s.end, '.')}", text, ""]
    return "\n".join(out)


def to_txt(ex: MeetingExport) -> str:
    return "".join(f"{_line(s)}\n" for s in ex.segments)


EXPORTERS: dict[str, Callable[[MeetingExport], str]] = {
    "md": to_markdown,
    "json": to_json,
    "srt": to_srt,
    "vtt": to_vtt,
    "txt": to_txt,
}


def render(ex: MeetingExport, fmt: str) -> str:
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return EXPORTERS[fmt](ex)
