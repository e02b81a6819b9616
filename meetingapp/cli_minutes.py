"""`meetingapp minutes ID` and the action-item tracker (`meetingapp actions`)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from meetingapp.config import Settings, data_dir
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.times import clock
from meetingapp.engine.audio import load_audio
from meetingapp.engine.minutes.generate import generate_minutes
from meetingapp.engine.minutes.highlights import export_clips
from meetingapp.engine.pipeline import meeting_date
from meetingapp.errors import MeetingAppError
from meetingapp.store.db import open_db
from meetingapp.store.export import MeetingExport, render
from meetingapp.store.meetings import get_meeting, load_segments
from meetingapp.store.minutes import list_actions, load_minutes, save_minutes, update_action


def cmd_minutes(args: argparse.Namespace) -> int:
    data = data_dir()
    db = open_db(data)
    meeting = get_meeting(db, args.id)
    llm = Path(args.model).expanduser() if args.model else Settings.load(data).llm_path()

    def show(f: float) -> None:
        print(f"\rminutes: {int(f * 100):3d}%", end="", file=sys.stderr, flush=True)

    minutes = generate_minutes(
        load_segments(db, args.id),
        meeting_date(meeting.date),
        args.template or meeting.type,
        data,
        llm_path=llm,
        template=args.template,
        progress=show,
    )
    print(file=sys.stderr)
    with db.conn:
        save_minutes(db, args.id, minutes, llm.name if llm else None, args.template)
    export = MeetingExport(meeting, load_segments(db, args.id), load_minutes(db, args.id))
    text = render(export, "md")
    print(text[: text.find("## Transcript")].rstrip())
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    if args.action == "done":
        a = update_action(db, args.id, status="done")
        print(f"done: {a.task}")
        return 0
    if args.action == "reopen":
        update_action(db, args.id, status="open")
        return 0
    if args.action == "edit":
        changes = {
            k: v for k, v in (("owner", args.owner), ("task", args.task), ("due", args.due)) if v
        }
        update_action(db, args.id, **changes)
        return 0
    items = list_actions(db, open_only=args.open, owner=args.owner)
    if not items:
        print("no action items")
    for a in items:
        box = "x" if a.status == "done" else " "
        due = f" (due {a.due})" if a.due else ""
        print(
            f"{a.id:>4} [{box}] {a.owner or '?'}: {a.task}{due}  — {a.meeting_title} "
            f"{a.meeting_date[:10]} [{clock(a.start)}]"
        )
    return 0


def cmd_highlights(args: argparse.Namespace) -> int:
    data = data_dir()
    db = open_db(data)
    meeting = get_meeting(db, args.id)
    minutes = load_minutes(db, args.id)
    if minutes is None or not minutes.highlights:
        raise MeetingAppError(f"meeting {args.id} has no highlights (run `meetingapp minutes`)")
    out = Path(args.output)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise MeetingAppError(f"{out}: cannot create the folder ({e.strerror})") from None
    audio = load_audio(data / meeting.source_path)
    for path in export_clips(audio, minutes.highlights, load_segments(db, args.id), out):
        print(path)
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("minutes", help="(re)generate a meeting's minutes")
    m.add_argument("id", type=int)
    m.add_argument("--model", help="GGUF language model to refine the minutes")
    m.add_argument("--template", choices=MEETING_TYPES, help="template (default: meeting type)")
    m.set_defaults(func=cmd_minutes)

    h = sub.add_parser("highlights", help="export a meeting's highlights as clips + SRT")
    h.add_argument("id", type=int)
    h.add_argument("-o", "--output", required=True, help="folder for the clips")
    h.set_defaults(func=cmd_highlights)

    a = sub.add_parser("actions", help="action items across meetings")
    a.add_argument("action", nargs="?", choices=("list", "done", "reopen", "edit"), default="list")
    a.add_argument("id", nargs="?", type=int)
    a.add_argument("--open", action="store_true", help="only open items")
    a.add_argument("--owner")
    a.add_argument("--task")
    a.add_argument("--due")
    a.set_defaults(func=cmd_actions)
