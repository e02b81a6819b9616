"""Open the meeting database: WAL, foreign keys, versioned migrations.

SQLite is the source of truth for everything derived (search index, voice
vectors). Before a migration touches an existing database a backup copy is
made, so a failed upgrade never costs the user their meetings.
"""

from __future__ import annotations

import sqlite3
import tempfile
from pathlib import Path

import sqlite_utils

from meetingapp.errors import StoreError
from meetingapp.store.backups import backup_to, backups_dir, list_backups
from meetingapp.store.migrations import MIGRATIONS

DB_NAME = "meetings.db"


def is_sqlite_int(n: int) -> bool:
    """Whether SQLite can hold ``n``: a larger id cannot name a row, and binding it raises."""
    return -(2**63) <= n < 2**63


def describe_db_error(path: Path, e: sqlite3.Error) -> str:
    text = str(e)
    if "not a database" in text or "malformed" in text or "corrupt" in text:
        return (
            f"{path}: the database is corrupt ({text}). Your recordings are untouched in "
            f"{path.parent / 'originals'}; move the database aside or restore a backup."
        )
    if "disk is full" in text or "disk I/O" in text:
        return f"{path}: cannot write ({text}); free some disk space and try again"
    if "readonly" in text:
        return (
            f"{path}: the data folder is read-only, so nothing can be changed or added"
            " (viewing, searching and exporting still work)"
        )
    if "unable to open" in text:
        return f"{path}: cannot open the database for writing ({text})"
    return f"{path}: database error ({text})"


def check_intact(db: sqlite_utils.Database, path: Path) -> None:
    """Refuse to write into a damaged database: a new meeting written beside broken
    pages or indexes may be lost with them, or make the damage worse."""
    verdict = [r[0] for r in db.execute("PRAGMA integrity_check(1)").fetchall()]
    if verdict == ["ok"]:
        return
    backups = list_backups(path.parent)
    restore = f"copy the backup {backups[0]} over it" if backups else "restore a backup"
    raise StoreError(
        f"{path}: the database is damaged (integrity check: {verdict[0] if verdict else '?'});"
        f" nothing was added. Your recordings are untouched in {path.parent / 'originals'};"
        f" recover with `sqlite3 {path} .recover | sqlite3 recovered.db`, then put"
        f" recovered.db in place of {path.name} (or {restore})"
    )


def schema_version(db: sqlite_utils.Database) -> int:
    return db.execute("PRAGMA user_version").fetchone()[0]


def migrate(db: sqlite_utils.Database, path: Path | None) -> None:
    current = schema_version(db)
    pending = [(v, sql) for v, sql in MIGRATIONS if v > current]
    if not pending:
        return
    if current > 0 and path is not None:
        backup_to(db.conn, backups_dir(path.parent) / f"meetings-before-v{pending[0][0]}.db")
    for version, sql in pending:
        with db.conn:
            db.conn.executescript(f"BEGIN; {sql}; PRAGMA user_version = {version}; COMMIT;")


def open_db(data: Path) -> sqlite_utils.Database:
    """Open (creating if needed) the database in the data folder.

    A data folder the user can only read (a read-only disk, a backup mount) is
    opened read-only: listing, showing, searching and exporting still work, and
    anything that would write says why it cannot.
    """
    try:
        data.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise StoreError(f"{data}: cannot create the data folder ({e.strerror})") from None
    path = data / DB_NAME
    try:
        db = _open_for_writing(path) if writable(data) else _open_read_only(path)
    except sqlite3.Error as e:
        raise StoreError(describe_db_error(path, e)) from None
    if schema_version(db) > MIGRATIONS[-1][0]:
        raise StoreError(f"{path}: made by a newer meetingapp (schema {schema_version(db)})")
    return db


def writable(data: Path) -> bool:
    """Whether files can be made in the folder (SQLite's WAL needs its side files)."""
    try:
        tempfile.TemporaryFile(dir=data).close()
    except OSError:
        return False
    return True


def _open_for_writing(path: Path) -> sqlite_utils.Database:
    conn = sqlite3.connect(path, timeout=30, check_same_thread=False)
    db = sqlite_utils.Database(conn)
    db.execute("PRAGMA foreign_keys = ON")
    if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
        db.execute("PRAGMA journal_mode = WAL")
    db.execute("PRAGMA synchronous = NORMAL")
    migrate(db, path)
    return db


def _open_read_only(path: Path) -> sqlite_utils.Database:
    """Open without writing anything, not even WAL side files: nothing else can
    write to a folder this process cannot write to either."""
    if not path.exists():
        raise StoreError(f"{path.parent}: the data folder is read-only and holds no meetings")
    uri = f"{path.resolve().as_uri()}?mode=ro&immutable=1"
    db = sqlite_utils.Database(sqlite3.connect(uri, uri=True, check_same_thread=False))
    if schema_version(db) < MIGRATIONS[-1][0]:
        raise StoreError(
            f"{path}: made by an older meetingapp and the data folder is read-only, so it"
            " cannot be upgraded; open it once from a writable folder"
        )
    return db
