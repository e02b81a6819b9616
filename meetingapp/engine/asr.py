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
from typing import Any, cast

import ctranslate2
import numpy as np
from faster_whisper import BatchedInferencePipeline, WhisperModel
from faster_whisper.audio import pad_or_trim
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
#: The language is detected on up to this many windows (faster-whisper's rule).
LANGUAGE_WINDOWS = 3
#: Below this probability a first window that fails Whisper's checks is tried in the
#: runner-up language. Whisper's language ID gives close-talk speech >= 0.9; set
#: before trying it, not tuned (benchmarks/asr_accuracy.py's lang column shows it).
SURE_LANGUAGE = 0.8
#: Windows decoded together on a CPU. Each one in a batch holds its beams' attention
#: caches: four (faster-whisper's default) raise the peak memory of a decode to
#: 1.4-1.7x plain faster-whisper's, two to 1.2-1.3x, and decode about as fast on 2-4
#: cores (benchmarks/asr_accuracy.py).
CPU_BATCH = 2

log = logging.getLogger(__name__)


@dataclass
class AsrSettings:
    language: str | None = None
    beam_size: int = 5
    #: 0: by device — :data:`CPU_BATCH` windows on a CPU, 16 on a GPU
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


class _KeptEncoding:
    """The Whisper model as the batched pipeline sees it, except that one encoder
    output computed beforehand (for language detection) is used by the decode of
    the same features instead of being computed again: the encoder is about 40%
    of a CPU decode, and faster-whisper's pipeline would run it twice on the
    first windows."""

    def __init__(self, whisper: WhisperModel) -> None:
        self._whisper = whisper
        self._kept: tuple[np.ndarray, ctranslate2.StorageView] | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._whisper, name)

    def keep(self, features: np.ndarray, encoded: ctranslate2.StorageView) -> None:
        self._kept = (features, encoded)

    def encode(self, features: np.ndarray) -> ctranslate2.StorageView:
        kept, self._kept = self._kept, None
        if kept is not None and np.array_equal(kept[0], features):  # False on other shapes
            return kept[1]
        return self._whisper.encode(features)


def _clip_bounds(windows: list[SpeechWindow], audio: Audio) -> tuple[np.ndarray, list[dict]]:
    """The windows' speech joined end to end, and each window's span in it (seconds),
    as the batched pipeline's ``clip_timestamps`` take them."""
    clips = [w.samples(audio) for w in windows]
    offsets = np.cumsum([0, *(len(c) for c in clips)])
    bounds = [
        {"start": a / SAMPLE_RATE, "end": b / SAMPLE_RATE}
        for a, b in zip(offsets[:-1], offsets[1:])
    ]
    return np.concatenate(clips), bounds


def _decide_language(per_window: list[list[tuple[str, float]]]) -> tuple[str, float]:
    """faster-whisper's rule over several windows: the first one whose top language
    passes 0.5 decides; otherwise the language on top most often, at its best."""
    seen: dict[str, list[float]] = {}
    for ranked in per_window:
        language, probability = ranked[0]
        if probability > 0.5:
            return language, probability
        seen.setdefault(language, []).append(probability)
    language = max(seen, key=lambda lang: len(seen[lang]))
    return language, max(seen[language])


