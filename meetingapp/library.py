"""The service layer: one library (a data folder) and every user action on it, once.

The window, the command line and the REST API call this; none of them opens the
database or writes an export on its own, so an action cannot drift into two
behaviours (the window once exported Markdown without the minutes the CLI
included). Connections come from :meth:`Library.connect`, which always closes.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from meetingapp.config import Settings, data_dir
from meetingapp.engine.jobs import Engine
from meetingapp.engine.search_index import remove_meeting
from meetingapp.errors import MeetingAppError
from meetingapp.store.db import open_db
from meetingapp.store.export import MeetingExport, export_filename, render
from meetingapp.store.meetings import delete_meeting, get_meeting, load_segments
from meetingapp.store.minutes import load_minutes


class Library:
    """The user's meetings in one data folder."""

    def __init__(self, data: Path | None = None) -> None:
        self.data = data if data is not None else data_dir()

    # -- settings and connections ------------------------------------------
    def settings(self) -> Settings:
        return Settings.load(self.data)

    def save_settings(self, settings: Settings) -> None:
        settings.save(self.data)

    @contextmanager
    def connect(self) -> Iterator[sqlite_utils.Database]:
        """A connection of its own (one per thread), closed when the block ends."""
        db = open_db(self.data)
        try:
            yield db
        finally:
            db.close()

    @contextmanager
    def runner(self) -> Iterator[Engine]:
        """A job runner for one action (the window keeps its own for its lifetime)."""
        engine = Engine(self.data)
        try:
            yield engine
        finally:
            engine.close()

    # -- jobs -----------------------------------------------------------------
    def cancel_job(self, job_id: int) -> None:
        """Stop a job wherever it runs; its artifacts and stored copy are cleaned up."""
        with self.runner() as engine:
            engine.cancel(job_id)

    # -- meetings ---------------------------------------------------------------
    def delete_meeting(self, meeting_id: int) -> str:
        """Delete a meeting and its search vectors; returns its title."""
        with self.connect() as db:
            title = get_meeting(db, meeting_id).title
            delete_meeting(db, meeting_id, self.data)
            remove_meeting(db, self.data, meeting_id)
        return title

    # -- exports ----------------------------------------------------------------
    def meeting_export(self, meeting_id: int) -> MeetingExport:
        """Everything an export shows: the meeting, its lines and its minutes."""
        with self.connect() as db:
            return MeetingExport(
                get_meeting(db, meeting_id),
                load_segments(db, meeting_id),
                load_minutes(db, meeting_id),
            )

    def export_text(self, meeting_id: int, fmt: str) -> str:
        return render(self.meeting_export(meeting_id), fmt)

    def export_to(self, meeting_id: int, fmt: str, output: str | Path, force: bool = False) -> Path:
        """Write an export to a file, or as ``<title>.<ext>`` into a folder; returns
        the file written. An existing file is replaced only with ``force``."""
        export = self.meeting_export(meeting_id)
        out = _export_path(str(output), export_filename(export.meeting, fmt))
        _write_new(out, render(export, fmt), force=force)
        return out


def _export_path(output: str, filename: str) -> Path:
    """``output`` as given, or ``filename`` inside it when it is a folder."""
    if not output.strip():
        raise MeetingAppError('-o "": the output path is empty (give a file or a folder)')
    out = Path(output).expanduser()
    try:
        folder = out.is_dir()
    except OSError as e:  # a symlink loop, a name too long...
        raise MeetingAppError(f"{out}: cannot write export ({e.strerror})") from None
    return out / filename if folder else out


def _write_new(out: Path, text: str, force: bool) -> None:
    """Write through a temporary file beside ``out``, so a failed write leaves no half
    file; an existing file is only replaced with ``force``, and no ``.tmp`` is left."""
    if not force and (out.exists() or out.is_symlink()):
        raise MeetingAppError(f"{out}: file already exists (use --force to overwrite)")
    # short and unique: ``out.name + ".tmp"`` can be too long where ``out.name`` is not
    stem = out.name.encode("utf-8")[:200].decode("utf-8", "ignore")
    tmp = out.with_name(f".{stem}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        _put_in_place(tmp, out, force)
    except FileExistsError:
        raise MeetingAppError(f"{out}: file already exists (use --force to overwrite)") from None
    except OSError as e:
        raise MeetingAppError(f"{out}: cannot write export ({e.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _put_in_place(tmp: Path, out: Path, force: bool) -> None:
    """Rename ``tmp`` to ``out``; without ``force`` by a hard link, which fails rather
    than replace a file that appeared since the check."""
    if force:
        tmp.replace(out)
        return
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        tmp.replace(out)
