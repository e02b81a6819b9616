"""Decode any file ffmpeg can read into 16 kHz mono float32.

PyAV (shipped with faster-whisper, with its own ffmpeg libraries) does the
decoding, so no system ffmpeg is needed. Every failure becomes a
:class:`BadInputError` that names the file and says why.
"""

from __future__ import annotations

import errno
import os
import stat
import wave
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, tzinfo
from pathlib import Path

import av
import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE, Audio
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.errors import BadInputError

#: A file whose header promises this much more audio than decodes is truncated.
TRUNCATION_TOLERANCE_S = 1.0


@dataclass
class AudioInfo:
    duration: float
    sample_rate: int
    channels: int
    codec: str
    has_video: bool
    #: when the recording was made, from its metadata (UTC); None when it does not say
    recorded_at: datetime | None = None


def check_readable(path: Path) -> None:
    """Fail early, with a clear cause, for paths that cannot be decoded."""
    try:
        st = path.stat()
    except OSError as e:
        raise BadInputError(path, _path_problem(e)) from None
    if stat.S_ISDIR(st.st_mode):
        raise BadInputError(path, "is a folder, not an audio file")
    if not stat.S_ISREG(st.st_mode):  # a pipe or device: its size says nothing, reading may block
        raise BadInputError(path, "not a regular file (a pipe, socket or device)")
    if st.st_size == 0:
        raise BadInputError(path, "file is empty (0 bytes)")
    if not os.access(path, os.R_OK):
        raise BadInputError(path, "permission denied (file is not readable)")


#: Why a path cannot even be looked at, in the user's words (errno → cause).
PATH_PROBLEMS = {
    errno.ENOENT: "file not found (was it moved or deleted?)",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ELOOP: "too many levels of symbolic links (a symlink loop?)",
    errno.ENOTDIR: "file not found (a part of the path is a file, not a folder)",
    errno.ENAMETOOLONG: "file name too long for this file system",
}


def _path_problem(e: OSError) -> str:
    """Every way ``stat`` can fail becomes a cause, so none escapes as a traceback."""
    return PATH_PROBLEMS.get(e.errno or 0) or f"cannot open: {_reason(e)}"


def _open(path: Path) -> av.container.InputContainer:
    check_readable(path)
    try:
        return av.open(str(path), metadata_errors="ignore")
    except av.error.InvalidDataError:
        raise BadInputError(path, "not an audio or video file (ffmpeg cannot read it)") from None
    except (av.error.FFmpegError, OSError) as e:  # vanished or locked since the check
        raise BadInputError(path, _path_problem(e)) from None


def _reason(e: BaseException) -> str:
    if isinstance(e, av.error.FFmpegError) and e.strerror:
        return str(e.strerror)
    if isinstance(e, OSError) and e.errno is not None:
        return os.strerror(e.errno) if e.errno != errno.EIO else "input/output error"
    return str(e) or type(e).__name__


def _declared_duration(container: av.container.InputContainer, stream: av.AudioStream) -> float:
    if stream.duration is not None and stream.time_base is not None:
        return max(float(stream.duration * stream.time_base), _wav_header_duration(container))
    if container.duration is not None:
        return container.duration / av.time_base
    return 0.0


def _wav_header_duration(container: av.container.InputContainer) -> float:
    """What a PCM WAV's own header promises: ffmpeg goes by the file's size, so a
    recording cut short would otherwise pass for a complete one."""
    try:
        with wave.open(container.name, "rb") as w:
            return w.getnframes() / max(w.getframerate(), 1)
    except (wave.Error, EOFError, OSError, ValueError):
        return 0.0


def probe(path: Path) -> AudioInfo:
    """Read the header: duration, format, whether there is a video track."""
    path = Path(path)
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInputError(path, "has no audio track")
        stream = container.streams.audio[0]
        return AudioInfo(
            duration=_declared_duration(container, stream),
            sample_rate=stream.rate or 0,
            channels=stream.channels or 0,
            codec=stream.codec_context.name,
            has_video=bool(container.streams.video),
            recorded_at=recorded_at(dict(container.metadata)) or recorded_at(dict(stream.metadata)),
        )


#: Creation times before this are a container's zero date (1904, 1970), not a recording.
EARLIEST_RECORDING = datetime(1990, 1, 1, tzinfo=UTC)


def recorded_at(metadata: dict[str, str]) -> datetime | None:
    """When a recording was made, as its metadata says, in UTC.

    A file's modified time is when it was last copied or synced as often as when it
    was recorded, so the metadata wins: Apple's creation date (local time with its
    offset), ffmpeg's ``creation_time`` (UTC: MP4/MOV/M4A, Matroska), and a Broadcast
    WAV's origination date and time (local time, which ffmpeg reads as ``date`` and
    a bare ``creation_time``). A year or a date alone (a music tag) is not a time of
    recording, and a zero or future date is a recorder's unset clock: both are None.
    """
    meta = {k.lower(): v.strip() for k, v in metadata.items()}
    candidates: list[tuple[str, tzinfo | None]] = [
        (meta.get("com.apple.quicktime.creationdate", ""), None),
        (meta.get("creation_time", ""), UTC),
        (meta.get("date", ""), None),
    ]
    if "date" in meta and "creation_time" in meta:  # Broadcast WAV: a date, then a time
        candidates.append((f"{meta['date']}T{meta['creation_time']}", None))
    latest = datetime.now(UTC) + timedelta(days=1)
    for text, zone in candidates:
        when = _parse_time(text, zone)
        if when is not None and EARLIEST_RECORDING <= when <= latest:
            return when
    return None


