"""Screenshots of the minutes panel, for issue 15: the eval standup and one meeting of
the "unseen" scripted set (the newsroom conference), as a new user would see them.

Why: the minutes are judged by how they read in the window, not only by the
benchmark's numbers, and the picture should come from the real path a user takes:
each clip imported through the window's own import path (Whisper ``base`` by
default, diarization, minutes), each voice given the name of the reference
speaker it overlaps most (``screenshots.label_from_rttm``, the "name this speaker"
edit a user makes), the minutes regenerated so owners read as names, then the
meeting opened with the minutes panel widened to be legible at 1280x800. Where
summary, decisions, action items and topics do not all fit, the highlights (then
the key points) are folded, as a double-click on their head does, rather than
scrolling the summary away. Nothing in the app or its minutes rules is changed;
all of it goes through the widgets.

The newsroom meeting is synthesised from its script with espeak-ng the way
``tests/minutes_data.py`` does it (``minutes_data.synthesise``); a copy the
benchmark left in ``--cache`` (``benchmarks/minutes.py --work``) is used if it is
there and whole, so the picture shows the same audio the benchmark scored.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/minutes_screenshots.py \\
        [OUT_DIR] [--model base] [--cache /tmp/unseen_work] [--work DIR]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import wave
from datetime import UTC, date, datetime
from pathlib import Path

import screenshots
from PySide6.QtCore import Qt
from shots import EVAL, ROOT, Demo, open_window, settle, wait_until

from meetingapp.domain.jobs import JobOptions
from meetingapp.engine.whisper_models import DEFAULT_MODEL
from meetingapp.ui.minutes_panel import MinutesPanel
from tests import minutes_data

SIZE = (1280, 800)
STANDUP = EVAL / "meeting" / "standup.wav"
NEW_MEETING = "newsroom_conference"
#: the minutes panel's share of the transcript/minutes split (it is half by default)
MINUTES_SHARE = 0.62
#: sections folded (as a double-click on their head does), in this order, only while
#: the topics at the bottom do not fit: they repeat lines of the transcript
FOLDABLE = ("Highlights", "Key points")


def meeting_time(day: date) -> str:
    """The meeting's date as the import dialog stores it: 10:00 UTC that day."""
    return datetime(day.year, day.month, day.day, 10, tzinfo=UTC).isoformat(timespec="seconds")


def whole(script: Path, wav: Path, rttm: Path) -> bool:
    """Whether ``wav``/``rttm`` hold the script once, finished: one RTTM turn per
    script line and the audio as long as the last turn. ``make_meeting.sh`` appends
    to its part list, so a folder synthesised into twice holds the meeting twice."""
    if not (wav.is_file() and rttm.is_file()):
        return False
    lines = len(script.read_text().splitlines()) - 1
    turns = screenshots.rttm_turns(rttm)
    with wave.open(str(wav)) as w:
        seconds = w.getnframes() / w.getframerate()
    return len(turns) == lines and seconds >= turns[-1][1]


def new_meeting_audio(name: str, cache: Path, work: Path) -> tuple[Path, Path]:
    """The scripted meeting ``name`` as wav + reference RTTM: the benchmark's copy in
    ``cache`` when it is whole, else synthesised into a new folder under ``work``."""
    script = minutes_data.script_dir(name) / f"{name}.tsv"
    wav, rttm = cache / name / "meeting.wav", cache / name / "meeting.rttm"
    if whole(script, wav, rttm):
        return wav, rttm
    work.mkdir(parents=True, exist_ok=True)
    wav, rttm = minutes_data.synthesise(script, Path(tempfile.mkdtemp(prefix=name, dir=work)))
    if not whole(script, wav, rttm):
        raise RuntimeError(f"{wav}: the synthesised meeting does not match {script}")
    return wav, rttm


def name_from_rttm(demo: Demo, meeting_id: int, rttm: Path) -> None:
    """Name each voice after the reference speaker it overlaps most, keeping the
    RTTM's own names: ``label_from_rttm`` keeps a name it knows (its ``NAMES``) and
    hands the demo names out otherwise, so it is given this meeting's speakers."""
    speakers = tuple(dict.fromkeys(spk for _, _, spk in screenshots.rttm_turns(rttm)))
    demo_names = screenshots.NAMES
    screenshots.NAMES = speakers
    try:
        screenshots.label_from_rttm(demo.window, meeting_id, rttm)
    finally:
        screenshots.NAMES = demo_names


def regenerate(demo: Demo, panel: MinutesPanel, template: str) -> None:
    """Write the minutes again, offline, now that the voices have names (as the
    Regenerate… button does without a language model), and wait for them."""
    panel.regenerate(None, template)
    wait_until(demo.app, lambda: panel.regenerate_button.isEnabled(), timeout=300)
    settle(demo.app)


