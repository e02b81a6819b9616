"""Screenshots of the desktop app for the README and release notes.

Runs the window offscreen on a throwaway data folder, imports evaluation
clips through the same path a drop uses, and saves PNGs of the library with
a job in progress, a meeting (transcript, waveform, speaker timeline and
minutes), search results with an answer, the speakers and action-item pages,
analytics, and the settings dialog. Each diarized speaker is named after the
reference RTTM speaker it overlaps most, with the same "name this speaker"
edit a user would make, so names, colours and voice profiles show.

    QT_QPA_PLATFORM=offscreen python packaging/screenshots.py [OUT_DIR]
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

from PySide6.QtCore import QEventLoop, Qt  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from meetingapp.config import Settings  # noqa: E402
from meetingapp.domain.jobs import JobOptions  # noqa: E402
from meetingapp.engine.jobs import JobEvent, JobRunner  # noqa: E402
from meetingapp.engine.whisper_models import FAST_MODEL  # noqa: E402
from meetingapp.ui.main_window import CloseChoice, MainWindow  # noqa: E402
from meetingapp.ui.settings_dialog import SettingsDialog  # noqa: E402
from meetingapp.ui.style import STYLE  # noqa: E402

EVAL = (ROOT.parent / "shared" / "eval").resolve()
#: (clip, title, meeting type, weeks before today)
MEETINGS = (
    (EVAL / "meeting" / "standup.wav", "Team standup", "standup", 0),
    (EVAL / "diar" / "ami" / "trn00.wav", "Remote control design kickoff", "planning", 1),
    (EVAL / "diar" / "ami" / "trn03.wav", "Design review", "review", 3),
    (EVAL / "diar" / "ami" / "trn06.wav", "Marketing sync", "general", 3),
    (EVAL / "diar" / "ami" / "trn09.wav", "Prototype evaluation", "review", 6),
)
IN_PROGRESS = EVAL / "long" / "ami_trn_5min.flac"
NAMES = ("Alice", "Bob", "Carol", "Dan", "Erin")


def wait_until(app: QApplication, cond: Callable[[], bool], timeout: float = 300) -> None:
    deadline = time.monotonic() + timeout
    while not cond():
        if time.monotonic() > deadline:
            raise TimeoutError("the app did not get there in time")
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
        time.sleep(0.01)


def rttm_turns(path: Path) -> list[tuple[float, float, str]]:
    turns = []
    for line in path.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            turns.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))
    return turns


def label_from_rttm(window: MainWindow, meeting_id: int, rttm: Path) -> None:
    """Name each diarized speaker after the reference speaker it overlaps most."""
    turns = rttm_turns(rttm)
    ids = list(dict.fromkeys(spk for _, _, spk in turns))
    known = set(NAMES)
    name = {spk: spk if spk in known else NAMES[i % len(NAMES)] for i, spk in enumerate(ids)}
    overlap: dict[str | None, dict[str, float]] = {}
    for seg in window.library.segments(meeting_id):
        votes = overlap.setdefault(seg.speaker, {})
        for start, end, spk in turns:
            votes[spk] = votes.get(spk, 0.0) + max(0.0, min(end, seg.end) - max(start, seg.start))
    for speaker in window.library.speakers_of(meeting_id):
        votes = overlap.get(speaker, {})
        if votes and max(votes.values()) > 0:
            window.library.name_speaker(meeting_id, speaker, name[max(votes, key=votes.get)])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="screenshots", type=Path)
    ap.add_argument("--model", default=FAST_MODEL, help="Whisper model to transcribe with")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    data = Path(tempfile.mkdtemp(prefix="meetingapp-shots-")) / "data"
    os.environ["MEETINGAPP_HOME"] = str(data)
    data.mkdir(parents=True)
    Settings(asr_model=args.model, language="en").save(data)

    app = QApplication(sys.argv[:1])
    app.setStyleSheet(STYLE)
    engine = JobRunner(data)
    window = MainWindow(engine)
    window.confirm_close = lambda _n: CloseChoice.CANCEL_JOBS
    window.resize(1280, 800)
    window.show()

    events: dict[int, JobEvent] = {}
    window.bridge.job_event.connect(lambda ev: events.__setitem__(ev.job_id, ev))
    queued: dict[str, int] = {}
    window.bridge.import_queued.connect(lambda path, job: queued.__setitem__(path, job))
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    for i, (clip, title, kind, weeks) in enumerate(MEETINGS):
        date = (today - timedelta(weeks=weeks, days=i)).isoformat(timespec="seconds")
        window.bridge.submit([clip], JobOptions(title, kind, "en", args.model, date))
    wait_until(app, lambda: len(queued) == len(MEETINGS))
    wait_until(
        app,
        lambda: all(events.get(j) and events[j].status == "done" for j in queued.values()),
    )
    meeting_of = {Path(p): events[j].meeting_id for p, j in queued.items()}
    for clip, *_ in MEETINGS:
        meeting_id = meeting_of[clip]
        assert meeting_id is not None
        label_from_rttm(window, meeting_id, clip.with_suffix(".rttm"))
    window.queue.clear_finished()
    window.model.refresh()

    window.import_paths([IN_PROGRESS])
    wait_until(app, lambda: str(IN_PROGRESS) in queued)
    long_job = queued[str(IN_PROGRESS)]
    wait_until(app, lambda: (ev := events.get(long_job)) is not None and ev.progress > 0.12)
    wait_until(app, lambda: bool(window.queue.rows[long_job].left.text()), timeout=120)
    window.table.selectRow(0)
    window.grab().save(str(args.out / "library.png"))
    window.cancel_job(long_job)

    standup = meeting_of[MEETINGS[0][0]]
    assert standup is not None
    window.open_meeting(standup)
    view = window.meeting_view
    wait_until(app, lambda: len(view.waveform.peaks) > 0)
    view.play_from(view.segments[2].start + 0.6)
    wait_until(app, lambda: view.transcript.active_row() is not None, timeout=10)
    app.processEvents()
    view.player.pause()
    minutes = view.minutes
    minutes.regenerate(None, "standup")  # written again with the speakers' names
    wait_until(app, lambda: minutes.regenerate_button.isEnabled(), timeout=120)
    if minutes.action_items():
        minutes.action_items()[0].setCheckState(0, Qt.CheckState.Checked)
    window.grab().save(str(args.out / "meeting.png"))

    window.show_page("Search")
    search = window.search_page
    search.box.setText("tablet keeps crashing")
    search.run_search()
    wait_until(app, lambda: bool(search.hits), timeout=120)
    search.question.setText("Who fixed the crash on the tablets?")
    search.run_ask()
    wait_until(app, lambda: search.answer is not None, timeout=120)
    search.results.setCurrentRow(0)
    app.processEvents()
    window.grab().save(str(args.out / "search.png"))

    window.show_page("Speakers")
    app.processEvents()
    window.grab().save(str(args.out / "speakers.png"))

    window.show_page("Action items")
    window.actions_page.show_filter.setCurrentText("All")
    app.processEvents()
    window.grab().save(str(args.out / "actions.png"))

    window.show_page("Analytics")
    app.processEvents()
    window.grab().save(str(args.out / "analytics.png"))

    settings = SettingsDialog(data, engine.settings, window.pool, window)
    settings.show()
    wait_until(app, lambda: settings.model.count() > 0, timeout=60)
    settings.grab().save(str(args.out / "settings.png"))
    settings.reject()
    window.close()
    for name in ("library", "meeting", "search", "speakers", "actions", "analytics", "settings"):
        print(args.out / f"{name}.png")
    return 0


if __name__ == "__main__":
    sys.exit(main())
