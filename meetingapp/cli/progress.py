"""Progress on stderr, one way for every command: a bar per job, a percentage per step."""

from __future__ import annotations

import sys
import threading
import time

from meetingapp.domain.times import clock
from meetingapp.engine.jobs import JobEvent


def err(message: str) -> None:
    print(f"meetingapp: {message}", file=sys.stderr)


class ProgressBar:
    """One line per job on stderr; redrawn in place on a terminal."""

    def __init__(self, names: dict[int, str] | None = None) -> None:
        self.names = names if names is not None else {}
        self.tty = sys.stderr.isatty()
        self.started: dict[int, float] = {}
        self.last: dict[int, tuple[str | None, int]] = {}
        self.lock = threading.Lock()

    def __call__(self, ev: JobEvent) -> None:
        with self.lock:
            start = self.started.setdefault(ev.job_id, time.monotonic())
            pct = int(ev.progress * 100)
            if not self.tty and self.last.get(ev.job_id) == (ev.stage, pct // 10):
                return
            self.last[ev.job_id] = (ev.stage, pct // 10)
            name = self.names.get(ev.job_id, f"job {ev.job_id}")
            bar = "#" * (pct // 5) + "-" * (20 - pct // 5)
            elapsed = time.monotonic() - start
            eta = ""
            if 0.02 < ev.progress < 1:
                eta = f" ~{clock(elapsed / ev.progress - elapsed)} left"
            stage = ev.stage or ev.status
            line = f"{name} [{bar}] {pct:3d}% {stage}{eta}"
            if self.tty:
                end = "\n" if ev.status in ("done", "failed", "cancelled") else ""
                print(f"\r\033[K{line}", end=end, file=sys.stderr, flush=True)
            else:
                print(line, file=sys.stderr, flush=True)


class Percent:
    """``label: NN%`` redrawn in place on stderr; :meth:`end` finishes the line if one
    was drawn. It is a ``ProgressFn``: pass it where progress is reported."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.drawn = False

    def __call__(self, fraction: float) -> None:
        self.drawn = True
        print(f"\r{self.label}: {int(fraction * 100):3d}%", end="", file=sys.stderr, flush=True)

    def end(self) -> None:
        if self.drawn:
            print(file=sys.stderr)
