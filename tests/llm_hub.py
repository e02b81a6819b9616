"""A loopback stand-in for the Hugging Face hub serving GGUF files: Range requests,
an optional early hang-up and an optional slow pace (to cancel a download midway)."""

from __future__ import annotations

import http.server
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from meetingapp.engine.llm_models import LlmSpec


def gguf_bytes(size: int) -> bytes:
    """A file that starts like a GGUF model (the header is all the app checks)."""
    return b"GGUF" + os.urandom(size - 4)


@dataclass
class Hub:
    url: str
    #: URL path -> content
    files: dict[str, bytes] = field(default_factory=dict)
    #: Range headers received, in order
    ranges: list[str] = field(default_factory=list)
    #: send only this many bytes of the next answer, then hang up
    cut_after: int | None = None
    #: seconds to wait after each 64 KiB sent
    pace: float = 0.0

    def serve(self, spec: LlmSpec, content: bytes) -> None:
        self.files[f"/{spec.repo}/resolve/{spec.revision}/{spec.file}"] = content


@contextmanager
def running_hub() -> Iterator[Hub]:
    hub = Hub("")

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 (http.server API)
            data = hub.files.get(self.path)
            if data is None:
                self.send_error(404)
                return
            start = 0
            if rng := self.headers.get("Range"):
                hub.ranges.append(rng)
                start = int(rng.split("=")[1].split("-")[0])
            self.send_response(206 if start else 200)
            self.send_header("Content-Length", str(len(data) - start))
            self.end_headers()
            body = data[start:]
            if hub.cut_after is not None:
                body, hub.cut_after = body[: hub.cut_after], None
            for i in range(0, len(body), 1 << 16):
                try:
                    self.wfile.write(body[i : i + (1 << 16)])
                except OSError:  # the client cancelled
                    return
                time.sleep(hub.pace)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    hub.url = f"http://127.0.0.1:{server.server_port}"
    try:
        yield hub
    finally:
        server.shutdown()
        server.server_close()
