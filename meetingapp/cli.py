"""Command line: the same engine and store the desktop app uses.

With no arguments (or ``gui``) it opens the desktop app; Qt is only imported
then, so the commands work without a display.

Errors print one line naming the file and the cause, and exit non-zero.
``transcribe`` prints each new meeting id on stdout (the last line is the
last file's id) and draws progress on stderr.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

from meetingapp.cli_minutes import add_commands as add_minutes_commands
from meetingapp.cli_search import add_commands as add_search_commands
from meetingapp.cli_speakers import add_commands as add_speaker_commands
from meetingapp.config import Settings, data_dir
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.times import clock
from meetingapp.engine.asr import cached_whisper
from meetingapp.engine.jobs import Engine, JobEvent, recordings_dir
from meetingapp.engine.languages import check_language
from meetingapp.engine.recording import (
    RecordingInterrupted,
    format_devices,
    list_input_devices,
    record,
)
from meetingapp.engine.recording.autorecord import RecorderStatus
from meetingapp.engine.recording.live import LiveText
from meetingapp.engine.speakers.embedding import find_dvector_model
from meetingapp.engine.speakers.segmentation_onnx import resolve_segmentation_model
from meetingapp.engine.whisper_models import (
    DEFAULT_MODEL,
    download_whisper,
    list_whisper,
    resolve_whisper,
)
from meetingapp.errors import MeetingAppError, ModelNotFoundError
from meetingapp.library import Library
from meetingapp.store import jobs as jobstore
from meetingapp.store.db import describe_db_error, open_db
from meetingapp.store.export import FORMATS
from meetingapp.store.meetings import list_meetings


def err(message: str) -> None:
    print(f"meetingapp: {message}", file=sys.stderr)


class ProgressBar:
    """One line per job on stderr; redrawn in place on a terminal."""

    def __init__(self, names: dict[int, str]) -> None:
        self.names = names
        self.tty = sys.stderr.isatty()
        self.started: dict[int, float] = {}
        self.last: dict[int, tuple[str | None, int]] = {}
        self.lock = threading.Lock()

    def __call__(self, ev: JobEvent) -> None:
        with self.lock:
            start = self.started.setdefault(ev.job_id, time.monotonic())
            pct = int(ev.progress * 100)
            if not self.tty and self.last.get(ev.job_id) == (ev.stage, pct // 10):
                return
            self.last[ev.job_id] = (ev.stage, pct // 10)
            name = self.names.get(ev.job_id, f"job {ev.job_id}")
            bar = "#" * (pct // 5) + "-" * (20 - pct // 5)
            elapsed = time.monotonic() - start
            eta = ""
            if 0.02 < ev.progress < 1:
                eta = f" ~{clock(elapsed / ev.progress - elapsed)} left"
            stage = ev.stage or ev.status
            line = f"{name} [{bar}] {pct:3d}% {stage}{eta}"
            if self.tty:
                end = "\n" if ev.status in ("done", "failed", "cancelled") else ""
                print(f"\r\033[K{line}", end=end, file=sys.stderr, flush=True)
            else:
                print(line, file=sys.stderr, flush=True)


def cmd_transcribe(args: argparse.Namespace) -> int:
    check_language(args.language)  # one line for the whole batch, before any import
    data = data_dir()
    engine = Engine(data, workers=args.workers)
    resumed = engine.recover_recordings() + engine.resume_unfinished()
    if resumed:
        err(f"resuming {len(resumed)} unfinished job(s) from an earlier run: {resumed}")
    names: dict[int, str] = {}
    bar = ProgressBar(names)
    engine.add_listener(bar)
    submitted: list[tuple[Path, int | None, int | None]] = []
    failures = 0
    for file in args.files:
        opts = jobstore.JobOptions(
            title=args.title if len(args.files) == 1 else None,
            type=args.type,
            language=args.language,
            model=args.model or Settings.load(data).asr_model or DEFAULT_MODEL,
            date=args.date,
            num_speakers=args.speakers,
            min_speakers=args.min_speakers,
            max_speakers=args.max_speakers,
        )
        try:
            sub = engine.submit(Path(file), opts, force=args.force)
        except MeetingAppError as e:
            err(str(e))
            failures += 1
            continue
        except OSError as e:  # one unforeseen bad path must not abandon the batch
            err(f"{file}: cannot import ({e.strerror or e})")
            failures += 1
            continue
        if sub.already_queued:
            err(
                f"{file}: already being transcribed as job {sub.job_id}; its meeting id is"
                " printed for this file too (use --force for a second meeting)"
            )
        elif sub.job_id is not None:
            names[sub.job_id] = Path(file).name
        else:
            err(f"{file}: already imported as meeting {sub.existing_meeting_id} (use --force)")
        submitted.append((Path(file), sub.job_id, sub.existing_meeting_id))
    try:
        engine.wait([j for _, j, _ in submitted if j is not None] + resumed)
    except KeyboardInterrupt:
        err("interrupted: cancelling")
        engine.shutdown(cancel=True)
        return 130
    for _, job_id, existing in submitted:
        if job_id is None:
            print(existing)
        elif not _report(engine, job_id):
            failures += 1
    engine.close()
    return 1 if failures else 0


def _report(engine: Engine, job_id: int) -> bool:
    """Print a finished job's meeting id (stdout) or its error (stderr)."""
    job = jobstore.get_job(engine.db, job_id)
    if job.status == "done":
        print(job.meeting_id, flush=True)
        return True
    err(job.error or f"{job.source_path}: {job.status}")
    return False