class WindowDecoder:
    """Decodes windows in batches, and one by one with fallback when a batch fails.

    It also keeps the stretches of speech a decode skipped (:func:`skipped_spans`)
    until they are decoded again: packed end to end into windows of their own,
    which ride in the last batch of the recording when it has room, so the second
    look costs no batch of its own on most recordings.
    """

    def __init__(self, whisper: WhisperModel, audio: Audio, settings: AsrSettings) -> None:
        self.whisper = whisper
        self.audio = audio
        self.settings = settings
        self.encoding = _KeptEncoding(whisper)
        self.pipeline = BatchedInferencePipeline(cast(WhisperModel, self.encoding))
        self.language = settings.language if whisper.model.is_multilingual else "en"
        self.language_probability = 1.0 if self.language else 0.0
        #: every skipped stretch so far, in time order, with the text its words join
        self.skipped: list[tuple[SpeechRegion, WindowText]] = []
        #: how many of :attr:`skipped` are decoded (or in a batch being decoded)
        self.taken = 0

    def detect_language(self, windows: list[SpeechWindow]) -> list[WindowText]:
        """Decide the language once for the recording, and decode ``windows`` in it.

        Detected on the first windows' own features, the ones their decode reads (its
        encoder output is reused): the batched pipeline's detection on joined window
        features took English meetings for Welsh. Far-field speech can still
        leave it a coin toss between two languages (English or Welsh near 0.5 on
        two AMI clips, which one depending on how the audio is cut), and English
        decoded as Welsh loops. So when the guess is unsure and the first window's
        text in it fails Whisper's checks, the runner-up language is tried on that
        window, like a temperature fallback for the language; it wins only if its
        text passes, and then the rest of the batch is decoded again in it.
        """
        joined, bounds = _clip_bounds(windows, self.audio)
        features = self._features(joined, bounds)
        encoded = self.whisper.encode(features)
        self.encoding.keep(features, encoded)  # the decode below reuses it
        per_window = [
            [(token[2:-2], p) for token, p in scores]  # "<|en|>" -> "en"
            for scores in self.whisper.model.detect_language(encoded)[:LANGUAGE_WINDOWS]
        ]
        language, probability = _decide_language(per_window)
        ranked = per_window[0]
        self.language, self.language_probability = language, probability
        texts = self.decode(windows, language)
        if probability >= SURE_LANGUAGE or len(ranked) < 2 or not texts[0].garbled:
            return texts  # a sure guess, or an unsure one that reads well (or is silence)
        other = next(lang for lang, _ in ranked if lang != language)
        first = self.decode(windows[:1], other)[0]
        if first.garbled:
            return texts
        self.language, self.language_probability = other, dict(ranked)[other]
        return [first, *(self.decode(windows[1:], other) if windows[1:] else [])]

    def batch(self, windows: list[SpeechWindow]) -> list[WindowText]:
        """One text per window; the first batch decides the language first."""
        if self.language is None:
            return self.detect_language(windows)
        return self.decode(windows, self.language)

    def decode(self, windows: list[SpeechWindow], language: str | None) -> list[WindowText]:
        joined, bounds = _clip_bounds(windows, self.audio)
        pieces, _ = self.pipeline.transcribe(
            joined,
            language=language,
            beam_size=self.settings.beam_size,
            batch_size=len(windows),
            word_timestamps=True,
            without_timestamps=True,
            vad_filter=False,
            clip_timestamps=bounds,
        )
        found: list[list[FwSegment]] = [[] for _ in windows]
        for piece in pieces:
            # a window's text starts at its offset, give or take rounding
            k = int(np.argmin([abs(b["start"] - piece.start) for b in bounds]))
            found[k].append(piece)
        return [
            _window_text(w, got, bounds[k]["start"])
            for k, (w, got) in enumerate(zip(windows, found))
        ]

    def _features(self, joined: np.ndarray, bounds: list[dict]) -> np.ndarray:
        """The batched pipeline's features for these windows, computed its way
        (it cuts ``joined`` at ``int(seconds * rate)``), so its encode can reuse ours."""
        extract = self.whisper.feature_extractor
        clips = [
            joined[int(b["start"] * SAMPLE_RATE) : int(b["end"] * SAMPLE_RATE)] for b in bounds
        ]
        return np.stack([pad_or_trim(extract(c)[..., :-1]) for c in clips])

    def note_skipped(self, window: SpeechWindow, text: WindowText) -> None:
        """Keep the stretches of ``window``'s speech its (final) text skipped.

        Re-decoding whole windows (in halves, then alone) recovered the same words
        for several windows' worth of work on far-field meetings; what a skipped
        stretch needed was a decode of its own, without the speech Whisper
        followed instead.
        """
        if not text.silent and not text.garbled:
            self.skipped += [(span, text) for span in skipped_spans(window, text.words)]

    def take_refill(self, room: int | None = None) -> list[SpeechWindow]:
        """Up to ``room`` windows (all when None) of skipped speech not yet taken."""
        refill = pack_windows([span for span, _ in self.skipped[self.taken :]])
        refill = refill if room is None else refill[:room]
        # skipped stretches are parts of one window's speech, so none is split
        self.taken += sum(len(w.pieces) for w in refill)
        return refill

    def put_back(self, refill: list[SpeechWindow], texts: list[WindowText]) -> None:
        """Put the words of refill windows into the texts whose speech they are, in time order."""
        starts = [span.start for span, _ in self.skipped]
        for gap, got in zip(refill, texts):
            if got.garbled:
                got = self.alone(gap)
            if got.silent:
                continue
            for word in got.words:
                # the skipped stretch the word's time falls in (or the one before it)
                k = bisect.bisect_right(starts, word.start) - 1
                owner = self.skipped[max(k, 0)][1]
                bisect.insort(owner.words, word, key=lambda w: w.start)

    def refill_rest(self, batch: int) -> None:
        """Decode every skipped stretch not yet taken, ``batch`` windows at a time."""
        refill = self.take_refill()
        for i in range(0, len(refill), batch):
            group = refill[i : i + batch]
            self.put_back(group, self.batch(group))

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
    batch = s.batch_size or (16 if pick_device(s.device)[0] == "cuda" else CPU_BATCH)
    decoder = WindowDecoder(whisper, audio, s)
    decoded: list[tuple[SpeechWindow, WindowText]] = []
    # One batch at a time: cancelling waits for at most one batch.
    for i in range(0, len(windows), batch):
        if cancel is not None:
            cancel.check()
        group = windows[i : i + batch]
        # the last batch takes the skipped speech found so far, as far as it has room
        refill = decoder.take_refill(batch - len(group)) if i + batch >= len(windows) else []
        texts = decoder.batch(group + refill)
        for window, text in zip(group, texts):
            if text.garbled or text.heard_little(window):
                if cancel is not None:
                    cancel.check()
                text = decoder.alone(window)
            decoded.append((window, text))
            decoder.note_skipped(window, text)
        decoder.put_back(refill, texts[len(group) :])
        if progress is not None:
            progress(min(1.0, group[-1].end / max(audio.duration, 1e-6)))
    if cancel is not None:
        cancel.check()
    decoder.refill_rest(batch)
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
