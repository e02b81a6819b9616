"""``worker``: process recordings sent by other machines' ``transcribe --broker``
or ``serve --broker`` (Celery on Redis), with this machine's models."""

from __future__ import annotations

import argparse

from meetingapp.cli.progress import err
from meetingapp.errors import MeetingAppError


def cmd_worker(args: argparse.Namespace) -> int:
    from meetingapp.engine.remote.worker import run_worker

    if args.concurrency < 1:
        raise MeetingAppError(f"--concurrency {args.concurrency}: must be 1 or more")
    if args.threads < 0:
        raise MeetingAppError(f"--threads {args.threads}: must be 0 (every core) or more")
    run_worker(args.broker, args.concurrency, args.threads, say=lambda line: err(line))
    return 0


def add_broker_option(parser: argparse.ArgumentParser, required: bool = False) -> None:
    """The one ``--broker`` option of ``worker``, ``transcribe`` and ``serve``."""
    parser.add_argument(
        "--broker",
        required=required,
        metavar="URL",
        help="Redis of the workers, e.g. redis://HOST:6379/0"
        + ("" if required else ": the recordings are processed there, not on this machine"),
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    w = sub.add_parser("worker", help="process recordings sent through a broker (Celery)")
    add_broker_option(w, required=True)
    w.add_argument("--concurrency", type=int, default=1, help="recordings at once (default 1)")
    w.add_argument(
        "--threads", type=int, default=0, help="CPU threads per model (default: every core)"
    )
    w.set_defaults(func=cmd_worker)
