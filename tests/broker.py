"""A real ``redis-server`` on a free loopback port and real ``meetingapp worker``
processes: the parts the scale-out tests and benchmarks/scale_out.py run."""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from api_server import free_port
from evaldata import ROOT


class RedisServer:
    """``redis-server`` with no persistence, in a folder of its own."""

    def __init__(self, folder: Path) -> None:
        exe = shutil.which("redis-server")
        if exe is None:
            raise RuntimeError("redis-server is not installed (packaging/setup.sh test does it)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        folder.mkdir(parents=True, exist_ok=True)
        self._proc = subprocess.Popen(
            [
                exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(folder),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as c:
                    c.sendall(b"PING\r\n")
                    if c.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self._proc.poll() is not None:
                raise RuntimeError(f"redis-server did not start on port {self.port}")
            time.sleep(0.05)

    def stop(self) -> None:
        self._proc.terminate()
        self._proc.wait(10)


class Worker:
    """``meetingapp worker`` in its own process group, its stderr in a log file.

    ``hide`` names folders this worker must not see (a private empty tmpfs over
    each, as on a machine that does not share the submitter's storage);
    ``program`` is what runs ``meetingapp`` (the one-file binary in its tests).
    """

    def __init__(
        self,
        url: str,
        home: Path,
        threads: int = 1,
        hide: tuple[Path, ...] = (),
        program: tuple[str, ...] = (sys.executable, "-m", "meetingapp"),
        env: dict[str, str] | None = None,
    ) -> None:
        home.mkdir(parents=True, exist_ok=True)
        self.log = home / "worker.log"
        command = [
            *program,
            "worker",
            "--broker",
            url,
            "--threads",
            str(threads),
        ]
        if hide:
            mounts = " && ".join(f"mount -t tmpfs none {shlex.quote(str(p))}" for p in hide)
            command = ["unshare", "-m", "sh", "-c", f"{mounts} && exec {shlex.join(command)}"]
        base = os.environ if env is None else env
        environ = {**base, "MEETINGAPP_HOME": str(home), "PYTHONUNBUFFERED": "1"}
        with self.log.open("w") as out:
            self._proc = subprocess.Popen(
                command,
                cwd=ROOT,
                env=environ,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_for("ready on")

    def lines(self, word: str) -> list[str]:
        return [line for line in self.log.read_text().splitlines() if f": {word} " in line]

    def wait_for(self, text: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while text not in self.log.read_text():
            if self._proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"worker never said {text!r}:\n{self.log.read_text()}")
            time.sleep(0.05)

    def kill(self) -> None:
        """SIGKILL, as a crash or a pulled plug: no clean-up runs."""
        os.killpg(self._proc.pid, signal.SIGKILL)
        self._proc.wait(10)

    def stop(self) -> None:
        if self._proc.poll() is None:
            os.killpg(self._proc.pid, signal.SIGTERM)
            try:
                self._proc.wait(20)
            except subprocess.TimeoutExpired:
                self.kill()
