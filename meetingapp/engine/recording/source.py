"""Where recorded audio comes from: a live device, or an array for tests.

Every source yields float32 mono 16 kHz blocks of a fixed size, the format
the whole engine uses, so the recorders never care what the device does.
"""

from __future__ import annotations

import os
import queue
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, Protocol

import av
import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.recording.devices import AudioDeviceError, InputDevice, portaudio

DEFAULT_BLOCK_S = 0.1


class AudioSource(Protocol):
    def blocks(self) -> Iterator[np.ndarray]:
        """Yield float32 mono 16 kHz blocks until the source ends or is closed."""
        ...

    def close(self) -> None: ...


#: How long closing a device may take before it is abandoned (seconds).
CLOSE_TIMEOUT_S = 3.0


class ArraySource:
    """Plays a 16 kHz array as if it were a device: paced in real time or as fast as read."""

    def __init__(
        self, samples: np.ndarray, block_s: float = DEFAULT_BLOCK_S, realtime: bool = False
    ) -> None:
        self.samples = np.asarray(samples, dtype=np.float32)
        self.block = int(block_s * SAMPLE_RATE)
        self.realtime = realtime
        self._closed = False

    def blocks(self) -> Iterator[np.ndarray]:
        t0 = time.monotonic()
        for pos in range(0, len(self.samples), self.block):
            if self._closed:
                return
            if self.realtime:
                delay = t0 + (pos + self.block) / SAMPLE_RATE - time.monotonic()
                if delay > 0:
                    time.sleep(delay)
            yield self.samples[pos : pos + self.block]

    def close(self) -> None:
        self._closed = True


class _Resampler:
    """Streaming resampler to 16 kHz that keeps its filter state between blocks."""

    def __init__(self, rate: int) -> None:
        self.rate = rate
        self._av = av.AudioResampler(format="flt", layout="mono", rate=SAMPLE_RATE)

    def __call__(self, mono: np.ndarray) -> np.ndarray:
        if self.rate == SAMPLE_RATE:
            return mono
        frame = av.AudioFrame.from_ndarray(mono[None, :], format="flt", layout="mono")
        frame.sample_rate = self.rate
        out = [f.to_ndarray().reshape(-1) for f in self._av.resample(frame)]
        return np.concatenate(out) if out else np.zeros(0, dtype=np.float32)


class SoundDeviceSource:
    """Captures one input device through PortAudio, opened at construction.

    The PortAudio callback only queues raw blocks; downmixing, resampling and
    re-blocking happen in the reading thread. A device that stops delivering
    (unplugged, sound server gone) raises :class:`AudioDeviceError` from
    :meth:`blocks` instead of hanging.
    """

    def __init__(
        self,
        device: InputDevice,
        block_s: float = DEFAULT_BLOCK_S,
        stall_timeout_s: float = 5.0,
    ) -> None:
        self.device = device
        self.block = int(block_s * SAMPLE_RATE)
        self.stall_timeout_s = stall_timeout_s
        #: Blocks PortAudio dropped because this process read too slowly.
        self.overflows = 0
        self._queue: queue.Queue[np.ndarray] = queue.Queue()
        self._finished = threading.Event()
        self._closed = False
        self._stream = self._open()
        self._resample = _Resampler(int(self._stream.samplerate))

    def _settings(self) -> list[tuple[int, int]]:
        rates = dict.fromkeys([SAMPLE_RATE, int(self.device.default_rate)])
        channels = dict.fromkeys([1, min(self.device.channels, 2), self.device.channels])
        return [(r, c) for c in channels for r in rates]

    def _open(self) -> Any:
        sd = portaudio()
        last: Exception | None = None
        for rate, channels in self._settings():
            try:
                sd.check_input_settings(
                    device=self.device.index, channels=channels, samplerate=rate, dtype="float32"
                )
                with _pulse_source(self.device.pulse_source):
                    stream = sd.InputStream(
                        device=self.device.index,
                        channels=channels,
                        samplerate=rate,
                        dtype="float32",
                        callback=self._callback,
                        finished_callback=self._finished.set,
                    )
                    stream.start()
                return stream
            except (sd.PortAudioError, ValueError) as e:
                last = e
        raise AudioDeviceError(f"Cannot open audio input {self.device.name!r}: {last}")

    def _callback(self, indata: np.ndarray, frames: int, time_info: Any, status: Any) -> None:
        if status.input_overflow:
            self.overflows += 1
        self._queue.put(indata.mean(axis=1, dtype=np.float32))

    def blocks(self) -> Iterator[np.ndarray]:
        pending = np.zeros(0, dtype=np.float32)
        last_data = time.monotonic()
        while not self._closed:
            try:
                raw = self._queue.get(timeout=0.2)
            except queue.Empty:
                if self._closed:
                    return
                if self._finished.is_set() or time.monotonic() - last_data > self.stall_timeout_s:
                    raise AudioDeviceError(
                        f"Audio input {self.device.name!r} stopped delivering sound "
                        "(unplugged, or the sound server stopped)."
                    ) from None
                continue
            last_data = time.monotonic()
            pending = np.concatenate([pending, self._resample(raw)])
            while len(pending) >= self.block:
                yield pending[: self.block]
                pending = pending[self.block :]

    def close(self) -> None:
        self._closed = True
        # Closing a stream whose sound server died can block forever inside PortAudio:
        # close on a daemon thread and give up after a moment (the device is gone anyway).
        closer = threading.Thread(target=self._close_stream, daemon=True, name="audio-close")
        closer.start()
        closer.join(CLOSE_TIMEOUT_S)

    def _close_stream(self) -> None:
        try:
            self._stream.stop()
            self._stream.close()
        except Exception:  # noqa: BLE001 - the device may already be gone; closing must not fail
            pass


class MixedSource:
    """Sums several sources block by block: the microphone plus what the computer plays."""

    def __init__(self, sources: Sequence[AudioSource]) -> None:
        self.sources = list(sources)

    def blocks(self) -> Iterator[np.ndarray]:
        for parts in zip(*(s.blocks() for s in self.sources), strict=False):
            n = min(len(p) for p in parts)
            yield np.clip(np.sum([p[:n] for p in parts], axis=0), -1.0, 1.0).astype(np.float32)

    def close(self) -> None:
        for s in self.sources:
            s.close()


@contextmanager
def _pulse_source(name: str | None) -> Iterator[None]:
    """Points the ALSA ``pulse`` device at one PulseAudio source while a stream opens."""
    saved = os.environ.get("PULSE_SOURCE")
    if name is not None:
        os.environ["PULSE_SOURCE"] = name
    try:
        yield
    finally:
        if name is not None and saved is None:
            os.environ.pop("PULSE_SOURCE", None)
        elif name is not None and saved is not None:
            os.environ["PULSE_SOURCE"] = saved


def open_devices(devices: Sequence[InputDevice], block_s: float = DEFAULT_BLOCK_S) -> AudioSource:
    """One device as is, several mixed into one stream."""
    opened: list[AudioSource] = []
    try:
        for d in devices:
            opened.append(SoundDeviceSource(d, block_s=block_s))
    except AudioDeviceError:
        for s in opened:
            s.close()
        raise
    return opened[0] if len(opened) == 1 else MixedSource(opened)
