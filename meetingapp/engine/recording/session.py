"""One recording session, headless: what ``meetingapp record`` and the UI run.

It opens the device(s), feeds blocks to a manual or voice-activated recorder
that writes crash-safe WAVs, optionally transcribes live, and stops on
``max_duration``, Ctrl-C, :meth:`RecordControls.stop` or a cancelled token,
always leaving finished WAV files behind, even when the device fails.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.recording.autorecord import (
    AutoRecorder,
    AutoRecordSettings,
    ManualRecorder,
    RecorderState,
    StatusFn,
)
from meetingapp.engine.recording.devices import RecordingInterrupted, find_device
from meetingapp.engine.recording.live import LiveSettings, LiveText, LiveTranscriber
from meetingapp.engine.recording.source import AudioSource, open_devices
from meetingapp.engine.recording.writer import WavWriter, new_recording_path
from meetingapp.errors import MeetingAppError

if TYPE_CHECKING:
    from faster_whisper import WhisperModel

PAUSED = RecorderState.PAUSED


class RecordControls:
    """Thread-safe buttons for a running session (the UI's pause and stop)."""

    def __init__(self) -> None:
        self._paused = threading.Event()
        self._stopped = threading.Event()

    def pause(self) -> None:
        self._paused.set()

    def resume(self) -> None:
        self._paused.clear()

    def stop(self) -> None:
        self._stopped.set()

    @property
    def paused(self) -> bool:
        return self._paused.is_set()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()


class _Recording:
    """One output file, optionally transcribed live as it is written."""

    def __init__(self, path: Path, live: LiveTranscriber | None) -> None:
        self.writer = WavWriter(path)
        self.live = live

    def write(self, block: np.ndarray) -> None:
        self.writer.write(block)
        if self.live is not None:
            self.live.feed(block)

    def close(self) -> Path | None:
        path = self.writer.close()
        if self.live is not None:
            self.live.close()
        return path


def record(
    out_dir: Path,
    device: str | Sequence[str] | None = None,
    auto: bool = False,
    max_duration: float | None = None,
    *,
    auto_settings: AutoRecordSettings | None = None,
    live_model: WhisperModel | None = None,
    live_settings: LiveSettings | None = None,
    on_status: StatusFn | None = None,
    on_text: Callable[[LiveText], None] | None = None,
    controls: RecordControls | None = None,
    cancel: CancelToken | None = None,
    source: AudioSource | None = None,
) -> list[Path]:
    """Record into ``out_dir`` and return the finished WAV files, oldest first.

    ``device`` is a name (exact or unique substring, see ``--list-devices``),
    several names to mix (microphone + system audio), or ``None`` for the
    default input; ``source`` replaces the device (tests, files). ``auto``
    records only while people talk, one file per stretch of speech.
    ``live_model`` turns on the live transcript: ``on_text`` gets the growing
    text of the current recording (its ``part``: 0 for the first, then 1, ...).
    If the device fails, what was recorded is saved and
    :class:`RecordingInterrupted` carries the paths.
    """
    out_dir = Path(out_dir)
    parts = 0

    def open_sink() -> _Recording:
        nonlocal parts
        live = None
        if live_model is not None:
            live = LiveTranscriber(live_model, on_text, live_settings, part=parts)
        parts += 1
        return _Recording(new_recording_path(out_dir), live)

    recorder = (
        AutoRecorder(open_sink, auto_settings, on_status)
        if auto
        else ManualRecorder(open_sink, on_status)
    )
    if source is None:
        names = [device] if device is None or isinstance(device, str) else list(device)
        source = open_devices([find_device(n) for n in names])
    limit = None if max_duration is None else int(max_duration * SAMPLE_RATE)
    fed = 0
    try:
        for block in source.blocks():
            if (cancel is not None and cancel.cancelled) or (controls and controls.stopped):
                break
            if controls is not None and controls.paused != (recorder.state == PAUSED):
                if controls.paused:
                    recorder.pause()
                else:
                    recorder.resume()
            if limit is not None:
                block = block[: limit - fed]
            recorder.feed(block)
            fed += len(block)
            if limit is not None and fed >= limit:
                break
    except KeyboardInterrupt:
        pass
    except MeetingAppError as e:
        paths = recorder.stop()
        saved = f" {len(paths)} recording(s) saved." if paths else ""
        raise RecordingInterrupted(f"{e} Recording stopped.{saved}", paths) from None
    finally:
        source.close()
        recorder.stop()
    return recorder.finished
