"""Model downloads the user asked for: resumable, with progress and sha256.

This is the only place the app touches the network, and only on request.
A partial download is kept as ``NAME.part`` and resumed with an HTTP Range
request; the file is moved into place only after its checksum matches.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.errors import MeetingAppError

CHUNK = 1 << 20
_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class DownloadError(MeetingAppError):
    pass


def sha256_file(path: Path, chunk: int = CHUNK) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while block := f.read(chunk):
            h.update(block)
    return h.hexdigest()


def _server_sha256(headers: dict[str, str]) -> str | None:
    """Hugging Face (LFS) serves a file's sha256 as its linked ETag."""
    for key in ("x-linked-etag", "etag"):
        value = headers.get(key, "").strip('"').lower()
        if _SHA256.match(value):
            return value
    return None


def download(
    url: str,
    dest: Path,
    sha256: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    timeout: float = 30.0,
) -> Path:
    """Fetch ``url`` to ``dest``, resuming a previous partial download.

    The checksum is ``sha256`` when given, else the one the server announces;
    a mismatch deletes the partial file and raises :class:`DownloadError`.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (user-requested)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # already complete
            return _finish(part, dest, sha256, url)
        raise DownloadError(f"{url}: download failed (HTTP {e.code} {e.reason})") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise DownloadError(f"{url}: cannot connect ({reason}); are you online?") from None
    with response:
        headers = {k.lower(): v for k, v in response.headers.items()}
        sha256 = sha256 or _server_sha256(headers)
        if response.status != 206:  # server ignored the range: start over
            have = 0
        total = have + int(headers.get("content-length", 0) or 0)
        mode = "ab" if have else "wb"
        with open(part, mode) as f:
            while block := response.read(CHUNK):
                f.write(block)
                have += len(block)
                if progress is not None and total:
                    progress(min(1.0, have / total))
                if cancel is not None:
                    cancel.check()
            f.flush()
            os.fsync(f.fileno())
    return _finish(part, dest, sha256, url)


def _finish(part: Path, dest: Path, sha256: str | None, url: str) -> Path:
    if sha256 is not None:
        got = sha256_file(part)
        if got != sha256.lower():
            part.unlink(missing_ok=True)
            raise DownloadError(f"{url}: checksum mismatch (expected {sha256}, got {got})")
    os.replace(part, dest)
    return dest
