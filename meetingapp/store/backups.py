"""Rolling backups of the meeting database, so a damaged or badly upgraded
database can be put back to yesterday's state instead of being lost.

A copy is taken once a day, before the first write of that day (and only from a
database that passed its integrity check, so a damaged one never pushes a good
copy out), and before every schema migration. SQLite's online backup API is used,
not a file copy: the database runs in WAL mode, and a copied file would miss the
transactions still in its ``-wal`` file.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import date
from pathlib import Path

log = logging.getLogger(__name__)

BACKUP_DIR = "backups"
#: How many daily copies are kept (migration copies are never pruned).
KEEP_DAILY = 7
DAILY_PREFIX = "meetings-daily-"


def backups_dir(data: Path) -> Path:
    return data / BACKUP_DIR


def list_backups(data: Path) -> list[Path]:
    """Every backup, newest first."""
    folder = backups_dir(data)
    if not folder.is_dir():
        return []
    return sorted(folder.glob("meetings-*.db"), key=lambda p: p.stat().st_mtime, reverse=True)


def backup_to(conn: sqlite3.Connection, dest: Path) -> Path:
    """A consistent copy of the open database at ``dest`` (written aside, then renamed,
    so a full disk leaves no half copy that looks like a backup)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(dest.name + ".tmp")
    target = sqlite3.connect(tmp)
    try:
        conn.backup(target)
    finally:
        target.close()
    os.replace(tmp, dest)
    return dest


def daily_backup(conn: sqlite3.Connection, data: Path, today: date | None = None) -> Path | None:
    """Take today's copy unless there is one; prune the oldest daily copies. A backup
    that cannot be written (full disk) is a warning: it must not stop the user's work."""
    stamp = (today or date.today()).isoformat()
    dest = backups_dir(data) / f"{DAILY_PREFIX}{stamp}.db"
    if dest.exists():
        return None
    try:
        backup_to(conn, dest)
    except (OSError, sqlite3.Error) as e:
        dest.with_name(dest.name + ".tmp").unlink(missing_ok=True)
        log.warning("%s: no backup today (%s)", dest, e)
        return None
    dailies = sorted(backups_dir(data).glob(f"{DAILY_PREFIX}*.db"), reverse=True)
    for old in dailies[KEEP_DAILY:]:
        old.unlink(missing_ok=True)
    return dest
