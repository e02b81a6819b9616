"""Real meetings from the eval clips, and a relevance set to score search on.

The clips are transcribed with a real Whisper model; clips with a reference
RTTM are cut into speaker turns from it (a stand-in for the diarization
stage, which search does not own), so speaker filters have real names.
Each relevance query names the clip and a phrase the right segment says;
queries are paraphrases, not copies, so they exercise the vector side.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlite_utils

from meetingapp.domain.transcript import Segment, Transcript, Word
from meetingapp.engine.asr import AsrSettings, cached_whisper, transcribe
from meetingapp.engine.audio import load_audio
from meetingapp.engine.vad import detect_speech
from meetingapp.engine.whisper_models import resolve_whisper
from meetingapp.store.meetings import NewMeeting, insert_meeting

ROOT = Path(__file__).resolve().parent.parent
EVAL = (ROOT.parent / "shared" / "eval").resolve()


@dataclass(frozen=True)
class Clip:
    name: str
    path: Path
    type: str
    date: str


CLIPS = (
    Clip("standup", EVAL / "meeting/standup.wav", "standup", "2025-03-04T09:30:00+00:00"),
    Clip("jfk", EVAL / "asr/jfk/jfk.flac", "general", "2025-01-20T12:00:00+00:00"),
    Clip(
        "libri", EVAL / "asr/lhotse/2412-153948-0000.flac", "interview", "2025-02-10T15:00:00+00:00"
    ),
    *(
        Clip(
            f"trn0{i}", EVAL / f"diar/ami/trn0{i}.wav", "review", f"2025-03-{10 + i}T10:00:00+00:00"
        )
        for i in range(10)
    ),
)


@dataclass(frozen=True)
class Judgement:
    query: str
    clip: str
    #: lower-case words the right segment contains (robust to ASR punctuation)
    says: str


RELEVANCE = (
    Judgement("tablet keeps crashing", "standup", "crash on android tablets"),
    Judgement("who is blocked waiting for credentials", "standup", "api keys"),
    Judgement("finished redesigning the sign in page", "standup", "login screen"),
    Judgement("the customer presentation was postponed", "standup", "client demo"),
    Judgement("working on synchronising data without a connection", "standup", "offline sync"),
    Judgement("reviewing a colleague's code changes", "standup", "pull request"),
    Judgement("mobile notifications work starts tomorrow", "standup", "push notifications"),
    Judgement("don't ask what the nation gives you", "jfk", "your country"),
    Judgement("inaugural speech to fellow citizens", "jfk", "fellow americans"),
    Judgement("story of why he emigrated from his homeland", "libri", "native country"),
    Judgement("telling it would be boring and hurt", "libri", "tedious"),
    Judgement("feedback on the spec from Steve", "trn00", "feedback"),
    Judgement("people doing the same work twice", "trn00", "duplication"),
    Judgement("timestamps did not line up", "trn03", "absolute"),
    Judgement("a silly bug in Java", "trn03", "java"),
    Judgement("checking the transcriptions in a second pass", "trn05", "second pass"),
    Judgement("treating it as a legal matter", "trn06", "legal"),
    Judgement("users should back up their own files", "trn09", "back up"),
    # names and jargon: the keyword side's job
    Judgement("Melissa", "trn05", "melissa"),
    Judgement("KML", "trn08", "kml"),
    Judgement("what did Steve say", "trn00", "steve"),
    Judgement("eye links", "trn09", "eye links"),
)


def speaker_turns(rttm: Path) -> list[tuple[float, float, str]]:
    turns = []
    for line in rttm.read_text().splitlines():
        f = line.split()
        if f and f[0] == "SPEAKER":
            start, dur = float(f[3]), float(f[4])
            turns.append((start, start + dur, f[7]))
    return turns


def _speaker_at(turns: list[tuple[float, float, str]], w: Word) -> str | None:
    best, overlap = None, 0.0
    for start, end, who in turns:
        o = min(end, w.end) - max(start, w.start)
        if o > overlap:
            best, overlap = who, o
    return best


def split_by_speaker(transcript: Transcript, turns: list[tuple[float, float, str]]) -> Transcript:
    """Re-cut segments at speaker changes (by word overlap with the reference turns)."""
    out: list[Segment] = []
    for seg in transcript.segments:
        group: list[Word] = []
        for w in seg.words:
            w.speaker = _speaker_at(turns, w) or (group[-1].speaker if group else None)
            if group and w.speaker != group[-1].speaker:
                out.append(_segment(group, seg.confidence))
                group = []
            group.append(w)
        if group:
            out.append(_segment(group, seg.confidence))
    return Transcript(
        transcript.language, transcript.duration, out, transcript.language_probability
    )


def _segment(words: list[Word], confidence: float) -> Segment:
    text = "".join(w.word for w in words).strip()
    return Segment(words[0].start, words[-1].end, text, words, words[0].speaker, confidence)


def transcribe_clip(clip: Clip, data: Path, model: str) -> Transcript:
    whisper = cached_whisper(resolve_whisper(model, data), "cpu")
    audio = load_audio(clip.path)
    t = transcribe(whisper, audio, detect_speech(audio), AsrSettings(language="en", device="cpu"))
    rttm = clip.path.with_suffix(".rttm")
    return split_by_speaker(t, speaker_turns(rttm)) if rttm.is_file() else t


def build_eval_meetings(
    db: sqlite_utils.Database, data: Path, model: str = "tiny.en"
) -> dict[str, int]:
    """Transcribe every clip into a meeting; returns clip name → meeting id."""
    ids: dict[str, int] = {}
    for clip in CLIPS:
        transcript = transcribe_clip(clip, data, model)
        new = NewMeeting(
            clip.name, clip.type, clip.date, clip.name, clip.path.name, f"originals/{clip.name}"
        )
        with db.conn:
            ids[clip.name] = insert_meeting(db, new, transcript)
    return ids


def normalise(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def is_relevant(j: Judgement, meeting_title: str, text: str) -> bool:
    return meeting_title == j.clip and normalise(j.says) in normalise(text)
