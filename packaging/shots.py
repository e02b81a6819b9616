"""What the screenshot scripts share: the window offscreen on a throwaway library,
demo meetings imported through the window's own import path, and waiting on Qt's
event loop. ``screenshots.py`` (README pictures) and ``window_screenshots.py``
(docs/screenshots/) each had their own copy of this set-up.

Importing it chooses the offscreen platform (read when the QApplication is made)
and puts the checkout on ``sys.path``, so the scripts run from a plain checkout too.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QLocale  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from meetingapp.config import Settings  # noqa: E402
from meetingapp.domain.jobs import JobOptions  # noqa: E402
from meetingapp.engine.jobs import JobEvent, JobRunner  # noqa: E402
from meetingapp.ui.main_window import CloseChoice, MainWindow  # noqa: E402
from meetingapp.ui.style import STYLE  # noqa: E402

#: the evaluation clips (read-only, beside the checkout)
EVAL = (ROOT.parent / "shared" / "eval").resolve()


def wait_until(app: QApplication, cond: Callable[[], bool], timeout: float = 300) -> None:
    """Run the event loop until ``cond()`` holds; TimeoutError after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle(app: QApplication) -> None:
    """A few turns of the event loop, so layouts and queued slots are done."""
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


@dataclass
class Demo:
    """The window on a fresh library, with what its bridge reports: the last event
    per job and the job id of each queued path."""

    app: QApplication
    window: MainWindow
    engine: JobRunner
    data: Path
    events: dict[int, JobEvent] = field(default_factory=dict)
    queued: dict[str, int] = field(default_factory=dict)

    def import_meetings(self, meetings: list[tuple[Path, JobOptions]]) -> dict[Path, int]:
        """Import each clip with its options as a drop would, wait until all are
        transcribed, and return each clip's meeting id."""
        for clip, options in meetings:
            self.window.bridge.submit([clip], options)
        clips = [str(clip) for clip, _ in meetings]
        wait_until(self.app, lambda: all(c in self.queued for c in clips))
        jobs = [self.queued[c] for c in clips]
        wait_until(
            self.app,
            lambda: all(j in self.events and self.events[j].status == "done" for j in jobs),
        )
        ids: dict[Path, int] = {}
        for c in clips:
            meeting_id = self.events[self.queued[c]].meeting_id
            assert meeting_id is not None, f"{c}: done, yet no meeting"
            ids[Path(c)] = meeting_id
        return ids

    def wait_for_progress(self, clip: Path, progress: float) -> int:
        """Wait until the job of ``clip`` is past ``progress`` and shows its time left;
        its job id."""
        wait_until(self.app, lambda: str(clip) in self.queued)
        job = self.queued[str(clip)]
        wait_until(
            self.app, lambda: (ev := self.events.get(job)) is not None and ev.progress > progress
        )
        wait_until(self.app, lambda: bool(self.window.queue.rows[job].left.text()), timeout=120)
        return job


def open_window(size: tuple[int, int], model: str, us_english: bool = False) -> Demo:
    """The window, shown at ``size``, on a new data folder set to ``model``.

    ``us_english`` shows dates as a US user sees them (the C locale of a bare
    machine has no date format of its own). Closing it cancels running jobs.
    """
    data = Path(tempfile.mkdtemp(prefix="meetingapp-shots-")) / "data"
    os.environ["MEETINGAPP_HOME"] = str(data)
    data.mkdir(parents=True)
    Settings(asr_model=model, language="en").save(data)
    if us_english:
        QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(STYLE)
    engine = JobRunner(data)
    window = MainWindow(engine)
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    window.resize(*size)
    window.show()
    settle(app)
    demo = Demo(app, window, engine, data)
    window.bridge.job_event.connect(lambda ev: demo.events.__setitem__(ev.job_id, ev))
    window.bridge.import_queued.connect(lambda path, job: demo.queued.__setitem__(path, job))
    return demo
