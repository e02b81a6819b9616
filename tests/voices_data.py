"""Synthetic meetings of 4-6 voices, some alike, where people say each other's names
(issue 14): the test data of diarization and of names learnt from the conversation.

Each script in ``tests/data/voices/*.tsv`` is one meeting: speaker, espeak-ng voice
and text per line. The voice column may carry espeak-ng options after the voice
("en-us+m3 -p 62"): pairs of voices in one meeting share a base voice and differ only
by pitch, speed or variant, the hard case for diarization. Scripts are written in
styles the issue-15 meetings lack (a podcast, a ward handover, a film crew, a kitchen,
a book club, a remote stand-up, a kickoff of strangers, a phone-in, …) in four
batches, each committed before it was run, the fourth by another author; the apply
rule's guards were added after the book club and the residents' meeting, and the
speaker-count floor from the talk chosen before the fourth batch was scored
(benchmarks/results/diarization.txt).

The audio is made at run time (wavs are never committed): espeak-ng, then sox to
16 kHz mono without dither, so a script always gives the same samples, and the
reference RTTM comes from the synthesis itself (each line's speech, then a pause).
Which names are spoken is read off the scripts: a participant whose name is a word
of some line can be named from the conversation; the others cannot.
"""

from __future__ import annotations

import csv
import hashlib
import re
import shlex
import shutil
import subprocess
import wave
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "tests" / "data" / "voices"
#: espeak-ng's speed unless a line says otherwise (make_meeting.sh's too).
SPEED = 165
#: Silence after each line, seconds: a quick turn-taking gap.
PAUSE_S = 0.5
RATE = 16000


@dataclass(frozen=True)
class Line:
    speaker: str
    voice: str
    text: str


def can_synthesise() -> bool:
    return bool(shutil.which("espeak-ng") and shutil.which("sox"))


def meetings() -> list[str]:
    """The synthetic meetings' names, sorted."""
    return sorted(p.stem for p in SCRIPTS.glob("*.tsv"))


def script(name: str) -> list[Line]:
    return read_script(SCRIPTS / f"{name}.tsv")


def read_script(path: Path) -> list[Line]:
    with path.open(newline="") as f:
        rows = list(csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE))
    return [Line(*row) for row in rows[1:]]


def people(name: str) -> list[str]:
    """The meeting's participants in order of first line."""
    return list(dict.fromkeys(line.speaker for line in script(name)))


def spoken_names(name: str) -> set[str]:
    """Participants whose name is said in the meeting (by anyone): the ones the
    conversation can name at all."""
    words = {w for line in script(name) for w in re.findall(r"[A-Za-z]+", line.text)}
    return {p for p in people(name) if p in words}


def synthesise(name: str, workdir: Path) -> tuple[Path, Path]:
    """The synthetic meeting ``name``: see :func:`synthesise_script`."""
    return synthesise_script(SCRIPTS / f"{name}.tsv", workdir)


def synthesise_script(path: Path, workdir: Path) -> tuple[Path, Path]:
    """``NAME.wav`` and its reference ``NAME.rttm`` (file id NAME, the script's stem) in
    a folder of ``workdir`` made once per script content."""
    name, lines = path.stem, read_script(path)
    key = hashlib.sha256(path.read_bytes() + Path(__file__).read_bytes())
    out = workdir / name / key.hexdigest()[:16]
    wav, rttm = out / f"{name}.wav", out / f"{name}.rttm"
    if wav.is_file() and rttm.is_file():
        return wav, rttm
    out.mkdir(parents=True, exist_ok=True)
    samples: list[bytes] = []
    turns: list[str] = []
    t = 0.0
    for i, line in enumerate(lines):
        voice, *options = shlex.split(line.voice)
        if "-s" not in options:
            options += ["-s", str(SPEED)]
        raw, part = out / f"{i:03d}.raw.wav", out / f"{i:03d}.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, *options, "-w", str(raw), line.text],
            check=True,
            capture_output=True,
        )
        subprocess.run(
            ["sox", "-D", str(raw), "-r", str(RATE), "-c", "1", "-b", "16", str(part)],
            check=True,
            capture_output=True,
        )
        with wave.open(str(part)) as w:
            frames = w.readframes(w.getnframes())
        speech = len(frames) / 2 / RATE
        turns.append(f"SPEAKER {name} 1 {t:.3f} {speech:.3f} <NA> <NA> {line.speaker} <NA> <NA>")
        samples += [frames, b"\0\0" * int(PAUSE_S * RATE)]
        t += speech + PAUSE_S
        raw.unlink()
        part.unlink()
    with wave.open(str(wav), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(RATE)
        w.writeframes(b"".join(samples))
    rttm.write_text("\n".join(turns) + "\n")
    return wav, rttm
