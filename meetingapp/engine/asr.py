"""Speech recognition with faster-whisper, word timestamps included.

Speech regions are packed into 30 s windows (silence cut out)
and decoded in batches, one text per window: decoding with timestamps inside
a batch stops at the last timestamp the model writes, and the rest of the
window was lost. A window whose decode fails Whisper's own checks (the text
compresses too well or is improbable, or a sentence loops) is decoded again on
its own with plain faster-whisper and its temperature fallback, which batched
decoding lacks, and so is one whose words cover under half its speech. Seconds
of speech with no word on them elsewhere (skipped at the start, in the middle
or at the end of a window) are decoded once more by themselves.
"""

from __future__ import annotations

import bisect
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
from meetingapp.engine.speech_windows import (
    MIN_REGION_S,
    SpeechWindow,
    clip_regions,
    pack_windows,
)
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
#: The language is detected on this many windows of speech (faster-whisper's way).
LANGUAGE_WINDOWS = 3
#: Below this probability a first window that fails Whisper's checks is tried in the
#: runner-up language. Whisper's language ID gives close-talk speech >= 0.9; set
#: before trying it, not tuned (benchmarks/asr_accuracy.py's lang column shows it).
SURE_LANGUAGE = 0.8

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

    def heard_little(self, window: SpeechWindow) -> bool:
        """Words on under half of the window's speech: the decode as a whole is in
        doubt (a lone "you" on seconds of noise), not just a stretch it skipped."""
        if self.silent:
            return False
        skipped = sum(r.end - r.start for r in skipped_spans(window, self.words))
        return skipped > window.length / 2

    @property
    def garbled(self) -> bool:
        """Text that no second look at a part mends: decode the window again, alone."""
        if self.silent:
            return False
        if not self.words:
            return True
        text = "".join(w.word for w in self.words)
        return (
            self.compression_ratio > COMPRESSION_RATIO_MAX
            or self.avg_logprob < LOG_PROB_MIN
            or longest_repeat(text)[0] >= LOOP_RUN
        )


def skipped_spans(window: SpeechWindow, words: list[Word]) -> list[SpeechRegion]:
    """The window's speech between two words in a row (or a window edge and a word)
    where more than :data:`SKIPPED_SPEECH_S` of it has no word.

    A batched decode can stop early, and it can also skip a stretch at the start
    or in the middle (far-off voices in a meeting) and carry on after it: the
    words then end with the speech, but seconds of it have none.
    """
    edges = [window.pieces[0].start, *(t for w in words for t in (w.start, w.end)), window.end]
    spans = []
    for a, b in zip(edges[::2], edges[1::2]):
        if _speech_between(window, a, b) > SKIPPED_SPEECH_S:
            spans += [
                SpeechRegion(max(p.start, a), min(p.end, b))
                for p in window.pieces
                if min(p.end, b) - max(p.start, a) >= MIN_REGION_S
            ]
    return spans


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

    def detect_language(self, windows: list[SpeechWindow]) -> WindowText | None:
        """The language of the first windows' speech, decided once for the recording.

        Detected on the speech alone: the batched pipeline's detection on joined
        window features took English meetings for Welsh. Far-field speech can still
        leave it a coin toss between two languages (English or Welsh near 0.5 on
        two AMI clips, which one depending on how the audio is cut), and English
        decoded as Welsh loops. So when the guess is unsure and the first window's
        text in it fails Whisper's checks, the runner-up language is tried on that
        window, like a temperature fallback for the language; it wins only if its
        text passes. That window's text is returned, so it is not decoded again.
        """
        speech = np.concatenate([w.samples(self.audio) for w in windows[:LANGUAGE_WINDOWS]])
        language, probability, ranked = self.whisper.detect_language(
            speech, language_detection_segments=LANGUAGE_WINDOWS
        )
        self.language, self.language_probability = language, probability
        if probability >= SURE_LANGUAGE or len(ranked) < 2:
            return None
        first = self.decode(windows[:1], language)[0]
        if not first.garbled:
            return first  # the unsure guess reads well (or is silence): keep it
        other = next(lang for lang, _ in ranked if lang != language)
        second = self.decode(windows[:1], other)[0]
        if second.garbled:
            return first
        self.language, self.language_probability = other, dict(ranked)[other]
        return second

    def batch(self, windows: list[SpeechWindow]) -> list[WindowText]:
        """One text per window; the first batch decides the language first."""
        first = self.detect_language(windows) if self.language is None else None
        if first is None:
            return self.decode(windows, self.language)
        return [first, *(self.decode(windows[1:], self.language) if windows[1:] else [])]

    def decode(self, windows: list[SpeechWindow], language: str | None) -> list[WindowText]:
        clips = [w.samples(self.audio) for w in windows]
        offsets = np.cumsum([0, *(len(c) for c in clips)])
        pieces, _ = self.pipeline.transcribe(
            np.concatenate(clips),
            language=language,
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

    def fill_skipped(self, decoded: list[tuple[SpeechWindow, WindowText]]) -> None:
        """Decode again only the speech the windows' decodes skipped, packed end to end
        into as few windows as it needs (one batch for a whole recording, as a rule),
        and put its words back into the windows they came from, in time order.

        Re-decoding whole windows (in halves, then alone) recovered the same words
        for several windows' worth of work on far-field meetings; what a skipped
        stretch needed was a decode of its own, without the speech Whisper
        followed instead.
        """
        owners: list[tuple[SpeechRegion, WindowText]] = []
        for window, text in decoded:
            if not text.silent and not text.garbled:
                owners += [(span, text) for span in skipped_spans(window, text.words)]
        if not owners:
            return
        refill = pack_windows([span for span, _ in owners])
        starts = [span.start for span, _ in owners]
        for gap, got in zip(refill, self.batch(refill)):
            if got.garbled:
                got = self.alone(gap)
            if got.silent:
                continue
            for word in got.words:
                # the skipped stretch the word's time falls in (or the one before it)
                k = bisect.bisect_right(starts, word.start) - 1
                owners[max(k, 0)][1].words.append(word)
        for _, text in owners:
            text.words.sort(key=lambda w: w.start)

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
    decoded: list[tuple[SpeechWindow, WindowText]] = []
    # One batch at a time: cancelling waits for at most one batch.
    for i in range(0, len(windows), batch):
        if cancel is not None:
            cancel.check()
        group = windows[i : i + batch]
        for window, text in zip(group, decoder.batch(group)):
            if text.garbled or text.heard_little(window):
                if cancel is not None:
                    cancel.check()
                text = decoder.alone(window)
            decoded.append((window, text))
        if progress is not None:
            progress(min(1.0, group[-1].end / max(audio.duration, 1e-6)))
    if cancel is not None:
        cancel.check()
    decoder.fill_skipped(decoded)
    segments: list[Segment] = []
    for _, text in decoded:
        if not text.silent:
            confidence = round(math.exp(max(text.avg_logprob, -20.0)), 4)
            segments += split_sentences(text.words, confidence)
    return Transcript(
        language=decoder.language or "",
        duration=audio.duration,
        segments=drop_loops(segments),
        language_probability=round(decoder.language_probability, 4),
    )
