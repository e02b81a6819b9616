"""``serve``: the local REST API (meetingapp.api) on uvicorn.

The token is the data folder's ``api_token`` (made at the first start). The
largest upload accepted is ``MEETINGAPP_API_MAX_UPLOAD`` bytes (default 2 GiB).
"""

from __future__ import annotations

import argparse
import ipaddress
import os

from meetingapp.cli.jobs import runner_for
from meetingapp.cli.progress import err
from meetingapp.cli.worker import add_broker_option
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library

#: The environment variable that sets the upload limit (bytes).
MAX_UPLOAD_ENV = "MEETINGAPP_API_MAX_UPLOAD"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def max_upload() -> int:
    from meetingapp.api import MAX_UPLOAD_BYTES

    raw = os.environ.get(MAX_UPLOAD_ENV, "").strip()
    if not raw:
        return MAX_UPLOAD_BYTES
    if not raw.isdigit() or int(raw) <= 0:
        raise MeetingAppError(f"{MAX_UPLOAD_ENV}={raw!r}: must be a number of bytes above 0")
    return int(raw)


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from meetingapp.api import create_app, token_path

    if not 0 < args.port < 65536:
        raise MeetingAppError(f"--port {args.port}: must be between 1 and 65535")
    library = Library()
    if args.broker:  # else the app starts (and stops) a local runner itself
        library.engine = runner_for(library, max(1, library.settings().workers), args.broker)
    app = create_app(library, max_upload_bytes=max_upload())
    if not is_loopback(args.host):
        err(
            f"warning: serving on {args.host}, reachable from other machines; "
            "anyone with the token can read and change the library"
        )
    err(
        f"meetingapp API on http://{args.host}:{args.port} (docs at /docs); "
        f"token in {token_path(library.data)}"
    )
    try:
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    finally:
        if library.engine is not None:
            library.engine.shutdown(cancel=True)
            library.engine.close()
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    s = sub.add_parser("serve", help="run the local REST API (docs at /docs)")
    s.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    s.add_argument("--port", type=int, default=8765)
    add_broker_option(s)
    s.set_defaults(func=cmd_serve)
