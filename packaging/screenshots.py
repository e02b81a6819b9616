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
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PySide6.QtCore import Qt
from shots import EVAL, open_window, wait_until

from meetingapp.domain.jobs import JobOptions
from meetingapp.engine.whisper_models import FAST_MODEL
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.settings_dialog import SettingsDialog

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
    demo = open_window((1280, 800), args.model)
    app, window = demo.app, demo.window
    today = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0)
    meetings = []
    for i, (clip, title, kind, weeks) in enumerate(MEETINGS):
        date = (today - timedelta(weeks=weeks, days=i)).isoformat(timespec="seconds")
        meetings.append((clip, JobOptions(title, kind, "en", args.model, date)))
    meeting_of = demo.import_meetings(meetings)
    for clip, *_ in MEETINGS:
        label_from_rttm(window, meeting_of[clip], clip.with_suffix(".rttm"))
    window.queue.clear_finished()
    window.model.refresh()

    window.import_paths([IN_PROGRESS])
    long_job = demo.wait_for_progress(IN_PROGRESS, 0.12)
    window.table.selectRow(0)
    window.grab().save(str(args.out / "library.png"))
    window.cancel_job(long_job)

    window.open_meeting(meeting_of[MEETINGS[0][0]])
    view = window.meeting_view
    wait_until(app, lambda: len(view.waveform.peaks) > 0)
    if view.playable:  # without a sound card playback is off (and says so)
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

    settings = SettingsDialog(window.library, demo.engine.settings, window.pool, window)
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
