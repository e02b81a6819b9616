"""Per-meeting-type templates: section order and headings, and the LLM prompt.

Templates are plain Markdown files the user may edit. Defaults ship in
``resources/templates/<type>.md`` and are copied into the user's data folder
on first use, so edits survive upgrades. A leading ``<!-- prompt: ... -->``
comment holds the LLM instructions; the rest is the document with
``{placeholders}`` (unknown ones are left as written).
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from meetingapp.domain.minutes import MEETING_TYPES, Minutes, action_sentence
from meetingapp.resources import resource_path

DEFAULTS_DIR = resource_path("templates")
_PROMPT = re.compile(r"\A\s*<!--\s*prompt:\s*(?P<prompt>.*?)-->\s*", re.DOTALL)
_TITLES = {
    "general": "Meeting",
    "standup": "Stand-up",
    "review": "Review",
    "planning": "Planning",
    "retrospective": "Retrospective",
    "interview": "Interview",
    "one-on-one": "One-on-one",
}


@dataclass
class Template:
    meeting_type: str
    prompt: str
    body: str
    path: Path


def template_path(meeting_type: str, data_dir: Path) -> Path:
    """The user's editable copy, created from the shipped default if missing."""
    if meeting_type not in MEETING_TYPES:
        raise ValueError(f"unknown meeting type {meeting_type!r}; expected one of {MEETING_TYPES}")
    path = data_dir / "templates" / f"{meeting_type}.md"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(DEFAULTS_DIR / f"{meeting_type}.md", path)
    return path


def load_template(meeting_type: str, data_dir: Path) -> Template:
    path = template_path(meeting_type, data_dir)
    text = path.read_text(encoding="utf-8")
    m = _PROMPT.match(text)
    prompt = " ".join(m.group("prompt").split()) if m else ""
    body = text[m.end() :] if m else text
    return Template(meeting_type, prompt, body, path)


def render_markdown(
    minutes: Minutes, template: Template, meeting_date: dt.date, title: str = ""
) -> str:
    """The minutes as Markdown laid out by ``template``."""
    none = "_None recorded._"

    def bullets(lines: list[str]) -> str:
        return "\n".join(f"- {x}" for x in lines) or none

    values = {
        "title": title or _TITLES[template.meeting_type],
        "date": meeting_date.isoformat(),
        "summary": minutes.summary or none,
        "key_points": bullets([f"{p.text} ({_clock(p.start)})" for p in minutes.key_points]),
        "decisions": bullets([f"{d.text} ({_clock(d.start)})" for d in minutes.decisions]),
        "action_items": bullets(
            [
                f"[ ] {action_sentence(a.owner, a.task, a.due)} ({_clock(a.start)})"
                for a in minutes.action_items
            ]
        ),
        "topics": ", ".join(minutes.topics) or none,
        "highlights": bullets([f"{_clock(h.start)} {h.text}" for h in minutes.highlights]),
        "mood": minutes.mood,
    }
    return re.sub(r"\{(\w+)\}", lambda m: values.get(m.group(1), m.group(0)), template.body)


def _clock(t: float) -> str:
    s = int(t)
    return (
        f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"
    )
