"""``minutes ID``, ``highlights ID`` and the action-item tracker (``actions``)."""

from __future__ import annotations

import argparse
from pathlib import Path

from meetingapp.cli.progress import Percent
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.times import clock
from meetingapp.library import Library


def cmd_minutes(args: argparse.Namespace) -> int:
    library = Library()
    llm = Path(args.model).expanduser() if args.model else library.settings().llm_path()
    show = Percent("minutes")
    library.regenerate_minutes(args.id, llm, args.template, progress=show)
    show.end()
    text = library.export_text(args.id, "md")
    print(text[: text.find("## Transcript")].rstrip())
    return 0


def cmd_actions(args: argparse.Namespace) -> int:
    library = Library()
    if args.action == "done":
        a = library.update_action(args.id, status="done")
        print(f"done: {a.task}")
        return 0
    if args.action == "reopen":
        library.update_action(args.id, status="open")
        return 0
    if args.action == "edit":
        changes = {
            k: v for k, v in (("owner", args.owner), ("task", args.task), ("due", args.due)) if v
        }
        library.update_action(args.id, **changes)
        return 0
    items = library.actions(open_only=args.open, owner=args.owner)
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
    for path in Library().export_highlights(args.id, Path(args.output)):
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
