"""``record``: a meeting from a microphone or system audio, then transcribed."""

from __future__ import annotations

import argparse
import sys

from meetingapp.cli.jobs import finish
from meetingapp.cli.progress import ProgressBar, err
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.recording import format_devices, list_input_devices
from meetingapp.engine.recording.autorecord import RecorderStatus
from meetingapp.engine.recording.live import LiveText
from meetingapp.library import Library


def cmd_record(args: argparse.Namespace) -> int:
    if args.list_devices:
        print(format_devices(list_input_devices()))
        return 0
    data = Library().data
    engine = JobRunner(data)
    library = Library(data, engine)
    engine.add_listener(ProgressBar())
    recovered = library.recover_recordings()
    if recovered:
        err(f"recovered {len(recovered)} interrupted recording(s)")

    def show_text(text: LiveText) -> None:
        if sys.stderr.isatty():
            tail = (text.committed + " " + text.tentative).strip()[-100:]
            print(f"\r\033[K{tail}", end="", file=sys.stderr, flush=True)

    def show_status(status: RecorderStatus) -> None:
        nonlocal state
        if status.state != state:
            state = status.state
            err(f"{state} (recordings so far: {status.recordings})")

    state = ""
    result = library.record(
        args.device,
        args.auto,
        live=not args.no_live,
        on_text=show_text,
        on_status=show_status,
        max_duration=args.max_duration,
        title=args.title,
    )
    print(file=sys.stderr)
    code = finish(engine, recovered + result.job_ids)
    if result.problem is not None:
        err(result.problem)
        return 1
    return code


def add_commands(sub: argparse._SubParsersAction) -> None:
    r = sub.add_parser("record", help="record a meeting from a microphone or system audio")
    r.add_argument(
        "--device", action="append", help="input name (repeat to mix, e.g. mic + monitor)"
    )
    r.add_argument("--auto", action="store_true", help="record only while people talk")
    r.add_argument("--max-duration", type=float, metavar="S", help="stop after S seconds")
    r.add_argument("--list-devices", action="store_true", help="list inputs and exit")
    r.add_argument("--title")
    r.add_argument("--no-live", action="store_true", help="no live transcript while recording")
    r.set_defaults(func=cmd_record)
