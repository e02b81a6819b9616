"""The one chromadb folder of the data folder, shared by voice and search indexes.

Both indexes are derived from SQLite and rebuilt when missing, so this folder
may be deleted at any time — and is, when it turns out damaged: a garbled
``chroma.sqlite3`` would otherwise make every search and import fail inside
chromadb, while a fresh folder is refilled from ``meetings.db``.
"""

from __future__ import annotations

import logging
import shutil
import sqlite3
import threading
from pathlib import Path

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings

log = logging.getLogger(__name__)

_lock = threading.Lock()
#: bumped whenever the folder is started afresh: clients opened before are dead
_generation = 0


def vectors_dir(data: Path) -> Path:
    return data / "vectors"


def generation() -> int:
    """How many times a vectors folder was started afresh in this process; a cached
    client from an earlier generation must be reopened."""
    return _generation


class DamagedIndex(Exception):
    """The chromadb folder cannot be read; it is derived data, so it is rebuilt."""


def chroma_client(data: Path) -> chromadb.ClientAPI:
    """A persistent chromadb client: telemetry off, never an embedding model of its own.

    A damaged folder is discarded and started afresh (with a warning): the
    indexes notice the new folder and rebuild themselves from SQLite."""
    folder = vectors_dir(data)
    with _lock:
        if not folder.exists():
            # chromadb keeps one client per path for the process; if the folder was
            # deleted under it, that client writes into the void: start afresh.
            _forget_clients()
        folder.mkdir(parents=True, exist_ok=True)
        try:
            return _open_checked(folder)
        except Exception as e:  # noqa: BLE001 - chromadb's errors vary (Internal, Value...)
            log.warning(
                "%s: the vector index is damaged (%s); it is rebuilt from meetings.db",
                folder,
                _first_line(e),
            )
            _forget_clients()
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True, exist_ok=True)
            return _open(folder)


def _open(folder: Path) -> chromadb.ClientAPI:
    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
    )


def _open_checked(folder: Path) -> chromadb.ClientAPI:
    """Open the folder and read every collection once, so damage shows here and not
    in the middle of a search or an import."""
    _check_sqlite(folder / "chroma.sqlite3")
    client = _open(folder)
    for col in client.list_collections():
        col.count()
    return client


def _check_sqlite(path: Path) -> None:
    """SQLite's own page check: a garbled page may not show until a query reads it."""
    if not path.is_file():
        return
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            verdict = con.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            con.close()
    except sqlite3.Error as e:
        raise DamagedIndex(str(e)) from None
    if verdict is None or verdict[0] != "ok":
        raise DamagedIndex(verdict[0] if verdict else "no answer to quick_check")


def _forget_clients() -> None:
    global _generation
    SharedSystemClient.clear_system_cache()
    _generation += 1


def _first_line(e: BaseException) -> str:
    return (str(e).strip().splitlines() or [type(e).__name__])[0]
