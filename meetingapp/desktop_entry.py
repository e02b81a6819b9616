"""Entry point of the one-file binary (``packaging/build.sh``), also usable from a checkout.

``meetingapp`` alone opens the window and any arguments are the command line
(``meetingapp.cli``), as with ``./run.sh``. A few commands are answered here, before
the engine is imported, so they are quick:

- ``--version``;
- ``install-desktop`` / ``uninstall-desktop``: a menu entry and icon for this user
  (``~/.local/share/applications``, ``~/.local/share/icons``), offered in "Open with"
  for audio and video files;
- ``open FILE...``: the window, with the files queued for transcription (what the menu
  entry runs).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from meetingapp import __version__

APP_ID = "meetingapp"
MIME_TYPES = [
    *("audio/" + t for t in ("aac", "flac", "mp4", "mpeg", "ogg", "opus", "wav", "webm")),
    *("audio/x-" + t for t in ("flac", "m4a", "matroska", "ms-wma", "vorbis+ogg", "wav")),
    *("video/" + t for t in ("mp4", "mpeg", "ogg", "quicktime", "webm")),
    *("video/x-" + t for t in ("matroska", "msvideo")),
]
EXTRA_COMMANDS = """
commands of the desktop binary:
  open FILE...          open the window and transcribe the files
  install-desktop       add a menu entry and icon for this user ("Open with" for audio/video)
  uninstall-desktop     remove them again
  --version             print the version"""


def executable() -> Path:
    """The file the user started: the one-file binary (its launcher names itself in
    ``MEETINGAPP_BINARY``), the frozen folder's executable, or the checkout's run.sh."""
    outer = os.environ.get("MEETINGAPP_BINARY")
    if outer:
        return Path(outer)
    if getattr(sys, "frozen", False):
        return Path(sys.executable)
    return Path(__file__).resolve().parents[1] / "run.sh"


def icon_source(kind: str) -> Path:
    from meetingapp.resources import resource_path

    return resource_path("icons", f"{APP_ID}.{kind}")


def desktop_entry(exe: Path, icon: str = APP_ID) -> str:
    """The freedesktop.org menu entry; Exec quotes the path as the spec asks."""
    quoted = '"' + str(exe).replace("\\", "\\\\").replace('"', '\\"') + '"'
    return "\n".join(
        [
            "[Desktop Entry]",
            "Type=Application",
            "Version=1.5",
            "Name=Meetings",
            "GenericName=Meeting transcription",
            "Comment=Transcribe, search and summarise meetings on this computer",
            f"Exec={quoted} open %F",
            f"TryExec={exe}",
            f"Icon={icon}",
            "Terminal=false",
            "Categories=AudioVideo;Audio;Office;",
            "Keywords=transcription;meeting;minutes;whisper;speech;",
            "MimeType=" + ";".join(MIME_TYPES) + ";",
            "StartupNotify=true",
            f"StartupWMClass={APP_ID}",
            "",
        ]
    )


def _share() -> Path:
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")


def _installed() -> list[Path]:
    icons = _share() / "icons" / "hicolor"
    return [
        _share() / "applications" / f"{APP_ID}.desktop",
        icons / "scalable" / "apps" / f"{APP_ID}.svg",
        icons / "256x256" / "apps" / f"{APP_ID}.png",
    ]


def _refresh() -> None:
    """Let the menu and the icon theme see the change (the tools are optional)."""
    share = _share()
    for cmd in (
        ["update-desktop-database", str(share / "applications")],
        ["gtk-update-icon-cache", "-q", "-t", str(share / "icons" / "hicolor")],
    ):
        if shutil.which(cmd[0]):
            subprocess.run(cmd, check=False, capture_output=True)


def install_desktop() -> int:
    entry, svg, png = _installed()
    for path in (entry, svg, png):
        path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(icon_source("svg"), svg)
    shutil.copyfile(icon_source("png"), png)
    entry.write_text(desktop_entry(executable()), encoding="utf-8")
    _refresh()
    print(f"installed {entry}")
    return 0


def uninstall_desktop() -> int:
    for path in _installed():
        if path.exists():
            path.unlink()
            print(f"removed {path}")
    _refresh()
    return 0


def open_files(paths: list[str]) -> int:
    from meetingapp.cli import main as cli_main

    if not paths:
        return cli_main(["gui"])
    from meetingapp.cli import load_window
    from meetingapp.errors import MeetingAppError

    try:
        run_app = load_window()
    except MeetingAppError as e:
        print(e, file=sys.stderr)
        return 1
    return run_app(sys.argv[:1], [Path(p) for p in paths])


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    first = args[0] if args else None
    if first in ("--version", "-V", "version"):
        print(f"meetingapp {__version__}")
        return 0
    if first == "install-desktop":
        return install_desktop()
    if first == "uninstall-desktop":
        return uninstall_desktop()
    if first == "open":
        return open_files(args[1:])
    from meetingapp.cli import main as cli_main

    if first in ("-h", "--help"):
        with contextlib.suppress(SystemExit):  # argparse exits after printing help
            cli_main(args)
        print(EXTRA_COMMANDS)
        return 0
    return cli_main(args)


if __name__ == "__main__":
    import multiprocessing

    multiprocessing.freeze_support()
    sys.exit(main())
