"""Top moments of a meeting, and exporting them as audio clips with subtitles.

A moment matters when something was decided or promised there, when it is
dense in the meeting's key phrases, or when feelings ran high; those are the
places people want to replay or share.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np

from meetingapp.domain.audio import Audio
from meetingapp.domain.minutes import ActionItem, Highlight, Item
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.minutes.text import tokens


def pick_highlights(
    segments: list[Segment],
    decisions: list[Item],
    actions: list[ActionItem],
    topics: list[str],
    sentiment: list[float],
    limit: int | None = None,
) -> list[Highlight]:
    """The best-scoring segments (at most ``limit``, default ~1 per 8), in time order."""
    if not segments:
        return []
    limit = limit if limit is not None else max(1, min(10, round(len(segments) / 8)))
    topic_words = {w for t in topics for w in tokens(t)}
    decided = {d.segment_index for d in decisions}
    promised = {a.segment_index for a in actions}
    scored: list[tuple[float, int]] = []
    for i, seg in enumerate(segments):
        words = tokens(seg.text)
        density = sum(w in topic_words for w in words) / max(len(words), 1)
        score = 3.0 * (i in decided) + 2.0 * (i in promised) + 2.0 * density
        score += 0.5 * abs(sentiment[i]) if i < len(sentiment) else 0.0
        if score > 0:
            scored.append((score, i))
    best = sorted(scored, key=lambda x: (-x[0], x[1]))[:limit]
    return [
        Highlight(segments[i].start, segments[i].end, segments[i].text.strip(), round(s, 3), i)
        for s, i in sorted(best, key=lambda x: x[1])
    ]


def export_clips(
    audio: Audio,
    highlights: list[Highlight],
    segments: list[Segment],
    out_dir: Path,
    pad: float = 0.5,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> list[Path]:
    """Write ``highlight_NN.wav`` (16-bit PCM) plus a matching ``.srt`` per highlight."""
    out_dir.mkdir(parents=True, exist_ok=True)
    paths: list[Path] = []
    for n, h in enumerate(highlights, 1):
        if cancel:
            cancel.check()
        start = max(0.0, h.start - pad)
        end = min(audio.duration, h.end + pad)
        clip = audio.samples[int(start * audio.sample_rate) : int(end * audio.sample_rate)]
        wav = out_dir / f"highlight_{n:02d}.wav"
        with wave.open(str(wav), "wb") as w:
            w.setnchannels(1)
            w.setsampwidth(2)
            w.setframerate(audio.sample_rate)
            w.writeframes((np.clip(clip, -1, 1) * 32767).astype("<i2").tobytes())
        wav.with_suffix(".srt").write_text(_srt(segments, start, end), encoding="utf-8")
        paths.append(wav)
        if progress:
            progress(n / len(highlights))
    return paths


def _srt(segments: list[Segment], start: float, end: float) -> str:
    """Subtitles for the segments overlapping [start, end], timed from the clip start."""
    blocks = []
    for seg in segments:
        if seg.end <= start or seg.start >= end:
            continue
        a, b = max(seg.start, start) - start, min(seg.end, end) - start
        who = f"{seg.speaker}: " if seg.speaker else ""
        blocks.append(f"{len(blocks) + 1}\n{_ts(a)} --> {_ts(b)}\n{who}{seg.text.strip()}\n")
    return "\n".join(blocks)


def _ts(t: float) -> str:
    ms = round(t * 1000)
    return f"{ms // 3600000:02d}:{ms // 60000 % 60:02d}:{ms // 1000 % 60:02d},{ms % 1000:03d}"
