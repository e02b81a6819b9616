"""``transcribe`` and ``jobs``: queue recordings, follow, resume and cancel their jobs.

``transcribe`` prints each new meeting id on stdout (the last line is the last
file's id) and draws progress on stderr.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from meetingapp.cli.dates import iso_datetime
from meetingapp.cli.progress import ProgressBar, err
from meetingapp.cli.worker import add_broker_option
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.engine.jobs import JobRunner
from meetingapp.engine.languages import check_language
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library


def cmd_transcribe(args: argparse.Namespace) -> int:
    check_language(args.language)  # one line for the whole batch, before any import
    library = Library()
    engine = library.engine = runner_for(library, args.workers, args.broker)
    resumed = library.recover_recordings() + library.resume_unfinished()
    if resumed:
        err(f"resuming {len(resumed)} unfinished job(s) from an earlier run: {resumed}")
    names: dict[int, str] = {}
    engine.add_listener(ProgressBar(names))
    submitted: list[tuple[Path, int | None, int | None]] = []
    failures = 0
    for file in args.files:
        opts = library.job_options(
            model=args.model,
            language=args.language,
            title=args.title if len(args.files) == 1 else None,
            type=args.type,
            date=args.date,
            num_speakers=args.speakers,
            min_speakers=args.min_speakers,
            max_speakers=args.max_speakers,
        )
        try:
            sub = library.submit(Path(file), opts, force=args.force)
        except MeetingAppError as e:
            err(str(e))
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
        elif not report(library, job_id):
            failures += 1
    engine.close()
    return 1 if failures else 0


def runner_for(library: Library, workers: int, broker: str | None) -> JobRunner:
    """The runner of ``transcribe`` and ``serve``: local threads, or with ``--broker``
    the workers of that broker (many recordings in flight: each thread only waits)."""
    if broker is None:
        return JobRunner(library.data, workers=workers)
    from meetingapp.engine.remote.dispatch import IN_FLIGHT, Dispatcher

    dispatcher = Dispatcher(broker)
    return JobRunner(library.data, workers=max(workers, IN_FLIGHT), stages=dispatcher.stages)


def report(library: Library, job_id: int) -> bool:
    """Print a finished job's meeting id (stdout) or its error (stderr)."""
    job = library.job(job_id)
    if job.status == "done":
        print(job.meeting_id, flush=True)
        return True
    err(job.error or f"{job.source_path}: {job.status}")
    return False


def finish(engine: JobRunner, job_ids: list[int]) -> int:
    """Wait for jobs and report each; non-zero when any failed."""
    engine.wait(job_ids)
    library = Library(engine.data)
    ok = [report(library, job_id) for job_id in job_ids]
    engine.close()
    return 0 if all(ok) else 1


def cmd_jobs(args: argparse.Namespace) -> int:
    library = Library()
    if args.action == "resume":
        engine = library.engine = JobRunner(library.data)
        engine.add_listener(ProgressBar())
        ids = library.recover_recordings() + library.resume_unfinished()
        engine.wait(ids)
        for job_id in ids:
            job = library.job(job_id)
            where = f" → meeting {job.meeting_id}" if job.meeting_id else ""
            print(f"job {job_id}: {job.status}{where}")
        engine.close()
        return 0
    if args.action in ("cancel", "retry", "dismiss") and args.id is None:
        raise MeetingAppError(f"which job? `meetingapp jobs {args.action} ID`")
    if args.action == "cancel":
        library.cancel_job(args.id)
        return 0
    if args.action == "dismiss":
        library.dismiss_job(args.id)
        return 0
    if args.action == "retry":
        return retry(library, args.id)
    for j in library.jobs():
        where = f" → meeting {j.meeting_id}" if j.meeting_id else ""
        error = f"  {j.error}" if j.error else ""
        print(
            f"{j.id:>4}  {j.status:<9} {j.stage or '-':<10} {int(j.progress * 100):3d}%  "
            f"{Path(j.source_path).name}{where}{error}"
        )
    return 0


def retry(library: Library, job_id: int) -> int:
    """Queue a failed job again and follow it like ``transcribe``: the meeting id on
    stdout (the one that already holds the recording, if it was imported meanwhile)."""
    engine = library.engine = JobRunner(library.data)
    try:
        engine.add_listener(ProgressBar({job_id: Path(library.job(job_id).source_path).name}))
        sub = library.retry_job(job_id)
    except MeetingAppError:
        engine.close()
        raise
    if sub.job_id is None:
        err(f"job {job_id}: the recording is already meeting {sub.existing_meeting_id}")
        print(sub.existing_meeting_id)
        engine.close()
        return 0
    if sub.already_queued:
        err(f"job {job_id}: the recording is already being transcribed as job {sub.job_id}")
    return finish(engine, [sub.job_id])


def add_commands(sub: argparse._SubParsersAction) -> None:
    t = sub.add_parser("transcribe", help="transcribe recordings into meetings")
    t.add_argument("files", nargs="+", metavar="FILE")
    t.add_argument("--model", help="Whisper model name (see `models`) or a model folder")
    t.add_argument("--language", help="force a language code (default: the settings', or detect)")
    t.add_argument("--title")
    t.add_argument("--type", default="general", choices=MEETING_TYPES)
    t.add_argument(
        "--date",
        type=iso_datetime,
        help="when it took place (default: the recording's creation time from its"
        " metadata, else the file's modified time)",
    )
    t.add_argument("--speakers", type=int, help="exact number of speakers, if known")
    t.add_argument("--min-speakers", type=int)
    t.add_argument("--max-speakers", type=int)
    t.add_argument("--force", action="store_true", help="process again even if imported")
    t.add_argument("--workers", type=int, default=1, help="files processed at once")
    add_broker_option(t)
    t.set_defaults(func=cmd_transcribe)

    j = sub.add_parser("jobs", help="list, resume, cancel, retry or dismiss processing jobs")
    j.add_argument(
        "action",
        nargs="?",
        choices=("list", "resume", "cancel", "retry", "dismiss"),
        default="list",
    )
    j.add_argument("id", nargs="?", type=int)
    j.set_defaults(func=cmd_jobs)
