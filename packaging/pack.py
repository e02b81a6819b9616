"""Append a folder to the launcher: ``pack.py LAUNCHER FOLDER OUTPUT``.

The format is the one packaging/launcher.c reads (see there). Files are zlib-compressed
on all CPUs; the id is a hash of the payload, so a changed build unpacks afresh.
"""

from __future__ import annotations

import hashlib
import os
import stat
import struct
import sys
import zlib
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

LEVEL = int(os.environ.get("MEETINGAPP_PACK_LEVEL", "6"))


def _compress(path: str) -> bytes:
    return zlib.compress(Path(path).read_bytes(), LEVEL)


def _entries(folder: Path) -> list[tuple[int, Path]]:
    """Folders first (parents before children), then links and files, sorted."""
    out: list[tuple[int, Path]] = []
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        here = Path(dirpath)
        for d in dirnames:
            p = here / d
            out.append((2 if p.is_symlink() else 0, p))
        for f in sorted(filenames):
            p = here / f
            out.append((2 if p.is_symlink() else 1, p))
    return out


def pack(launcher: Path, folder: Path, output: Path) -> None:
    entries = _entries(folder)
    files = [str(p) for kind, p in entries if kind == 1]
    digest = hashlib.sha256()
    tmp = output.with_name(output.name + ".part")
    raw_total = 0
    with tmp.open("wb") as out:
        out.write(launcher.read_bytes())
        offset = out.tell()
        with ProcessPoolExecutor(os.cpu_count() or 1) as pool:
            compressed = pool.map(_compress, files, chunksize=4)
            for kind, p in entries:
                rel = p.relative_to(folder).as_posix().encode()
                mode = stat.S_IMODE(p.lstat().st_mode)
                chunk = struct.pack("<BII", kind, mode, len(rel)) + rel
                if kind == 1:
                    data = next(compressed)
                    size = p.stat().st_size
                    raw_total += size
                    chunk += struct.pack("<QQ", size, len(data))
                    digest.update(chunk)
                    digest.update(data)
                    out.write(chunk)
                    out.write(data)
                    continue
                if kind == 2:
                    target = os.readlink(p).encode()
                    chunk += struct.pack("<I", len(target)) + target
                digest.update(chunk)
                out.write(chunk)
        ident = digest.hexdigest()[:32].encode()
        out.write(b"MTGAPAK1" + struct.pack("<QQ", offset, len(entries)) + ident)
        out.write(struct.pack("<Q", raw_total))
    tmp.chmod(0o755)
    tmp.replace(output)
    size = output.stat().st_size / 1e6
    print(f"packed {len(entries)} entries, {raw_total / 1e6:.0f} MB -> {size:.0f} MB")


if __name__ == "__main__":
    pack(Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]))
