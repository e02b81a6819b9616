"""Screenshots of what a first-time user meets (issue 17), for docs/screenshots/.

Runs the window offscreen on a throwaway data folder and saves PNGs of: the empty
library, a file dragged over it, the library with a job running (two meetings
already in it), a failed job with its Retry and the problems box, Help → About,
and a meeting's context menu, in US English (the C locale has no date format).
A dialog or menu is drawn onto the window where it opens, as the user sees it.

    QT_QPA_PLATFORM=offscreen python packaging/window_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from PySide6.QtCore import QEventLoop, QLocale, QMimeData, QPoint, Qt, QUrl  # noqa: E402
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QPainter, QPixmap  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from meetingapp.config import Settings  # noqa: E402
from meetingapp.domain.jobs import JobOptions  # noqa: E402
from meetingapp.engine.jobs import JobEvent, JobRunner  # noqa: E402
from meetingapp.engine.whisper_models import FAST_MODEL  # noqa: E402
from meetingapp.ui.main_window import CloseChoice, MainWindow  # noqa: E402
from meetingapp.ui.style import STYLE  # noqa: E402

EVAL = (ROOT.parent / "shared" / "eval").resolve()
#: (clip, title, meeting type, days before today)
MEETINGS = (
    (EVAL / "asr" / "jfk" / "jfk.flac", "Inauguration rehearsal", "review", 2),
    (EVAL / "meeting" / "standup.wav", "Team standup", "standup", 0),
)
RUNNING = EVAL / "long" / "ami_trn_5min.flac"
FAILING = EVAL / "asr" / "lhotse" / "2412-153948-0000.flac"
SIZE = (1200, 760)


def wait_until(app: QApplication, cond: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def settle(app: QApplication) -> None:
    for _ in range(5):
        app.processEvents()
        time.sleep(0.02)


def with_popup(window: QWidget, popup: QWidget, at: QPoint | None = None) -> QPixmap:
    """The window with ``popup`` drawn on it, at ``at`` (window coordinates) or centred."""
    shot = window.grab()
    over = popup.grab()
    if at is None:
        at = QPoint((shot.width() - over.width()) // 2, (shot.height() - over.height()) // 3)
    painter = QPainter(shot)
    painter.drawPixmap(at, over)
    painter.end()
    return shot


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=ROOT / "docs" / "screenshots", type=Path)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="meetingapp-shots-")) / "data"
    os.environ["MEETINGAPP_HOME"] = str(data)
    data.mkdir(parents=True)
    Settings(asr_model=FAST_MODEL, language="en").save(data)

    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedStates))
    app = QApplication(sys.argv[:1])
    app.setStyleSheet(STYLE)
    engine = JobRunner(data)
    window = MainWindow(engine)
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    window.resize(*SIZE)
    window.show()
    settle(app)
    saved: list[Path] = []

    def save(pixmap: QPixmap, name: str) -> None:
        path = args.out / f"{name}.png"
        pixmap.save(str(path))
        saved.append(path)

    save(window.grab(), "library-empty")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(MEETINGS[0][0]))])
    center = window.rect().center()
    copy, left = Qt.DropAction.CopyAction, Qt.MouseButton.LeftButton
    enter = QDragEnterEvent(center, copy, mime, left, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    settle(app)
    save(window.grab(), "library-drag")
    QApplication.sendEvent(window, QDragLeaveEvent())

    events: dict[int, JobEvent] = {}
    window.bridge.job_event.connect(lambda ev: events.__setitem__(ev.job_id, ev))
    queued: dict[str, int] = {}
    window.bridge.import_queued.connect(lambda path, job: queued.__setitem__(path, job))
    today = datetime.now(UTC).replace(hour=9, minute=30, second=0, microsecond=0)
    for clip, title, kind, days in MEETINGS:
        date = (today - timedelta(days=days)).isoformat(timespec="seconds")
        window.bridge.submit([clip], JobOptions(title, kind, "en", FAST_MODEL, date))
    wait_until(app, lambda: len(queued) == len(MEETINGS))
    done = list(queued.values())
    wait_until(app, lambda: all(j in events and events[j].status == "done" for j in done))
    window.queue.clear_finished()
    window.library_page.refresh()

    window.import_paths([RUNNING])
    wait_until(app, lambda: str(RUNNING) in queued)
    running = queued[str(RUNNING)]
    wait_until(app, lambda: (ev := events.get(running)) is not None and ev.progress > 0.1)
    wait_until(app, lambda: bool(window.queue.rows[running].left.text()), timeout=120)
    window.table.selectRow(0)
    window.table.setFocus()
    settle(app)
    save(window.grab(), "library-running")
    window.cancel_job(running)
    wait_until(app, lambda: events[running].status == "cancelled", timeout=120)
    window.queue.clear_finished()

    # a real failure: a job asks for a speech model that is not installed
    window.bridge.submit([FAILING], JobOptions("Planning call", "planning", "en", "large-v9"))
    wait_until(app, lambda: str(FAILING) in queued)
    failing = queued[str(FAILING)]
    wait_until(app, lambda: (ev := events.get(failing)) is not None and ev.status == "failed")
    settle(app)
    box = window.problems.box
    assert box is not None
    save(window.grab(), "error-retry")
    save(with_popup(window, box), "error-retry-problems")
    box.close()

    window.show_about()
    settle(app)
    assert window.info_box is not None
    save(with_popup(window, window.info_box), "help-about")
    window.info_box.close()

    meeting_id = window.library_page.selected_meeting()
    assert meeting_id is not None
    menu = window.library_page.context_menu(meeting_id)
    row = window.table.visualRect(window.proxy.index(0, 0))
    at = window.table.viewport().mapTo(window, row.center() + QPoint(-row.width() // 4, 0))
    menu.popup(window.mapToGlobal(at))
    settle(app)
    save(with_popup(window, menu, at), "library-context-menu")
    menu.close()

    window.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