def _parse_time(text: str, zone: tzinfo | None) -> datetime | None:
    """A full ISO date and time (``zone`` when it names none, else local time), or None."""
    if len(text) < len("2000-01-01T00:00") or text[10:11] not in ("T", " "):
        return None
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=zone) if zone is not None else when.astimezone()
    return when.astimezone(UTC)


def load_audio(
    path: Path,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Audio:
    """Decode ``path`` to 16 kHz mono; multi-channel audio is mixed down.

    A damaged stretch in the middle (packets that fail to decode, or a jump in
    the timestamps where the decoder resynchronised) becomes silence of the same
    length, listed in :attr:`Audio.damaged`, so the rest of the meeting is kept
    and every later word keeps its true time. Damage that decoding never
    recovers from is truncation, and refused.
    """
    path = Path(path)
    decoder = _Decoder()
    with _open(path) as container:
        if not container.streams.audio:
            raise BadInputError(path, "has no audio track")
        stream = container.streams.audio[0]
        declared = _declared_duration(container, stream)
        failure: BaseException | None = None
        try:
            for packet in container.demux(stream):
                try:
                    frames = packet.decode()
                except av.error.FFmpegError as e:
                    failure = failure or e
                    decoder.skip(packet)
                    continue
                for frame in frames:
                    decoder.add(frame)
                    failure = None  # decoding recovered after the damage
                if cancel is not None:
                    cancel.check()
                if progress is not None and declared > 0:
                    progress(min(1.0, decoder.seconds / declared))
            decoder.flush()
        except OSError as e:  # the file went away or the disk failed while reading
            failure = e
        if failure is not None:
            raise BadInputError(
                path,
                f"damaged or truncated: decoding failed at {decoder.seconds:.1f} s"
                f" ({_reason(failure)})",
            ) from None
    got = decoder.seconds
    if got == 0:
        raise BadInputError(path, "contains no decodable audio (empty or truncated)")
    short = declared - got
    if short > max(TRUNCATION_TOLERANCE_S, 0.02 * declared):
        if not decoder.damaged:
            raise BadInputError(
                path,
                f"truncated: header says {declared:.1f} s but only {got:.1f} s could be decoded",
            )
        # the decoder skipped damage mid-file without timestamps to say how much
        decoder.damaged.append((decoder.damaged[-1][0], short))
    if progress is not None:
        progress(1.0)
    return Audio(samples=decoder.samples(), damaged=tuple(decoder.damaged))


#: A jump in frame timestamps longer than this is a damaged stretch, kept as silence.
GAP_TOLERANCE_S = 0.05


class _Decoder:
    """Resamples decoded frames to 16 kHz mono, filling damaged stretches with silence.

    Times are measured from the first decoded frame (mp3 and AAC start a little
    after zero: encoder delay, not damage).
    """

    def __init__(self) -> None:
        self._resampler = av.AudioResampler(format="s16", layout="mono", rate=SAMPLE_RATE)
        self._chunks: list[np.ndarray] = []
        self._count = 0
        self._origin: float | None = None
        #: (from about, seconds) that could not be decoded
        self.damaged: list[tuple[float, float]] = []

    @property
    def seconds(self) -> float:
        return self._count / SAMPLE_RATE

    def skip(self, packet: av.Packet) -> None:
        """A packet that does not decode: silence for as long as it lasts."""
        length = float(packet.duration * packet.time_base) if packet.duration else 0.0
        self._silence(length)

    def add(self, frame: av.AudioFrame) -> None:
        if frame.time is not None:
            if self._origin is None:
                self._origin = frame.time - self.seconds
            elif frame.time - self._origin - self.seconds > GAP_TOLERANCE_S:
                self._silence(frame.time - self._origin - self.seconds)
        for out in self._resampler.resample(frame):
            self._append(out.to_ndarray().reshape(-1))

    def _silence(self, seconds: float) -> None:
        count = round(seconds * SAMPLE_RATE)
        if count <= 0:
            return
        start, length = self.seconds, count / SAMPLE_RATE
        if self.damaged and abs(sum(self.damaged[-1]) - start) < 1e-3:  # the same stretch
            start, length = self.damaged[-1][0], self.damaged[-1][1] + length
            self.damaged.pop()
        self.damaged.append((start, length))
        self._append(np.zeros(count, dtype=np.int16))

    def flush(self) -> None:
        for out in self._resampler.resample(None):
            self._append(out.to_ndarray().reshape(-1))

    def _append(self, chunk: np.ndarray) -> None:
        self._chunks.append(chunk)
        self._count += len(chunk)

    def samples(self) -> np.ndarray:
        joined = np.concatenate(self._chunks) if self._chunks else np.zeros(0, dtype=np.int16)
        return joined.astype(np.float32) / 32768.0
