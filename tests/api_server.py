"""A real ``python -m meetingapp serve`` in another process on a free port, and the
server-sent events it streams, for the API tests (the API's own, the live recording's)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from evaldata import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, home: Path, url: str, proc: subprocess.Popen[bytes]) -> None:
        self.home = home
        self.url = url
        self.proc = proc

    @property
    def token(self) -> str:
        return (self.home / "api_token").read_text(encoding="utf-8").strip()

    def client(self, token: str | None = "") -> httpx.Client:
        """A client sending the server's token (``None``: no token, else that one)."""
        token = self.token if token == "" else token
        headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


@contextmanager
def serve(
    home: Path, env: dict[str, str] | None = None, args: tuple[str, ...] = ()
) -> Iterator[Server]:
    """The server on ``home`` (the data folder) with ``serve ARGS`` until the block ends;
    its output goes to ``server.log`` beside ``home``."""
    port = free_port()
    log_path = home.parent / "server.log"
    log = log_path.open("wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "meetingapp", "serve", "--port", str(port), *args],
        cwd=ROOT,
        env={**os.environ, "MEETINGAPP_HOME": str(home), **(env or {})},
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            if httpx.get(f"{url}/health", timeout=2).status_code == 200:
                break
        except httpx.TransportError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            proc.kill()
            pytest.fail("the server did not start: " + log_path.read_text())
        time.sleep(0.2)
    try:
        yield Server(home, url, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@dataclass
class Sse:
    """One server-sent event as a client reads it."""

    kind: str
    data: dict[str, Any]
    id: str | None
    #: ``time.monotonic()`` when it arrived
    at: float


def sse_events(response: httpx.Response) -> Iterator[Sse]:
    """The events of a streaming response, as they arrive."""
    kind, data, event_id = "message", "", None
    for line in response.iter_lines():
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: "):
            data = line.removeprefix("data: ")
        elif line.startswith("id: "):
            event_id = line.removeprefix("id: ")
        elif not line and data:
            yield Sse(kind, json.loads(data), event_id, time.monotonic())
            kind, data, event_id = "message", "", None
