"""How long the GUI thread stalls while the window processes real recordings.

A 10 ms QTimer runs on the GUI thread while a clip is imported, transcribed
and shown; the gaps between its ticks are the stalls a user would feel.

    QT_QPA_PLATFORM=offscreen python benchmarks/ui_responsiveness.py [CLIP ...]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
from PySide6.QtCore import QEventLoop, QTimer  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from meetingapp.config import Settings  # noqa: E402
from meetingapp.engine.jobs import JobEvent, JobRunner  # noqa: E402
from meetingapp.engine.whisper_models import FAST_MODEL  # noqa: E402
from meetingapp.ui.main_window import CloseChoice, MainWindow  # noqa: E402

EVAL = (ROOT.parent / "shared" / "eval").resolve()
CLIPS = (EVAL / "asr" / "jfk" / "jfk.flac", EVAL / "meeting" / "standup.wav")


class Ticker:
    """Records the gaps between ticks of a 10 ms timer on the GUI thread."""

    def __init__(self) -> None:
        self.gaps: list[float] = []
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.gaps.append(now - self.last)
        self.last = now

    def __enter__(self) -> Ticker:
        self.start = self.last = time.perf_counter()
        self.timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.timer.stop()
        self.seconds = time.perf_counter() - self.start


def report(clip: Path, phase: str, t: Ticker) -> None:
    g = np.array(t.gaps or [0.0]) * 1000
    print(
        f"{clip.name:<28} {phase:<8} {t.seconds:8.1f} {len(t.gaps):6d} "
        f"{g.max():11.1f} {np.percentile(g, 99):8.1f}"
    )


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("clips", nargs="*", type=Path, default=list(CLIPS))
    ap.add_argument("--model", default=FAST_MODEL)
    args = ap.parse_args()
    data = Path(tempfile.mkdtemp(prefix="meetingapp-bench-")) / "data"
    data.mkdir(parents=True)
    os.environ["MEETINGAPP_HOME"] = str(data)
    Settings(asr_model=args.model).save(data)
    app = QApplication(sys.argv[:1])
    window = MainWindow(JobRunner(data))
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    window.show()
    with Ticker() as starting:
        ready: list[bool] = []
        window.warmed_up.connect(lambda: ready.append(True))
        window.start()
        while not ready:
            app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
    print(f"{'clip':<28} {'phase':<8} {'seconds':>8} {'ticks':>6} {'max gap ms':>11} {'p99 ms':>8}")
    report(Path("(models)"), "warm-up", starting)
    for clip in args.clips:
        finished: list[JobEvent] = []
        window.bridge.job_event.connect(
            lambda ev, f=finished: f.append(ev) if ev.status in ("done", "failed") else None
        )
        with Ticker() as processing:
            window.import_paths([clip])
            while not finished:
                app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
        report(clip, "process", processing)
        if finished[0].meeting_id is not None:
            with Ticker() as opening:
                window.open_meeting(finished[0].meeting_id)
                end = time.perf_counter() + 1.0
                while time.perf_counter() < end:
                    app.processEvents(QEventLoop.ProcessEventsFlag.WaitForMoreEvents, 50)
            report(clip, "open", opening)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
