"""``list``, ``show``, ``edit``, ``export`` and ``delete``: the meetings in the library."""

from __future__ import annotations

import argparse
import sys

from meetingapp.cli.progress import err
from meetingapp.domain.meetings import FORMATS
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.times import clock
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library


def cmd_list(args: argparse.Namespace) -> int:
    meetings = Library().meetings()
    if not meetings:
        print("no meetings yet: run `meetingapp transcribe FILE`")
    for m in meetings:
        print(f"{m.id:>4}  {m.date[:16]}  {clock(m.duration):>7}  {m.type:<13} {m.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    print(Library().export_text(args.id, "md"), end="")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    if args.title is None and args.type is None:
        raise MeetingAppError("change what? give --title and/or --type")
    m = Library().update_meeting(args.id, title=args.title, type=args.type)
    err(f"meeting {m.id}: {m.title} ({m.type})")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    library = Library()
    if args.output is None:
        sys.stdout.write(library.export_text(args.id, args.format))
        return 0
    out = library.export_to(args.id, args.format, args.output, force=args.force)
    err(f"wrote {out}")
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    title = Library().delete_meeting(args.id)
    err(f"deleted meeting {args.id} ({title})")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    sub.add_parser("list", help="list meetings").set_defaults(func=cmd_list)
    s = sub.add_parser("show", help="show a meeting")
    s.add_argument("id", type=int)
    s.set_defaults(func=cmd_show)

    t = sub.add_parser("edit", help="rename a meeting or change its type")
    t.add_argument("id", type=int)
    t.add_argument("--title")
    t.add_argument("--type", choices=MEETING_TYPES)
    t.set_defaults(func=cmd_edit)

    e = sub.add_parser("export", help="export a meeting")
    e.add_argument("id", type=int)
    e.add_argument("--format", "-f", default="md", choices=FORMATS)
    e.add_argument(
        "-o", "--output", help="file or folder to write (default: stdout); a folder gets TITLE.EXT"
    )
    e.add_argument("--force", action="store_true", help="overwrite an existing file")
    e.set_defaults(func=cmd_export)

    d = sub.add_parser("delete", help="delete a meeting")
    d.add_argument("id", type=int)
    d.set_defaults(func=cmd_delete)
