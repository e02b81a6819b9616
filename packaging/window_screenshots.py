"""Screenshots of what a first-time user meets (issue 17), for docs/screenshots/.

Runs the window offscreen on a throwaway data folder and saves PNGs of: the empty
library, a file dragged over it, the library with a job running (two meetings
already in it), a failed job with its Retry and the problems box, Help → About,
a meeting's context menu, the standup's meeting view at 1024×700 and 1600×1000
(two of its three voices named: the legend and the waveform write each name
beside its colour), and Analytics, where talk time counts named people only and
says how much talk by unnamed voices it leaves out (each meeting has its own
"Speaker 1"). US English dates (the C locale has no date format). A dialog or
menu is drawn onto the window where it opens, as the user sees it.

    QT_QPA_PLATFORM=offscreen python packaging/window_screenshots.py [OUT_DIR]
"""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import QMimeData, QPoint, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDragLeaveEvent, QPainter, QPixmap
from PySide6.QtWidgets import QApplication, QWidget
from shots import EVAL, ROOT, open_window, settle, wait_until

from meetingapp.domain.jobs import JobOptions
from meetingapp.engine.whisper_models import FAST_MODEL

#: (clip, title, meeting type, days before today)
MEETINGS = (
    (EVAL / "asr" / "jfk" / "jfk.flac", "Inauguration rehearsal", "review", 2),
    (EVAL / "meeting" / "standup.wav", "Team standup", "standup", 0),
)
RUNNING = EVAL / "long" / "ami_trn_5min.flac"
FAILING = EVAL / "asr" / "lhotse" / "2412-153948-0000.flac"
SIZE = (1200, 760)
#: the standup's voices a user has named (what they say gives them away); Speaker 1
#: stays unnamed, like JFK's Speaker 1: two strangers Analytics must not add up
STANDUP_NAMES = {"Speaker 2": "Tom", "Speaker 3": "Carol"}


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
    demo = open_window(SIZE, FAST_MODEL, us_english=True)
    app, window = demo.app, demo.window
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

    today = datetime.now(UTC).replace(hour=9, minute=30, second=0, microsecond=0)
    meetings = []
    for clip, title, kind, days in MEETINGS:
        date = (today - timedelta(days=days)).isoformat(timespec="seconds")
        meetings.append((clip, JobOptions(title, kind, "en", FAST_MODEL, date)))
    meeting_of = demo.import_meetings(meetings)
    window.queue.clear_finished()
    window.library_page.refresh()

    window.import_paths([RUNNING])
    running = demo.wait_for_progress(RUNNING, 0.1)
    window.table.selectRow(0)
    window.table.setFocus()
    settle(app)
    save(window.grab(), "library-running")
    window.cancel_job(running)
    wait_until(app, lambda: demo.events[running].status == "cancelled", timeout=120)
    window.queue.clear_finished()

    # a real failure: a job asks for a speech model that is not installed
    window.bridge.submit([FAILING], JobOptions("Planning call", "planning", "en", "large-v9"))
    wait_until(app, lambda: str(FAILING) in demo.queued)
    failing = demo.queued[str(FAILING)]
    wait_until(app, lambda: (ev := demo.events.get(failing)) is not None and ev.status == "failed")
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

    standup = meeting_of[MEETINGS[1][0]]
    for label, name in STANDUP_NAMES.items():
        window.library.name_speaker(standup, label, name)
    window.open_meeting(standup)
    view = window.meeting_view
    wait_until(app, lambda: len(view.waveform.peaks) > 0)
    view.minutes.regenerate(None, "standup")  # written again with the names
    wait_until(app, lambda: view.minutes.regenerate_button.isEnabled(), timeout=120)
    window.statusBar().clearMessage()  # the failed job's line, long since dealt with
    for width, height in ((1024, 700), (1600, 1000)):
        window.resize(width, height)
        settle(app)
        save(window.grab(), f"meeting-view-{width}x{height}")

    window.resize(*SIZE)
    window.show_page("Analytics")
    settle(app)
    save(window.grab(), "analytics")

    window.close()
    for path in saved:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
