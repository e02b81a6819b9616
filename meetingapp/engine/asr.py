"""Speech recognition with faster-whisper, word timestamps included.

Speech regions are packed into 30 s windows (silence cut out)
and decoded in batches, one text per window: decoding with timestamps inside
a batch stops at the last timestamp the model writes, and the rest of the
window was lost. A window whose decode fails Whisper's own checks (the text
compresses too well or is improbable, a sentence loops, or seconds of its
speech have no word: skipped at the start, in the middle or at the end) is
decoded again on its own with plain faster-whisper and its temperature
fallback, which batched decoding lacks.
"""

from __future__ import annotations

import logging
import math
import threading
from dataclasses import dataclass

import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.transcribe import Segment as FwSegment

from meetingapp.domain.audio import SAMPLE_RATE, Audio, SpeechRegion
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment, Transcript, Word
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.cpu import cpu_threads
from meetingapp.engine.cuda import cuda
from meetingapp.engine.speech_windows import SpeechWindow, clip_regions, pack_windows
from meetingapp.engine.transcript_lines import (
    LOOP_RUN,
    drop_loops,
    longest_repeat,
    split_sentences,
)
from meetingapp.engine.vad import VadSettings, detect_speech
from meetingapp.engine.whisper_models import ResolvedModel
from meetingapp.errors import MeetingAppError

#: Whisper's own thresholds (its paper and faster-whisper's defaults), not tuned here.
COMPRESSION_RATIO_MAX = 2.4
LOG_PROB_MIN = -1.0
NO_SPEECH_MIN = 0.6
#: This much speech with no word on it, anywhere in a window, means the decode skipped it.
SKIPPED_SPEECH_S = 3.0
#: A failed window this long is first decoded again in halves (shorter ones would
#: give Whisper under 5 s of context each) ...
HALVE_MIN_S = 10.0
#: ... of at most half its length plus this (packed from its pieces, so a piece
#: that does not fit makes a third part rather than being cut).
HALVE_SLACK_S = 0.5
#: The language is detected on this many windows of speech (faster-whisper's way).
LANGUAGE_WINDOWS = 3

log = logging.getLogger(__name__)


@dataclass
class AsrSettings:
    language: str | None = None
    beam_size: int = 5
    #: 0: by device — 2 windows on a CPU, 16 on a GPU
    batch_size: int = 0
    #: "auto" uses the GPU when CTranslate2 sees one.
    device: str = "auto"
    threads: int = 0


def cuda_devices() -> int:
    """How many CUDA GPUs CTranslate2 can use: 0 without a GPU, a driver, or the
    CUDA libraries it opens when it first computes (:mod:`meetingapp.engine.cuda`)."""
    found = cuda()
    return found.gpus if found.usable else 0


def no_cuda_notice() -> str:
    """What a job logs when Settings ask for a GPU this machine cannot use."""
    return f"GPU (CUDA) is chosen in Settings but {cuda().reason}; using the CPU"


def pick_device(device: str) -> tuple[str, str]:
    """Return (device, compute_type): float16 on a GPU, int8 on the CPU.

    "cuda" on a machine without a CUDA GPU (a settings.json copied from another
    machine) falls back to the CPU; :func:`load_whisper` says so once.
    """
    if device in ("auto", "cuda"):
        device = "cuda" if cuda_devices() > 0 else "cpu"
    return device, ("float16" if device == "cuda" else "int8")


