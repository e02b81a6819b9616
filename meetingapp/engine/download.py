"""Model downloads the user asked for: resumable, with progress and sha256.

This is the only place the app touches the network, and only on request.
A partial download is kept as ``NAME.part`` and resumed with an HTTP Range
request; the file is moved into place only when it is complete (as long as the
server said) and its checksum matches, or, without a known checksum, when the
caller's ``check`` of its contents passes.
"""

from __future__ import annotations

import hashlib
import os
import re
import urllib.error
import urllib.request
from collections.abc import Callable
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
    check: Callable[[Path], None] | None = None,
) -> Path:
    """Fetch ``url`` to ``dest``, resuming a previous partial download.

    The checksum is ``sha256`` when given, else the one the server announces;
    a mismatch deletes the partial file and raises :class:`DownloadError`.
    ``check(part)`` may inspect the finished file (e.g. a format's header) and
    raise :class:`DownloadError`, which deletes it too. A connection that ends
    early keeps the partial file, so the next call resumes it.
    """
    dest.parent.mkdir(parents=True, exist_ok=True)
    part = dest.with_name(dest.name + ".part")
    have = part.stat().st_size if part.exists() else 0
    request = urllib.request.Request(url, headers={"Range": f"bytes={have}-"} if have else {})
    try:
        response = urllib.request.urlopen(request, timeout=timeout)  # noqa: S310 (user-requested)
    except urllib.error.HTTPError as e:
        if e.code == 416 and have:  # already complete
            return _finish(part, dest, sha256, url, check)
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
        lost: OSError | None = None
        with open(part, mode) as f:
            try:
                while block := response.read(CHUNK):
                    f.write(block)
                    have += len(block)
                    if progress is not None and total:
                        progress(min(1.0, have / total))
                    if cancel is not None:
                        cancel.check()
            except OSError as e:  # a timeout or reset mid-file: keep what arrived
                lost = e
            f.flush()
            os.fsync(f.fileno())
    if lost is not None or have < total:
        why = f" ({lost})" if lost is not None else ""
        raise DownloadError(
            f"{url}: the connection ended after {have} of {total or '?'} bytes{why}; "
            "run the download again to resume it"
        )
    return _finish(part, dest, sha256, url, check)


def _finish(
    part: Path, dest: Path, sha256: str | None, url: str, check: Callable[[Path], None] | None
) -> Path:
    if sha256 is not None:
        got = sha256_file(part)
        if got != sha256.lower():
            part.unlink(missing_ok=True)
            raise DownloadError(f"{url}: checksum mismatch (expected {sha256}, got {got})")
    if check is not None:
        try:
            check(part)
        except DownloadError:
            part.unlink(missing_ok=True)
            raise
    os.replace(part, dest)
    return dest
