"""Real meetings from the eval clips, a relevance set to score search on, and
the calibration of search's relevance floor.

The clips are transcribed with a real Whisper model; clips with a reference
RTTM are cut into speaker turns from it (a stand-in for the diarization
stage, which search does not own), so speaker filters have real names.
Each meeting gets its offline minutes, as the pipeline stores them, so the
summary, key points and actions repeat transcript lines as they do for a
user. Each relevance query names the clip and a phrase the right segment
says; queries are paraphrases, not copies, so they exercise the vector side.
``NONSENSE`` holds queries nothing in the clips answers, ``PHRASES`` exact
phrases of one line.

Run ``PYTHONPATH=. python benchmarks/search_relevance.py [--keep DIR]``: it
chooses the floor (``meetingapp.engine.search.Floor``) on one half of the
relevance and nonsense queries, reports it on the other half (and the other
way round, as a check), and writes ``benchmarks/results/search_relevance.txt``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import numpy as np
import sqlite_utils

from meetingapp.domain.transcript import Segment, Transcript, Word
from meetingapp.engine.asr import AsrSettings, cached_whisper, transcribe
from meetingapp.engine.audio import load_audio
from meetingapp.engine.minutes.generate import generate_minutes
from meetingapp.engine.search import Candidates, Floor, SearchHit, SearchQuery, gather, rank
from meetingapp.engine.search_index import ensure_index
from meetingapp.engine.vad import detect_speech
from meetingapp.engine.whisper_models import resolve_whisper
from meetingapp.store.db import open_db
from meetingapp.store.meetings import NewMeeting, insert_meeting
from meetingapp.store.minutes import save_minutes

T = TypeVar("T")
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

#: queries nothing in the clips answers, by style
NONSENSE: tuple[tuple[str, str], ...] = tuple(
    (style, q)
    for style, queries in (
        (
            "animal words",
            "zebra giraffe|penguin walrus kangaroo|octopus flamingo|hedgehog badger otter"
            "|llama alpaca camel|crocodile pelican",
        ),
        (
            "keyboard mash",
            "asdfgh jkl|qwertyuiop|zxcvbnm asdf|lkjhg fdsa poiu|hjkl yuio|mnbvcx qwer",
        ),
        (
            "foreign words",
            "Schmetterling Kühlschrank|mariposa biblioteca|grenouille parapluie"
            "|watashi wa neko desu|karhu ja susi|Donaudampfschifffahrt",
        ),
        (
            "absent topics",
            "quarterly tax filing deadline|recipe for sourdough bread|wedding venue booking"
            "|the football match last night|renewing the office lease|vaccination appointment",
        ),
    )
    for q in queries.split("|")
)

#: exact phrases of one line each: that line must be the first hit
PHRASES = (
    "the new API keys",
    "offline sync ready",
    "focus on offline sync",
    "working on the offline sync",
    "send you the API keys",
    "the crash on Android tablets",
    "push notifications",
    "fellow Americans",
    "my native country",
    "second pass",
    "back up their data",
    "a break for ads",
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
    """Transcribe every clip into a meeting with its offline minutes (as the pipeline
    stores them); returns clip name → meeting id."""
    ids: dict[str, int] = {}
    for clip in CLIPS:
        transcript = transcribe_clip(clip, data, model)
        new = NewMeeting(
            clip.name, clip.type, clip.date, clip.name, clip.path.name, f"originals/{clip.name}"
        )
        day = dt.date.fromisoformat(clip.date[:10])
        minutes = generate_minutes(transcript.segments, day, clip.type, data)
        with db.conn:
            ids[clip.name] = insert_meeting(db, new, transcript)
            save_minutes(db, ids[clip.name], minutes)
    return ids


def normalise(text: str) -> str:
    return " ".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def is_relevant(j: Judgement, meeting_title: str, text: str) -> bool:
    return meeting_title == j.clip and normalise(j.says) in normalise(text)


def answerable(db: sqlite_utils.Database, j: Judgement) -> bool:
    """Whether the clip's transcript holds the judged words at all (tiny.en mishears
    some: "pull request" became "public west"); a query it does not hold has no right
    hit for any search to find."""
    rows = db.execute(
        "SELECT i.text FROM search_items i JOIN meetings m ON m.id = i.meeting_id"
        " WHERE m.title = ? AND i.kind = 'segment'",
        [j.clip],
    )
    return any(is_relevant(j, j.clip, r[0]) for r in rows)


def halves(items: Sequence[T]) -> tuple[list[T], list[T]]:
    """Every other item: (first half, second half); ``NONSENSE`` alternates within a style."""
    return list(items[0::2]), list(items[1::2])


@dataclass
class Scores:
    recall5: float
    mrr: float
    relevance_queries: int
    #: nonsense queries that got any hit
    nonsense_with_hits: int
    nonsense_queries: int
    hits_per_relevance_query: float


class Bench:
    """The eval library and its queries, ranked under a given floor.

    Each query's candidates are gathered once; only the floor and the ranking
    run again per floor, as ``search`` would run them.
    """

    def __init__(self, db: sqlite_utils.Database, data: Path, limit: int = 20) -> None:
        self.db, self.data, self.limit = db, data, limit
        self.found: dict[str, Candidates] = {}

    def hits(self, query: str, floor: Floor) -> list[SearchHit]:
        q = SearchQuery(query, limit=self.limit)
        if query not in self.found:
            self.found[query] = gather(self.db, self.data, q, refresh=False)
        return rank(self.db, q, self.found[query], floor=floor).hits

    def scores(
        self, floor: Floor, relevance: list[Judgement], nonsense: list[tuple[str, str]]
    ) -> Scores:
        found, rr, shown = 0, 0.0, 0
        for j in relevance:
            hits = self.hits(j.query, floor)
            shown += len(hits)
            ranks = [r for r, h in enumerate(hits, 1) if is_relevant(j, h.meeting_title, h.text)]
            found += bool(ranks and ranks[0] <= 5)
            rr += 1 / ranks[0] if ranks and ranks[0] <= 10 else 0.0
        noisy = sum(bool(self.hits(q, floor)) for _, q in nonsense)
        n = max(len(relevance), 1)
        return Scores(found / n, rr / n, len(relevance), noisy, len(nonsense), shown / n)


def _steps(lo: float, hi: float) -> list[float]:
    return [round(lo + 0.02 * i, 2) for i in range(int(round((hi - lo) / 0.02)) + 1)]


#: the floors tried: fragments below 1 ... 5 words; cosine 0.15 ... 0.45 for a line
#: sharing no word with the query, 0.09 ... that for one sharing a word
GRID = [
    Floor(sim, with_word, words)
    for words in range(1, 6)
    for sim in _steps(0.15, 0.45)
    for with_word in _steps(0.09, sim)
]


def _middle(values: list[float]) -> tuple[float, float, float]:
    """(first, last, middle) of the longest run of consecutive grid values."""
    runs: list[list[float]] = []
    for v in sorted(values):
        if runs and v - runs[-1][-1] < 0.025:
            runs[-1].append(v)
        else:
            runs.append([v])
    run = max(runs, key=len)
    return run[0], run[-1], round((run[0] + run[-1]) / 2, 2)


def calibrate(
    bench: Bench, relevance: list[Judgement], nonsense: list[tuple[str, str]]
) -> tuple[Floor, list[str]]:
    """The floor for these queries, and how it was chosen (lines for the report).

    Fewest nonsense queries with hits first, then the best recall@5. Of the
    floors that tie, the fragment length with the most of them (the most room;
    fewer words on a tie), then the middle of the tying cosines for lines that
    share no word, then the middle of those for lines that share one: the
    widest margin on both sides, not the edge of what this half happened to hold.
    """
    scored = [(f, bench.scores(f, relevance, nonsense)) for f in GRID]
    best = min((s.nonsense_with_hits, -s.recall5) for _, s in scored)
    tied = [f for f, s in scored if (s.nonsense_with_hits, -s.recall5) == best]
    words = max(range(1, 6), key=lambda w: (sum(f.min_words == w for f in tied), -w))
    tied = [f for f in tied if f.min_words == words]
    lo, hi, sim = _middle([f.similarity for f in tied])
    at = [f.similarity_with_word for f in tied if abs(f.similarity - sim) < 0.015]
    if not at:  # the middle fell between grid values: the nearest one below
        sim = max(f.similarity for f in tied if f.similarity <= sim)
        at = [f.similarity_with_word for f in tied if f.similarity == sim]
    wlo, whi, with_word = _middle(at)
    chosen = Floor(sim, with_word, words)
    check = bench.scores(chosen, relevance, nonsense)
    why = [
        f"  on these queries the best is {best[0]} nonsense queries with hits and recall@5"
        f" {-best[1]:.2f}; {len(tied)} floors with fragments < {words} words reach it",
        f"  cosine without a shared word: {lo:.2f} ... {hi:.2f} -> {sim:.2f};"
        f" with one: {wlo:.2f} ... {whi:.2f} -> {with_word:.2f}"
        f" (the choice scores {check.nonsense_with_hits} / {check.recall5:.2f} here)",
    ]
    return chosen, why


def describe(f: Floor) -> str:
    return (
        f"cosine >= {f.similarity:.2f} (>= {f.similarity_with_word:.2f} sharing a word),"
        f" fragments < {f.min_words} words by their exact words only"
    )


def duplicates(hits: list[SearchHit]) -> tuple[int, int]:
    """(hits at a moment an earlier hit already shows, hits repeating an earlier hit's
    words in the same meeting)."""
    moments: set[tuple[int, float | None]] = set()
    words: set[tuple[int, str]] = set()
    same_moment = same_words = 0
    for h in hits:
        moment = (h.meeting_id, None if h.start is None else round(h.start, 2))
        said = (h.meeting_id, normalise(h.text))
        same_moment += moment in moments
        same_words += said in words
        moments.add(moment)
        words.add(said)
    return same_moment, same_words


def report(work: Path) -> Iterator[str]:
    """Build the eval library in ``work``, calibrate, and yield the report's lines."""
    data = work / "eval"
    reuse = (data / "meetings.db").is_file()
    db = open_db(data)
    t0 = time.perf_counter()
    if not reuse:
        build_eval_meetings(db, data, "tiny.en")
    ensure_index(db, data)
    kinds = dict(db.execute("SELECT kind, COUNT(*) FROM search_items GROUP BY kind").fetchall())
    yield f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}"
    yield (
        f"eval library: {len(CLIPS)} clips (tiny.en) with offline minutes, built in"
        f" {time.perf_counter() - t0:.0f} s; items: {kinds}"
    )
    bench = Bench(db, data)
    usable = [j for j in RELEVANCE if answerable(db, j)]
    missing = [j.query for j in RELEVANCE if j not in usable]
    yield (
        f"relevance set: {len(RELEVANCE)} queries, {len(usable)} answerable; no line of the"
        f" transcripts holds the judged words of {missing}, so they are left out of recall"
    )
    yield f"nonsense queries: {len(NONSENSE)} ({', '.join(sorted({s for s, _ in NONSENSE}))})"
    rel = halves(usable)
    non = halves(NONSENSE)
    yield ""
    yield "== held out: choose the floor on one half, score it on the other"
    held_out: list[Scores] = []
    for fit, test, name in ((0, 1, "A -> B"), (1, 0, "B -> A")):
        floor, why = calibrate(bench, rel[fit], non[fit])
        s = bench.scores(floor, rel[test], non[test])
        held_out.append(s)
        yield f"{name}: {describe(floor)}"
        yield from why
        yield (
            f"  held out: recall@5 {s.recall5:.2f} ({s.relevance_queries} queries), MRR"
            f" {s.mrr:.2f}, nonsense with hits {s.nonsense_with_hits}/{s.nonsense_queries},"
            f" {s.hits_per_relevance_query:.1f} hits per relevance query"
        )
    n_rel = sum(s.relevance_queries for s in held_out)
    n_non = sum(s.nonsense_queries for s in held_out)
    pooled = sum(s.recall5 * s.relevance_queries for s in held_out) / n_rel
    mrr = sum(s.mrr * s.relevance_queries for s in held_out) / n_rel
    noisy = sum(s.nonsense_with_hits for s in held_out)
    yield (
        f"HELD-OUT (each query scored by the floor chosen on the other half): recall@5"
        f" {pooled:.2f} over {n_rel} queries, MRR {mrr:.2f}, nonsense with hits {noisy}/{n_non}"
    )
    shipped = Floor()
    everything, why = calibrate(bench, usable, list(NONSENSE))
    yield ""
    yield f"the same choice on all queries: {describe(everything)}"
    yield from why
    same = "is" if everything == shipped else "is NOT"
    yield f"shipped Floor(): {describe(shipped)}; it {same} that choice"
    yield ""
    yield "== the shipped floor on every query (chosen on them too: for reference, not held out)"
    no_floor = Floor(-1.0, -1.0, 0)
    for name, floor in (("no floor", no_floor), ("shipped", shipped)):
        s = bench.scores(floor, usable, list(NONSENSE))
        yield (
            f"{name:<9} recall@5 {s.recall5:.2f}  MRR {s.mrr:.2f}  nonsense with hits"
            f" {s.nonsense_with_hits}/{s.nonsense_queries}  hits per relevance query"
            f" {s.hits_per_relevance_query:.1f}"
        )
    for style, q in NONSENSE:
        hits = bench.hits(q, shipped)
        top = f"{hits[0].text[:40]!r}" if hits else "-"
        yield f"  {style:<14} {q:<32} {len(hits):>2} hits  {top}"
    queries = [j.query for j in RELEVANCE] + [q for _, q in NONSENSE] + list(PHRASES)
    counts = np.array([duplicates(bench.hits(q, shipped)) for q in queries]).sum(axis=0)
    yield (
        f"duplicates over all {len(queries)} queries (20 hits each): {counts[0]} hits at a"
        f" moment already shown, {counts[1]} repeating words already shown in that meeting"
    )
    tagged = [h for q in queries for h in bench.hits(q, shipped) if h.tags]
    yield f"hits tagged with minutes items: {len(tagged)} (e.g. {tagged[0].tags if tagged else []})"
    first = 0
    for phrase in PHRASES:
        hits = bench.hits(phrase, shipped)
        ok = bool(hits) and normalise(phrase) in normalise(hits[0].text)
        first += ok
        if not ok:
            yield f"  exact phrase not first: {phrase!r}"
    yield f"exact phrase is the first hit: {first}/{len(PHRASES)}"
    yield f"load average at end: {os.getloadavg()[0]:.1f}"


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--keep", type=Path, help="build the eval library here and keep it")
    p.add_argument(
        "--out", type=Path, default=ROOT / "benchmarks" / "results" / "search_relevance.txt"
    )
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        lines = []
        for line in report(args.keep or Path(tmp)):
            print(line, flush=True)
            lines.append(line)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