def load_whisper(model: ResolvedModel, device: str = "auto", threads: int = 0) -> WhisperModel:
    dev, compute = pick_device(device)
    if device == "cuda" and dev != "cuda":
        log.warning("%s", no_cuda_notice())
    source = str(model.path) if model.path is not None else model.name
    try:
        return WhisperModel(
            source,
            device=dev,
            compute_type=compute,
            cpu_threads=threads or cpu_threads(),
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


@dataclass
class WindowText:
    """One window's decode: its words in recording time, and Whisper's scores."""

    words: list[Word]
    avg_logprob: float
    compression_ratio: float
    no_speech_prob: float

    @property
    def silent(self) -> bool:
        """Whisper's no-speech rule: noise the VAD let through."""
        return self.no_speech_prob > NO_SPEECH_MIN and self.avg_logprob < LOG_PROB_MIN

    def failed(self, window: SpeechWindow) -> bool:
        if self.silent:
            return False
        if not self.words:
            return True
        text = "".join(w.word for w in self.words)
        return (
            self.compression_ratio > COMPRESSION_RATIO_MAX
            or self.avg_logprob < LOG_PROB_MIN
            or longest_repeat(text)[0] >= LOOP_RUN
            or _skipped_speech(window, self.words) > SKIPPED_SPEECH_S
        )


def _skipped_speech(window: SpeechWindow, words: list[Word]) -> float:
    """The most speech between two words in a row, or between a window edge and a word.

    A batched decode can stop early, and it can also skip a stretch at the start
    or in the middle (far-off voices in a meeting) and carry on after it: the
    words then end with the speech, but seconds of it have none.
    """
    edges = [window.pieces[0].start, *(t for w in words for t in (w.start, w.end)), window.end]
    return max(_speech_between(window, a, b) for a, b in zip(edges[::2], edges[1::2]))


def _speech_between(window: SpeechWindow, start: float, end: float) -> float:
    return sum(max(min(p.end, end) - max(p.start, start), 0.0) for p in window.pieces)


class WindowDecoder:
    """Decodes windows in batches, and one by one with fallback when a batch fails."""

    def __init__(self, whisper: WhisperModel, audio: Audio, settings: AsrSettings) -> None:
        self.whisper = whisper
        self.audio = audio
        self.settings = settings
        self.pipeline = BatchedInferencePipeline(whisper)
        self.language = settings.language if whisper.model.is_multilingual else "en"
        self.language_probability = 1.0 if self.language else 0.0

    def detect_language(self, windows: list[SpeechWindow]) -> None:
        """The language of the first windows' speech, decided once for the recording.

        Detected on the speech alone, like plain faster-whisper: the batched
        pipeline's detection on joined window features took English meetings for
        Welsh.
        """
        speech = np.concatenate([w.samples(self.audio) for w in windows[:LANGUAGE_WINDOWS]])
        language, probability, _ = self.whisper.detect_language(
            speech, language_detection_segments=LANGUAGE_WINDOWS
        )
        self.language, self.language_probability = language, probability

    def batch(self, windows: list[SpeechWindow]) -> list[WindowText]:
        if self.language is None:
            self.detect_language(windows)
        clips = [w.samples(self.audio) for w in windows]
        offsets = np.cumsum([0, *(len(c) for c in clips)])
        pieces, _ = self.pipeline.transcribe(
            np.concatenate(clips),
            language=self.language,
            beam_size=self.settings.beam_size,
            batch_size=len(windows),
            word_timestamps=True,
            without_timestamps=True,
            vad_filter=False,
            clip_timestamps=[
                {"start": a / SAMPLE_RATE, "end": b / SAMPLE_RATE}
                for a, b in zip(offsets[:-1], offsets[1:])
            ],
        )
        found: list[list[FwSegment]] = [[] for _ in windows]
        for piece in pieces:
            # a window's text starts at its offset, give or take rounding
            k = int(np.argmin(np.abs(offsets[:-1] - piece.start * SAMPLE_RATE)))
            found[k].append(piece)
        return [
            _window_text(w, got, offsets[k] / SAMPLE_RATE)
            for k, (w, got) in enumerate(zip(windows, found))
        ]

    def redecode(self, window: SpeechWindow) -> WindowText:
        """A failed window again: first as two halves decoded in one batch (cut between
        its pieces where it can), which recovers speech a long window skipped for the
        cost of one batched window; what still fails, or is too short to halve, is
        decoded alone, with temperature fallback."""
        if window.length >= HALVE_MIN_S:
            halves = pack_windows(window.pieces, window.length / 2 + HALVE_SLACK_S)
            spoken = [(t, h) for t, h in zip(self.batch(halves), halves) if not t.silent]
            texts = [t for t, _ in spoken]
            if texts and not any(t.failed(h) for t, h in spoken):
                return WindowText(
                    [w for t in texts for w in t.words],
                    min(t.avg_logprob for t in texts),
                    max(t.compression_ratio for t in texts),
                    min(t.no_speech_prob for t in texts),
                )
        return self.alone(window)

    def alone(self, window: SpeechWindow) -> WindowText:
        """Plain sequential decoding: timestamps, seeking, temperature fallback."""
        pieces, _ = self.whisper.transcribe(
            window.samples(self.audio),
            language=self.language,
            beam_size=self.settings.beam_size,
            word_timestamps=True,
            condition_on_previous_text=False,
            vad_filter=False,
        )
        return _window_text(window, list(pieces), 0.0)


def _window_text(window: SpeechWindow, pieces: list[FwSegment], offset: float) -> WindowText:
    kept = [p for p in pieces if p.text.strip()]
    words = [
        Word(
            round(window.to_recording(w.start - offset), 3),
            round(window.to_recording(w.end - offset), 3),
            w.word,
            round(w.probability, 4),
        )
        for p in kept
        for w in p.words or []
    ]
    if not kept:
        no_speech = max((p.no_speech_prob for p in pieces), default=1.0)
        return WindowText([], -10.0, 0.0, no_speech)
    weight = [max(len(p.words or []), 1) for p in kept]
    return WindowText(
        words,
        float(np.average([p.avg_logprob for p in kept], weights=weight)),
        max(p.compression_ratio for p in kept),
        min(p.no_speech_prob for p in kept),
    )


def transcribe_audio(
    whisper: WhisperModel,
    audio: Audio,
    settings: AsrSettings | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Transcript:
    """What a job runs: transcription's own VAD pass, then :func:`transcribe`."""
    regions = detect_speech(audio, VadSettings.for_transcription())
    return transcribe(whisper, audio, regions, settings, progress, cancel)


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
    windows = pack_windows(clip_regions(regions, audio.duration))
    # On a CPU, batches of two decode as fast as four and hold less memory.
    batch = s.batch_size or (16 if pick_device(s.device)[0] == "cuda" else 2)
    decoder = WindowDecoder(whisper, audio, s)
    segments: list[Segment] = []
    # One batch at a time: cancelling waits for at most one batch.
    for i in range(0, len(windows), batch):
        if cancel is not None:
            cancel.check()
        group = windows[i : i + batch]
        for window, text in zip(group, decoder.batch(group)):
            if text.failed(window):
                if cancel is not None:
                    cancel.check()
                text = decoder.redecode(window)
            if not text.silent:
                confidence = round(math.exp(max(text.avg_logprob, -20.0)), 4)
                segments += split_sentences(text.words, confidence)
        if progress is not None:
            progress(min(1.0, group[-1].end / max(audio.duration, 1e-6)))
    return Transcript(
        language=decoder.language or "",
        duration=audio.duration,
        segments=drop_loops(segments),
        language_probability=round(decoder.language_probability, 4),
    )
