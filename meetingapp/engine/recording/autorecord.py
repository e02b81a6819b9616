"""Voice-activated recording: start when people talk, stop after a long silence.

A pure state machine fed with 16 kHz blocks, so tests drive it with arrays
and the session drives it with a device. A recording starts only when the
last ``trigger_window_s`` hold at least ``min_speech_s`` of frames that are
both loud enough and judged speech, so a cough or far-away chatter does not
start one; it then includes the ``pre_roll_s`` (plus the trigger window)
before the trigger, so the first word is never clipped. It stops after
``hangover_s`` without speech; each recording is a separate file.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Protocol

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE


class SpeechGate(Protocol):
    """Says whether one fixed-size frame is speech; may keep state across frames."""

    frame_samples: int

    def is_speech(self, frame: np.ndarray) -> bool: ...


class SileroGate:
    """Streaming Silero VAD (the model bundled with faster-whisper), 32 ms frames.

    Ignores steady noise (fans, hiss) at any level, unlike webrtcvad, which
    takes loud white or pink noise for speech.
    """

    frame_samples = 512
    _context = 64

    def __init__(self, threshold: float = 0.5) -> None:
        from faster_whisper.vad import get_vad_model

        self.threshold = threshold
        self._session = get_vad_model().session
        self._h = np.zeros((1, 1, 128), dtype=np.float32)
        self._c = np.zeros((1, 1, 128), dtype=np.float32)
        self._ctx = np.zeros(self._context, dtype=np.float32)

    def is_speech(self, frame: np.ndarray) -> bool:
        x = np.concatenate([self._ctx, frame.astype(np.float32)])[None, :]
        prob, self._h, self._c = self._session.run(None, {"input": x, "h": self._h, "c": self._c})
        self._ctx = x[0, -self._context :]
        return float(prob.reshape(-1)[0]) >= self.threshold


class WebRtcGate:
    """webrtcvad on 30 ms frames: cheaper than Silero, but fooled by loud steady noise."""

    frame_samples = 480

    def __init__(self, aggressiveness: int = 3) -> None:
        import webrtcvad

        self._vad = webrtcvad.Vad(aggressiveness)

    def is_speech(self, frame: np.ndarray) -> bool:
        pcm = (np.clip(frame, -1.0, 1.0) * 32767.0).astype("<i2").tobytes()
        return bool(self._vad.is_speech(pcm, SAMPLE_RATE))


def level_dbfs(x: np.ndarray) -> float:
    """RMS level in dB relative to full scale (-100 for digital silence)."""
    if len(x) == 0:
        return -100.0
    rms = float(np.sqrt(np.mean(np.square(x, dtype=np.float64))))
    return max(-100.0, 20.0 * np.log10(rms + 1e-10))


class RecorderState(StrEnum):
    IDLE = "idle"
    LISTENING = "listening"
    RECORDING = "recording"
    PAUSED = "paused"


@dataclass
class RecorderStatus:
    """What the UI shows: state, input level meter, current and finished recordings."""

    state: RecorderState
    level_dbfs: float
    recording_s: float
    recordings: int


StatusFn = Callable[[RecorderStatus], None]


class Sink(Protocol):
    """Receives one recording (a :class:`WavWriter` is one)."""

    def write(self, block: np.ndarray) -> None: ...

    def close(self) -> Path | None: ...


@dataclass
class AutoRecordSettings:
    pre_roll_s: float = 1.5
    hangover_s: float = 15.0
    min_speech_s: float = 0.5
    trigger_window_s: float = 1.0
    min_level_dbfs: float = -45.0
    #: "silero" or "webrtc".
    gate: str = "silero"


def make_gate(name: str) -> SpeechGate:
    if name == "silero":
        return SileroGate()
    if name == "webrtc":
        return WebRtcGate()
    raise ValueError(f"unknown speech gate {name!r} (use 'silero' or 'webrtc')")


class _Recorder:
    """Shared plumbing: re-framing, the open sink, pause/resume and status reports."""

    def __init__(
        self, open_sink: Callable[[], Sink], on_status: StatusFn | None, frame_samples: int
    ) -> None:
        self.open_sink = open_sink
        self.on_status = on_status
        self.frame_samples = frame_samples
        self.finished: list[Path] = []
        self.state = RecorderState.LISTENING
        self._resume_state = self.state
        self._sink: Sink | None = None
        self._recorded = 0
        self._pending = np.zeros(0, dtype=np.float32)

    def feed(self, block: np.ndarray) -> None:
        """Process one block of 16 kHz mono float32 audio."""
        if self.state == RecorderState.IDLE:
            raise RuntimeError("recorder is stopped")
        if self.state != RecorderState.PAUSED:
            self._pending = np.concatenate([self._pending, block.astype(np.float32)])
            n = len(self._pending) // self.frame_samples * self.frame_samples
            for pos in range(0, n, self.frame_samples):
                self._frame(self._pending[pos : pos + self.frame_samples])
            self._pending = self._pending[n:]
        self._report(level_dbfs(block))

    def _frame(self, frame: np.ndarray) -> None:
        raise NotImplementedError

    def _open(self, audio: np.ndarray) -> None:
        self._sink = self.open_sink()
        self._recorded = 0
        self.state = RecorderState.RECORDING
        self._write(audio)

    def _write(self, audio: np.ndarray) -> None:
        assert self._sink is not None
        self._sink.write(audio)
        self._recorded += len(audio)

    def _close(self) -> None:
        if self._sink is None:
            return
        path = self._sink.close()
        self._sink = None
        self._recorded = 0
        if path is not None:
            self.finished.append(path)

    def pause(self) -> None:
        """Stop taking audio in (privacy); an open recording stays open and resumes."""
        if self.state in (RecorderState.LISTENING, RecorderState.RECORDING):
            self._resume_state = self.state
            self.state = RecorderState.PAUSED
            self._report(-100.0)

    def resume(self) -> None:
        if self.state == RecorderState.PAUSED:
            self.state = self._resume_state
            self._report(-100.0)

    def stop(self) -> list[Path]:
        """Finish any open recording; returns every recording made."""
        if self.state != RecorderState.IDLE:
            if self.state == RecorderState.RECORDING and len(self._pending):
                self._write(self._pending)
            self._pending = np.zeros(0, dtype=np.float32)
            self._close()
            self.state = RecorderState.IDLE
            self._report(-100.0)
        return self.finished

    def _report(self, level: float) -> None:
        if self.on_status is not None:
            status = RecorderStatus(
                self.state, level, self._recorded / SAMPLE_RATE, len(self.finished)
            )
            self.on_status(status)


class ManualRecorder(_Recorder):
    """Records everything from the first block to :meth:`stop`, into one file."""

    def __init__(self, open_sink: Callable[[], Sink], on_status: StatusFn | None = None) -> None:
        super().__init__(open_sink, on_status, frame_samples=1600)

    def _frame(self, frame: np.ndarray) -> None:
        if self._sink is None:
            self._open(frame)
        else:
            self._write(frame)


class AutoRecorder(_Recorder):
    """Opens a new recording when speech starts and closes it after a long silence."""

    def __init__(
        self,
        open_sink: Callable[[], Sink],
        settings: AutoRecordSettings | None = None,
        on_status: StatusFn | None = None,
        gate: SpeechGate | None = None,
    ) -> None:
        self.settings = s = settings or AutoRecordSettings()
        self.gate = gate or make_gate(s.gate)
        super().__init__(open_sink, on_status, self.gate.frame_samples)
        frame_s = self.frame_samples / SAMPLE_RATE
        self._frame_s = frame_s
        self._window: deque[bool] = deque(maxlen=max(1, round(s.trigger_window_s / frame_s)))
        self._history: deque[np.ndarray] = deque(
            maxlen=max(1, round((s.pre_roll_s + s.trigger_window_s) / frame_s))
        )
        self._silence_s = 0.0

    def _frame(self, frame: np.ndarray) -> None:
        s = self.settings
        speech = self.gate.is_speech(frame) and level_dbfs(frame) >= s.min_level_dbfs
        if self.state == RecorderState.RECORDING:
            self._write(frame)
            self._silence_s = 0.0 if speech else self._silence_s + self._frame_s
            if self._silence_s >= s.hangover_s:
                self._close()
                self.state = RecorderState.LISTENING
                self._window.clear()
                self._history.clear()
            return
        self._history.append(frame)
        self._window.append(speech)
        if sum(self._window) * self._frame_s >= s.min_speech_s:
            self._open(np.concatenate(self._history))
            self._silence_s = 0.0

    def pause(self) -> None:
        super().pause()
        self._window.clear()
        self._history.clear()
