"""Command line: the same service layer (meetingapp.library) the desktop app uses.

With no arguments (or ``gui``) it opens the desktop app; Qt is only imported
then, so the commands work without a display.

Errors print one line naming the file and the cause, and exit non-zero.
One module per group of commands: meetings (list, show, edit, export, delete),
jobs (transcribe, jobs), models, record, minutes (minutes, highlights, actions),
search (search, ask), speakers, serve (the REST API) and worker (Celery); progress
and dates are shared by them all.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
from collections.abc import Callable

from meetingapp.cli import (
    jobs,
    meetings,
    minutes,
    models,
    record,
    search,
    serve,
    speakers,
    worker,
)
from meetingapp.cli.progress import err
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library


def cmd_gui(args: argparse.Namespace) -> int:
    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not os.environ.get("QT_QPA_PLATFORM"):
        raise MeetingAppError(
            "no display to open the window on; use the command line (`meetingapp --help`)"
        )
    return load_window()(sys.argv[:1])


def load_window() -> Callable[..., int]:
    """The window's entry, imported only when the window is wanted (Qt is heavy). A
    machine without the desktop's libraries gets one line saying what to install."""
    try:
        from meetingapp.ui.app import run_app
    except ImportError as e:
        raise MeetingAppError(
            f"the window cannot start: {e}. Install the desktop libraries (Debian/Ubuntu:"
            " `apt install libgl1 libegl1 libxkbcommon0 libfontconfig1 libdbus-1-3`);"
            " the command line works without them (`meetingapp --help`)"
        ) from None
    return run_app


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="meetingapp", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", metavar="COMMAND")
    jobs.add_commands(sub)  # transcribe first: the command most people want
    meetings.add_commands(sub)
    models.add_commands(sub)
    record.add_commands(sub)
    speakers.add_commands(sub)
    minutes.add_commands(sub)
    sub.add_parser("gui", help="open the desktop app (the default)").set_defaults(func=cmd_gui)
    search.add_commands(sub)
    serve.add_commands(sub)
    worker.add_commands(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    raw = sys.argv[1:] if argv is None else argv
    args = parser.parse_args(raw or ["gui"])  # no arguments: open the window
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return args.func(args)
    except MeetingAppError as e:
        err(str(e))
        return 1
    except sqlite3.Error as e:
        err(Library().describe_db_error(e))
        return 1
    except OverflowError as e:  # a number no SQLite column can hold, e.g. a 30-digit id
        err(f"a number given is too large ({e})")
        return 1
    except BrokenPipeError:
        return 0
