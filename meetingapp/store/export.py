"""Export a meeting as Markdown, JSON, SRT, WebVTT, plain text or RTTM.

The JSON layout is documented by ``resources/export_schema.json`` (checked
in the tests); minutes keys (summary, decisions, action_items, …) appear
when the meeting has minutes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

from meetingapp.domain.meetings import FORMATS, Meeting
from meetingapp.domain.minutes import Minutes, action_sentence
from meetingapp.domain.times import clock
from meetingapp.domain.transcript import Segment, SpeakerTurn

SCHEMA_ID = "meetingapp.meeting/1"
MINUTES_KEYS = ("summary", "key_points", "decisions", "action_items", "topics", "highlights")


@dataclass
class MeetingExport:
    meeting: Meeting
    segments: list[Segment]
    minutes: Minutes | None = None
    #: the diarization's turns under the speakers' names (empty for older meetings)
    turns: list[SpeakerTurn] = field(default_factory=list)

    def speaker_turns(self) -> list[SpeakerTurn]:
        """The diarization's turns, or each transcript line as one for a meeting
        stored before turns were kept."""
        if self.turns:
            return self.turns
        return [SpeakerTurn(s.start, s.end, s.speaker) for s in self.segments if s.speaker]

    def minutes_dict(self) -> dict[str, Any]:
        return self.minutes.to_dict() if self.minutes else {}

    @property
    def participants(self) -> list[str]:
        seen: dict[str, None] = {}
        for seg in self.segments:
            if seg.speaker:
                seen.setdefault(seg.speaker, None)
        return list(seen)


def _stamp(t: float, sep: str) -> str:
    ms = int(round(t * 1000))
    h, ms = divmod(ms, 3_600_000)
    m, ms = divmod(ms, 60_000)
    s, ms = divmod(ms, 1000)
    return f"{h:02d}:{m:02d}:{s:02d}{sep}{ms:03d}"


def flat(text: str) -> str:
    """One line: a newline typed into a title, name or text would start a new
    heading, list item or subtitle cue in the export."""
    return " ".join(str(text).split())


#: Markdown's inline markup, escaped with a backslash; ``<``, ``>`` and ``&`` become
#: entities so no typed HTML (``<script>``, ``<img onerror=…>``) reaches a renderer.
_MD_ESCAPES = {c: "\\" + c for c in "\\`*_[]#|~"} | {"<": "&lt;", ">": "&gt;", "&": "&amp;"}
#: A number that would make the start of a line an ordered list item: "1. ", "2) ".
_MD_NUMBERED = re.compile(r"\d+(?=[.)])")


def md(text: object) -> str:
    """User-typed or transcribed text as literal Markdown on one line."""
    return _no_list_start("".join(_MD_ESCAPES.get(c, c) for c in flat(str(text))))


def _no_list_start(text: str) -> str:
    """Escape what would turn the text into a list item where it starts a line
    (a summary paragraph), or into a nested one after "- "."""
    if text[:1] in ("-", "+"):
        return "\\" + text
    number = _MD_NUMBERED.match(text)
    return f"{text[: number.end()]}\\{text[number.end() :]}" if number else text


def _line(seg: Segment) -> str:
    text = flat(seg.text)
    return f"{flat(seg.speaker)}: {text}" if seg.speaker else text


def _md_line(seg: Segment) -> str:
    return f"{md(seg.speaker)}: {md(seg.text)}" if seg.speaker else md(seg.text)


def to_markdown(ex: MeetingExport) -> str:
    m = ex.meeting
    out = [f"# {md(m.title)}", ""]
    out.append(f"- **Date:** {md(m.date)}")
    out.append(f"- **Duration:** {clock(m.duration)}")
    out.append(f"- **Type:** {md(m.type)}")
    if m.language:
        out.append(f"- **Language:** {md(m.language)}")
    if ex.participants:
        out.append(f"- **Participants:** {', '.join(md(p) for p in ex.participants)}")
    out.append("")
    mins = ex.minutes_dict()
    if mins.get("summary"):
        out += ["## Summary", "", md(mins["summary"]), ""]
    for key, title in (("key_points", "Key points"), ("decisions", "Decisions")):
        if mins.get(key):
            out += [f"## {title}", ""]
            out += [f"- {md(item['text'])} ([{clock(item['start'])}])" for item in mins[key]]
            out.append("")
    if mins.get("action_items"):
        out += ["## Action items", ""]
        out += [_md_action(a) for a in mins["action_items"]]
        out.append("")
    if mins.get("topics"):
        out += ["## Topics", "", ", ".join(md(t) for t in mins["topics"]), ""]
    if mins.get("highlights"):
        out += ["## Highlights", ""]
        out += [f"- [{clock(h['start'])}] {md(h['text'])}" for h in mins["highlights"]]
        out.append("")
    if ex.minutes:
        out += [f"_Mood: {md(ex.minutes.mood)}_", ""]
    out += ["## Transcript", ""]
    out += [f"[{clock(s.start)}] {_md_line(s)}  " for s in ex.segments]
    return "\n".join(out).rstrip() + "\n"


def _md_action(a: dict[str, Any]) -> str:
    box = "x" if a.get("status") == "done" else " "
    sentence = action_sentence(a.get("owner"), a["task"], a.get("due"))
    return f"- [{box}] {md(sentence)} ([{clock(a['start'])}])"


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
        "turns": [
            {"start": t.start, "end": t.end, "speaker": t.speaker} for t in ex.speaker_turns()
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


def _cue(text: str) -> str:
    """Subtitle text that cannot pass for a timing line ("-->" marks one)."""
    return flat(text).replace("-->", "->")


def _vtt(text: str) -> str:
    """WebVTT cue text is markup: a literal ``<`` or ``&`` would open a tag or entity."""
    return _cue(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def to_srt(ex: MeetingExport) -> str:
    blocks = [
        f"{i}\n{_stamp(s.start, ',')} --> {_stamp(s.end, ',')}\n{_cue(_line(s))}\n"
        for i, s in enumerate(ex.segments, 1)
    ]
    return "\n".join(blocks)


def to_vtt(ex: MeetingExport) -> str:
    out = ["WEBVTT", ""]
    for s in ex.segments:
        text = f"<v {_vtt(s.speaker)}>{_vtt(s.text)}" if s.speaker else _vtt(s.text)
        out += [f"{_stamp(s.start, '.')} --> {_stamp(s.end, '.')}", text, ""]
    return "\n".join(out)


def to_txt(ex: MeetingExport) -> str:
    return "".join(f"{_line(s)}\n" for s in ex.segments)


def _rttm_token(text: str) -> str:
    """RTTM fields are separated by spaces: a name or title becomes one token."""
    return "_".join(flat(text).split(" ")) or "NA"


def to_rttm(ex: MeetingExport) -> str:
    """NIST RTTM: one SPEAKER line per diarization turn, as pyannote writes and scores."""
    file_id = _rttm_token(ex.meeting.title)
    return "".join(
        f"SPEAKER {file_id} 1 {t.start:.3f} {t.end - t.start:.3f} <NA> <NA>"
        f" {_rttm_token(t.speaker)} <NA> <NA>\n"
        for t in ex.speaker_turns()
        if t.end > t.start
    )


#: Characters no file name may hold on some system the export may be copied to.
_UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
#: Bytes for the name before the extension: most file systems allow 255.
NAME_BYTES = 200


def export_filename(meeting: Meeting, fmt: str) -> str:
    """``<title>.<ext>`` for an export written into a folder, safe on any file system."""
    name = _UNSAFE_IN_NAME.sub("_", flat(meeting.title)).strip(" .")
    name = name.encode("utf-8")[:NAME_BYTES].decode("utf-8", "ignore").rstrip(" .")
    return f"{name or f'meeting-{meeting.id}'}.{fmt}"


EXPORTERS: dict[str, Callable[[MeetingExport], str]] = {
    "md": to_markdown,
    "json": to_json,
    "srt": to_srt,
    "vtt": to_vtt,
    "txt": to_txt,
    "rttm": to_rttm,
}


def render(ex: MeetingExport, fmt: str) -> str:
    if fmt not in EXPORTERS:
        raise ValueError(f"unknown export format {fmt!r}; choose one of {', '.join(FORMATS)}")
    return EXPORTERS[fmt](ex)
