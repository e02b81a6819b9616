"""``record``: a meeting from a microphone or system audio, then transcribed."""

from __future__ import annotations

import argparse
import sys

from meetingapp.cli.jobs import finish
from meetingapp.cli.progress import ProgressBar, err
from meetingapp.engine.asr import cached_whisper
from meetingapp.engine.jobs import Engine, recordings_dir
from meetingapp.engine.recording import (
    RecordingInterrupted,
    format_devices,
    list_input_devices,
    record,
)
from meetingapp.engine.recording.autorecord import RecorderStatus
from meetingapp.engine.recording.live import LiveText
from meetingapp.engine.whisper_models import resolve_whisper
from meetingapp.library import Library


def cmd_record(args: argparse.Namespace) -> int:
    if args.list_devices:
        print(format_devices(list_input_devices()))
        return 0
    data = Library().data
    engine = Engine(data)
    engine.add_listener(ProgressBar())
    recovered = engine.recover_recordings()
    if recovered:
        err(f"recovered {len(recovered)} interrupted recording(s)")
    live = None
    if not args.no_live:
        live = cached_whisper(resolve_whisper(engine.settings.live_model, data))

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
    interrupted: RecordingInterrupted | None = None
    try:
        paths = record(
            recordings_dir(data),
            device=args.device,
            auto=args.auto,
            max_duration=args.max_duration,
            live_model=live,
            on_text=show_text,
            on_status=show_status,
        )
    except RecordingInterrupted as e:
        interrupted, paths = e, e.paths
    print(file=sys.stderr)
    code = finish(engine, recovered + engine.import_recordings(paths, title=args.title))
    if interrupted is not None:
        err(str(interrupted))
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
