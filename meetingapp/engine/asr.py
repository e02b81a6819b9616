"""Speech recognition with faster-whisper, word timestamps included.

Speech regions from our own VAD pass are grouped into windows of at most
30 s and decoded in batches: silence is skipped, the VAD runs only once for
the whole pipeline, and batching uses the CPU cores better than decoding
window by window.
"""

from __future__ import annotations

import math
import os
import threading
from dataclasses import dataclass

import ctranslate2
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.transcribe import Segment as FwSegment

from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.models import ResolvedModel
from meetingapp.engine.types import Audio, ProgressFn, Segment, SpeechRegion, Transcript, Word
from meetingapp.errors import MeetingAppError

WINDOW_S = 30.0


@dataclass
class AsrSettings:
    language: str | None = None
    beam_size: int = 5
    batch_size: int = 8
    #: "auto" uses the GPU when CTranslate2 sees one.
    device: str = "auto"
    threads: int = 0


def pick_device(device: str) -> tuple[str, str]:
    """Return (device, compute_type): float16 on a GPU, int8 on the CPU."""
    if device == "auto":
        device = "cuda" if ctranslate2.get_cuda_device_count() > 0 else "cpu"
    return device, ("float16" if device == "cuda" else "int8")


def load_whisper(model: ResolvedModel, device: str = "auto", threads: int = 0) -> WhisperModel:
    dev, compute = pick_device(device)
    source = str(model.path) if model.path is not None else model.name
    try:
        return WhisperModel(
            source,
            device=dev,
            compute_type=compute,
            cpu_threads=threads or os.cpu_count() or 1,
            files=dict(model.files) if model.files else None,
            local_files_only=True,
        )
    except (RuntimeError, ValueError, OSError) as e:
        raise MeetingAppError(f"cannot load Whisper model {model.location}: {e}") from None


_cache: dict[tuple[str, str], WhisperModel] = {}
_cache_lock = threading.Lock()


def cached_whisper(model: ResolvedModel, device: str = "auto") -> WhisperModel:
    """Load a model once per process; jobs share it (CTranslate2 is thread-safe)."""
    key = (model.location, device)
    with _cache_lock:
        if key not in _cache:
            _cache[key] = load_whisper(model, device)
        return _cache[key]


def group_regions(regions: list[SpeechRegion], window: float = WINDOW_S) -> list[SpeechRegion]:
    """Merge consecutive speech regions into spans no longer than ``window``."""
    spans: list[SpeechRegion] = []
    for r in regions:
        start = r.start
        while r.end - start > window:  # VAD caps regions, but be safe
            spans.append(SpeechRegion(start, start + window))
            start += window
        if spans and r.end - spans[-1].start <= window and start >= spans[-1].end:
            spans[-1] = SpeechRegion(spans[-1].start, r.end)
        else:
            spans.append(SpeechRegion(start, r.end))
    return spans


def transcribe(
    whisper: WhisperModel,
    audio: Audio,
    regions: list[SpeechRegion],
    settings: AsrSettings | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Transcript:
    """Transcribe the speech regions of ``audio`` with word timestamps."""
    s = settings or AsrSettings()
    if s.language and not whisper.model.is_multilingual and s.language != "en":
        raise MeetingAppError(
            f"this Whisper model is English-only; choose a multilingual model for {s.language!r}"
        )
    spans = group_regions(regions)
    if not spans:
        return Transcript(language=s.language or "", duration=audio.duration, segments=[])
    pipeline = BatchedInferencePipeline(whisper)
    language = s.language if whisper.model.is_multilingual else "en"
    language_probability = 1.0 if language else 0.0
    segments: list[Segment] = []
    # One batch at a time: cancelling waits for at most one batch.
    for i in range(0, len(spans), s.batch_size):
        if cancel is not None:
            cancel.check()
        group = spans[i : i + s.batch_size]
        pieces, info = pipeline.transcribe(
            audio.samples,
            language=language,
            beam_size=s.beam_size,
            batch_size=s.batch_size,
            word_timestamps=True,
            without_timestamps=False,  # natural sentence-sized segments, not one per window
            vad_filter=False,
            clip_timestamps=[{"start": sp.start, "end": sp.end} for sp in group],
        )
        if language is None:  # detected on the first batch, kept for the rest
            language, language_probability = info.language, info.language_probability
        segments += [_segment(piece) for piece in pieces if piece.text.strip()]
        if progress is not None:
            progress(min(1.0, group[-1].end / max(audio.duration, 1e-6)))
    segments.sort(key=lambda seg: seg.start)
    return Transcript(
        language=language or "",
        duration=audio.duration,
        segments=segments,
        language_probability=round(language_probability, 4),
    )


def _segment(piece: FwSegment) -> Segment:
    words = [
        Word(round(w.start, 3), round(w.end, 3), w.word, round(w.probability, 4))
        for w in piece.words or []
    ]
    return Segment(
        start=round(piece.start, 3),
        end=round(piece.end, 3),
        text=piece.text.strip(),
        words=words,
        confidence=round(math.exp(piece.avg_logprob), 4),
    )
