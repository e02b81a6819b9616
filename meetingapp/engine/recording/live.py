"""Live transcript while recording: text that grows as people talk.

Audio is transcribed in a background thread every ``step_s`` of new audio,
re-reading the not yet committed buffer: that text is shown as tentative,
since later passes with more context may still correct it. Once the buffer
holds ``commit_after_s``, it is cut in the middle of its latest pause (found
by VAD, at least ``settle_s`` before the end): the audio before the cut is
transcribed once more as committed text and dropped, so nothing is lost or
repeated. The text is rough (small model, no speakers): the pipeline
re-transcribes the saved file properly afterwards.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE, Audio
from meetingapp.engine.vad import detect_speech

if TYPE_CHECKING:
    from faster_whisper import WhisperModel


@dataclass
class LiveText:
    committed: str
    tentative: str
    #: which recording of the session this is (voice-activated recording makes one per
    #: stretch of talk, each with its own text), so a listener can tell them apart
    part: int = 0

    @property
    def text(self) -> str:
        return " ".join(t for t in (self.committed, self.tentative) if t)


@dataclass
class LiveSettings:
    step_s: float = 3.0
    commit_after_s: float = 10.0
    settle_s: float = 2.0
    #: Speech without any pause for this long is cut at its quietest moment.
    max_buffer_s: float = 25.0
    language: str | None = None


class LiveTranscriber:
    """Feed it blocks; it calls ``on_text`` with the whole text so far after each pass."""

    def __init__(
        self,
        model: WhisperModel,
        on_text: Callable[[LiveText], None] | None = None,
        settings: LiveSettings | None = None,
        part: int = 0,
    ) -> None:
        self.model = model
        self.on_text = on_text
        self.settings = settings or LiveSettings()
        self.part = part
        self.result = LiveText("", "", part)
        self.error: Exception | None = None
        self._queue: queue.Queue[np.ndarray | None] = queue.Queue()
        self._buffer = np.zeros(0, dtype=np.float32)
        self._fed = 0
        self._done = 0
        self._thread = threading.Thread(target=self._run, name="live-transcript", daemon=True)
        self._thread.start()

    def feed(self, block: np.ndarray) -> None:
        """Queue audio; never blocks the recording thread."""
        self._fed += len(block)
        self._queue.put(block.astype(np.float32))

    @property
    def backlog_s(self) -> float:
        """Seconds of audio fed but not yet in the text: how far the transcript lags."""
        return (self._fed - self._done) / SAMPLE_RATE

    def close(self) -> LiveText:
        """Transcribe what is left and return the final text."""
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error
        return self.result

    def _run(self) -> None:
        new = taken = 0
        try:
            while True:
                block = self._queue.get()
                if block is None:
                    self._pass(final=True)
                    self._done = self._fed
                    return
                self._buffer = np.concatenate([self._buffer, block])
                new += len(block)
                taken += len(block)
                if new >= self.settings.step_s * SAMPLE_RATE and self._queue.empty():
                    self._pass(final=False)
                    self._done = taken
                    new = 0
        except Exception as e:  # noqa: BLE001 - reported by close(), must not kill the recording
            self.error = e

    def _pass(self, final: bool) -> None:
        committed = self.result.committed
        if not final and len(self._buffer) >= self.settings.commit_after_s * SAMPLE_RATE:
            cut = self._cut_point()
            if cut:
                head, self._buffer = self._buffer[:cut], self._buffer[cut:]
                committed = _join(committed, self._transcribe(head))
        tentative = self._transcribe(self._buffer)
        if final:
            committed, tentative = _join(committed, tentative), ""
            self._buffer = np.zeros(0, dtype=np.float32)
        self._emit(committed, tentative)

    def _cut_point(self) -> int | None:
        """Sample index in the middle of the latest settled pause, or a forced cut.

        Cutting in a pause means no word is split between the committed text
        and the rest; whisper's own timestamps are too loose for this.
        """
        s = self.settings
        duration = len(self._buffer) / SAMPLE_RATE
        regions = detect_speech(Audio(self._buffer))
        edges = [0.0] + [t for r in regions for t in (r.start, r.end)] + [duration]
        pauses = [(a + b) / 2 for a, b in zip(edges[::2], edges[1::2], strict=True)]
        settled = [m for m in pauses if 0 < m <= duration - s.settle_s]
        if settled:
            return int(settled[-1] * SAMPLE_RATE)
        if duration < s.max_buffer_s:
            return None
        # Speech with no pause for max_buffer_s: cut at the quietest 100 ms that is settled.
        hop = SAMPLE_RATE // 10
        end = int((duration - s.settle_s) * SAMPLE_RATE) // hop
        frames = self._buffer[: end * hop].reshape(end, hop)
        start = end // 2
        quietest = start + int(np.argmin(np.square(frames[start:]).mean(axis=1)))
        return quietest * hop + hop // 2

    def _transcribe(self, audio: np.ndarray) -> str:
        """Text of ``audio`` alone: no prompt, which makes tiny models drop a closing sentence."""
        if len(audio) < SAMPLE_RATE // 10:
            return ""
        segments, _ = self.model.transcribe(
            audio,
            language=self.settings.language,
            beam_size=1,
            vad_filter=True,
            condition_on_previous_text=False,
        )
        return " ".join(seg.text.strip() for seg in segments)

    def _emit(self, committed: str, tentative: str) -> None:
        self.result = LiveText(committed, tentative, self.part)
        if self.on_text is not None:
            self.on_text(self.result)


def _join(a: str, b: str) -> str:
    return " ".join(t for t in (a, b) if t)