def _finish(engine: Engine, job_ids: list[int]) -> int:
    """Wait for jobs and report each; non-zero when any failed."""
    engine.wait(job_ids)
    ok = [_report(engine, job_id) for job_id in job_ids]
    engine.close()
    return 0 if all(ok) else 1


def cmd_record(args: argparse.Namespace) -> int:
    if args.list_devices:
        print(format_devices(list_input_devices()))
        return 0
    data = data_dir()
    engine = Engine(data)
    engine.add_listener(ProgressBar({}))
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
    code = _finish(engine, recovered + engine.import_recordings(paths, title=args.title))
    if interrupted is not None:
        err(str(interrupted))
        return 1
    return code


def cmd_list(args: argparse.Namespace) -> int:
    db = open_db(data_dir())
    meetings = list_meetings(db)
    if not meetings:
        print("no meetings yet: run `meetingapp transcribe FILE`")
    for m in meetings:
        print(f"{m.id:>4}  {m.date[:16]}  {clock(m.duration):>7}  {m.type:<13} {m.title}")
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    print(Library().export_text(args.id, "md"), end="")
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


def cmd_models(args: argparse.Namespace) -> int:
    data = data_dir()
    if args.action == "download":
        if not args.name:
            raise MeetingAppError("which model? e.g. `meetingapp models download small`")

        def show(f: float) -> None:
            print(f"\rdownloading {args.name}: {int(f * 100):3d}%", end="", file=sys.stderr)

        model = download_whisper(args.name, data, progress=show)
        print(file=sys.stderr)
        print(f"{model.name}: {model.location}")
        return 0
    settings = Settings.load(data)  # a bad settings file fails before half a listing
    print("Whisper (speech recognition):")
    for s in list_whisper(data):
        mark = "*" if s.available else " "
        lang = "multilingual" if s.multilingual else "English"
        print(f" {mark} {s.name:<10} {lang:<12} {s.size_mb:>5} MB  {s.where}")
    print(f"default: {settings.asr_model}; * = available offline")
    print("Speakers:")
    chosen = settings.model_path("segmentation")
    for name, find in (
        ("voice embedding (d-vector)", find_dvector_model),
        ("segmentation (overlaps, quiet speech)", lambda: resolve_segmentation_model(chosen)),
    ):
        try:
            print(f" * {name:<38} {find()}")
        except ModelNotFoundError as e:
            print(f"   {name:<38} {e}")
    return 0


