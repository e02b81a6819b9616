"""Keep a pristine copy of each imported recording, named by its sha256.

The user's file is only ever read. The copy is written to a temporary name
and renamed into place, so a crash or a full disk never leaves a half copy
that looks complete.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path

from meetingapp.errors import BadInputError, StoreError

CHUNK = 1 << 20
#: Free space to keep beyond the copy itself, for the database and temp files.
SPARE_BYTES = 50 << 20


def originals_dir(data: Path) -> Path:
    return data / "originals"


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    try:
        with open(path, "rb") as f:
            while block := f.read(CHUNK):
                h.update(block)
    except OSError as e:
        raise BadInputError(path, f"cannot read ({e.strerror})") from None
    return h.hexdigest()


def store_original(path: Path, sha256: str, data: Path, move: bool = False) -> Path:
    """Copy ``path`` into the data folder (once per content) and return the copy.

    ``move`` is for the app's own recordings: they move in instead of being copied.
    """
    folder = originals_dir(data)
    dest = folder / f"{sha256}{path.suffix.lower()}"
    if dest.exists():
        if move:
            path.unlink()
        return dest
    try:
        folder.mkdir(parents=True, exist_ok=True)
        free = shutil.disk_usage(folder).free
    except OSError as e:
        raise StoreError(f"{folder}: cannot write to the data folder ({e.strerror})") from None
    size = path.stat().st_size
    if free < size + SPARE_BYTES:
        raise StoreError(
            f"{folder}: not enough free disk space to import {path.name} "
            f"({size / 1e6:.0f} MB needed, {free / 1e6:.0f} MB free)"
        )
    tmp = dest.with_name(dest.name + ".tmp")
    try:
        if move and path.stat().st_dev == folder.stat().st_dev:
            os.chmod(path, 0o444)
            os.replace(path, dest)
            return dest
        shutil.copyfile(path, tmp)
        os.chmod(tmp, 0o444)
        os.replace(tmp, dest)
        if move:
            path.unlink()
    except OSError as e:
        tmp.unlink(missing_ok=True)
        raise StoreError(f"{folder}: cannot copy {path.name} ({e.strerror})") from None
    return dest
