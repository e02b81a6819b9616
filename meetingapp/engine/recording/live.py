"""Live transcript while recording: text that grows as people talk.

Audio is transcribed in a background thread every ``step_s`` of new audio,
re-reading the not yet settled tail of the buffer. Segments that end well
before the buffer end (``settle_s``) and once enough context has been heard
(``commit_after_s``) are committed and their audio dropped; the rest is shown
as tentative text that later passes may still correct. The final text is
rough (small model, no diarization): the pipeline re-transcribes the saved
file properly afterwards.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from meetingapp.engine.types import SAMPLE_RATE

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

#: Committed text handed back to the model as context, in characters.
PROMPT_CHARS = 200


@dataclass
class LiveText:
    committed: str
    tentative: str

    @property
    def text(self) -> str:
        return " ".join(t for t in (self.committed, self.tentative) if t)


@dataclass
class LiveSettings:
    step_s: float = 3.0
    commit_after_s: float = 10.0
    settle_s: float = 2.0
    #: Past this, everything but the last segment is committed whatever happens.
    max_buffer_s: float = 25.0
    language: str | None = None


class LiveTranscriber:
    """Feed it blocks; it calls ``on_text`` with the whole text so far after each pass."""

    def __init__(
        self,
        model: WhisperModel,
        on_text: Callable[[LiveText], None] | None = None,
        settings: LiveSettings | None = None,
    ) -> None:
        self.model = model
        self.on_text = on_text
        self.settings = settings or LiveSettings()
        self.result = LiveText("", "")
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
        s = self.settings
        duration = len(self._buffer) / SAMPLE_RATE
        if duration < 0.1:
            self._emit(self.result.committed, "")
            return
        segments, _ = self.model.transcribe(
            self._buffer,
            language=s.language,
            beam_size=1,
            vad_filter=True,
            condition_on_previous_text=False,
            initial_prompt=self.result.committed[-PROMPT_CHARS:] or None,
        )
        segs = [(seg.start, seg.end, seg.text.strip()) for seg in segments]
        if final:
            done = len(segs)
        elif duration >= s.max_buffer_s:
            done = max(len(segs) - 1, 0)
        elif duration >= s.commit_after_s:
            done = sum(1 for _, end, _ in segs if end <= duration - s.settle_s)
        else:
            done = 0
        committed = " ".join([self.result.committed, *(t for _, _, t in segs[:done])]).strip()
        if done:
            # Cut between the last committed segment and the next, never inside a word.
            cut = (
                segs[done - 1][1] if done == len(segs) else (segs[done - 1][1] + segs[done][0]) / 2
            )
            self._buffer = self._buffer[int(cut * SAMPLE_RATE) :]
        elif not segs and duration > s.max_buffer_s:
            self._buffer = self._buffer[-SAMPLE_RATE:]
        if final:
            self._buffer = np.zeros(0, dtype=np.float32)
        self._emit(committed, " ".join(t for _, _, t in segs[done:]))

    def _emit(self, committed: str, tentative: str) -> None:
        self.result = LiveText(committed, tentative)
        if self.on_text is not None:
            self.on_text(self.result)