def cmd_jobs(args: argparse.Namespace) -> int:
    data = data_dir()
    if args.action == "resume":
        engine = Engine(data)
        engine.add_listener(ProgressBar({}))
        ids = engine.recover_recordings() + engine.resume_unfinished()
        engine.wait(ids)
        for job_id in ids:
            job = jobstore.get_job(engine.db, job_id)
            where = f" → meeting {job.meeting_id}" if job.meeting_id else ""
            print(f"job {job_id}: {job.status}{where}")
        engine.close()
        return 0
    if args.action == "cancel":
        if args.id is None:
            raise MeetingAppError("which job? `meetingapp jobs cancel ID`")
        Library(data).cancel_job(args.id)
        return 0
    db = open_db(data)
    for j in jobstore.list_jobs(db):
        where = f" → meeting {j.meeting_id}" if j.meeting_id else ""
        error = f"  {j.error}" if j.error else ""
        print(
            f"{j.id:>4}  {j.status:<9} {j.stage or '-':<10} {int(j.progress * 100):3d}%  "
            f"{Path(j.source_path).name}{where}{error}"
        )
    return 0


def iso_date(text: str) -> str:
    try:
        return datetime.fromisoformat(text).isoformat(timespec="seconds")
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def cmd_gui(args: argparse.Namespace) -> int:
    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not os.environ.get("QT_QPA_PLATFORM"):
        raise MeetingAppError(
            "no display to open the window on; use the command line (`meetingapp --help`)"
        )
    from meetingapp.ui.app import run_app  # Qt only when the window is wanted

    return run_app(sys.argv[:1])


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="meetingapp", description=__doc__.splitlines()[0])
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    t = sub.add_parser("transcribe", help="transcribe recordings into meetings")
    t.add_argument("files", nargs="+", metavar="FILE")
    t.add_argument("--model", help="Whisper model name (see `models`) or a model folder")
    t.add_argument("--language", help="force a language code (default: detect)")
    t.add_argument("--title")
    t.add_argument("--type", default="general", choices=MEETING_TYPES)
    t.add_argument("--date", type=iso_date, help="when it took place (default: the file's time)")
    t.add_argument("--speakers", type=int, help="exact number of speakers, if known")
    t.add_argument("--min-speakers", type=int)
    t.add_argument("--max-speakers", type=int)
    t.add_argument("--force", action="store_true", help="process again even if imported")
    t.add_argument("--workers", type=int, default=1, help="files processed at once")
    t.set_defaults(func=cmd_transcribe)

    sub.add_parser("list", help="list meetings").set_defaults(func=cmd_list)
    s = sub.add_parser("show", help="show a meeting")
    s.add_argument("id", type=int)
    s.set_defaults(func=cmd_show)

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

    m = sub.add_parser("models", help="list or download models")
    m.add_argument("action", nargs="?", choices=("list", "download"), default="list")
    m.add_argument("name", nargs="?")
    m.set_defaults(func=cmd_models)

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

    add_speaker_commands(sub)
    add_minutes_commands(sub)

    j = sub.add_parser("jobs", help="list, resume or cancel processing jobs")
    j.add_argument("action", nargs="?", choices=("list", "resume", "cancel"), default="list")
    j.add_argument("id", nargs="?", type=int)
    j.set_defaults(func=cmd_jobs)

    sub.add_parser("gui", help="open the desktop app (the default)").set_defaults(func=cmd_gui)
    add_search_commands(sub)
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
        err(describe_db_error(data_dir() / "meetings.db", e))
        return 1
    except OverflowError as e:  # a number no SQLite column can hold, e.g. a 30-digit id
        err(f"a number given is too large ({e})")
        return 1
    except BrokenPipeError:
        return 0