def fit_topics(demo: Demo, panel: MinutesPanel) -> list[str]:
    """Fold the sections of ``FOLDABLE`` one by one until the topics row is shown
    whole below the summary, decisions and action items; the sections folded."""
    tree = panel.tree
    tree.scrollToTop()
    settle(demo.app)
    topics = tree.findItems("Topics", Qt.MatchFlag.MatchExactly)[0]
    last = topics.child(topics.childCount() - 1) if topics.childCount() else topics

    def fits() -> bool:
        rect = tree.visualItemRect(last)
        return rect.isValid() and rect.bottom() <= tree.viewport().height()

    folded: list[str] = []
    for name in FOLDABLE:
        if fits():
            break
        tree.collapseItem(tree.findItems(name, Qt.MatchFlag.MatchExactly)[0])
        tree.scrollToTop()
        settle(demo.app)
        folded.append(name)
    if not fits():
        raise RuntimeError("the topics do not fit in the minutes panel even so")
    return folded


def describe(panel: MinutesPanel) -> list[str]:
    """What the panel shows, section by section (action items with owner, due and
    status), for the note that describes the picture."""
    lines = [f"mood: {panel.mood.text()}"]
    for section in ("Summary", "Decisions", "Key points", "Highlights", "Topics"):
        lines.append(f"{section}:")
        lines += [f"  - {text}" for text in panel.section(section)]
        if section == "Decisions":
            lines.append("Action items:")
            for row in panel.action_items():
                cells = [row.text(c) for c in range(panel.tree.columnCount())]
                lines.append(f"  - {' | '.join(cells)} [{row.checkState(0).name}]")
    return lines


def shoot(demo: Demo, meeting_id: int, template: str, out: Path) -> list[str]:
    """Open the meeting, regenerate its minutes with the names, widen the minutes
    panel, fold what keeps the topics out of sight and save the window as ``out``."""
    window, app = demo.window, demo.app
    window.open_meeting(meeting_id)
    view = window.meeting_view
    wait_until(app, lambda: len(view.waveform.peaks) > 0)
    regenerate(demo, view.minutes, template)
    window.statusBar().clearMessage()
    total = sum(view.split.sizes())
    view.split.setSizes([round(total * (1 - MINUTES_SHARE)), round(total * MINUTES_SHARE)])
    settle(app)
    view.minutes.tree.setCurrentItem(None)
    folded = fit_topics(demo, view.minutes)
    window.grab().save(str(out))
    return [f"folded to fit: {', '.join(folded) or 'nothing'}", *describe(view.minutes)]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default=ROOT / "docs" / "screenshots", type=Path)
    ap.add_argument("--model", default=DEFAULT_MODEL, help="Whisper model to transcribe with")
    ap.add_argument(
        "--cache",
        default=Path(tempfile.gettempdir()) / "unseen_work",
        type=Path,
        help="benchmarks/minutes.py --work folder whose synthesised audio to reuse",
    )
    ap.add_argument(
        "--work",
        default=Path(tempfile.gettempdir()) / "minutes_shots",
        type=Path,
        help="where to synthesise when --cache has no whole copy (a new folder each run)",
    )
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    folder = minutes_data.script_dir(NEW_MEETING)
    expected = json.loads((folder / f"{NEW_MEETING}_expected.json").read_text())
    new_wav, new_rttm = new_meeting_audio(NEW_MEETING, args.cache, args.work)
    new_type = expected["meeting_type"]
    new_date = date.fromisoformat(expected["meeting_date"])

    demo = open_window(SIZE, args.model)
    meetings = [
        (
            STANDUP,
            STANDUP.with_suffix(".rttm"),
            JobOptions(
                "Team standup", "standup", "en", args.model, meeting_time(minutes_data.STANDUP_DATE)
            ),
            "minutes-standup.png",
        ),
        (
            new_wav,
            new_rttm,
            JobOptions("Newsroom conference", new_type, "en", args.model, meeting_time(new_date)),
            "minutes-newsroom.png",
        ),
    ]
    meeting_of = demo.import_meetings([(wav, options) for wav, _, options, _ in meetings])
    demo.window.queue.clear_finished()
    for wav, rttm, options, png in meetings:
        meeting_id = meeting_of[wav]
        name_from_rttm(demo, meeting_id, rttm)
        path = args.out / png
        lines = shoot(demo, meeting_id, options.type, path)
        print(f"== {path} ({wav.name}, {options.date}, model {args.model})")
        print("\n".join(lines))
    demo.window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
