"""Voice-activated recording on the stand-up meeting with long silences and noise inserted."""

from __future__ import annotations

import numpy as np
import pytest
from recording_helpers import words

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.autorecord import (
    AutoRecorder,
    AutoRecordSettings,
    ManualRecorder,
    RecorderState,
    RecorderStatus,
    level_dbfs,
)
from meetingapp.engine.recording.session import RecordControls, record
from meetingapp.engine.recording.source import ArraySource
from meetingapp.engine.recording.writer import WavWriter, new_recording_path

#: Turns (0-based) after which a long pause ends a recording.
BREAKS_AFTER = (2, 5)
GAP_S = 8.0
HANGOVER_S = 4.0
#: Room noise floor under everything, as from a real microphone.
FLOOR = 10 ** (-65 / 20)


def _noise(rng: np.random.Generator, seconds: float, dbfs: float, pink: bool = False):
    x = rng.standard_normal(int(seconds * SAMPLE_RATE))
    if pink:
        spec = np.fft.rfft(x)
        f = np.arange(len(spec), dtype=np.float64)
        f[0] = 1.0
        x = np.fft.irfft(spec / np.sqrt(f), n=len(x))
    return (x / x.std() * 10 ** (dbfs / 20)).astype(np.float32)


def _noise_stretch(rng: np.random.Generator, standup, turns) -> np.ndarray:
    """Things that must not start a recording, each followed by more than the hang-over."""
    start, end, _ = turns[1]
    far_chatter = standup[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    far_chatter = far_chatter / np.sqrt(np.mean(far_chatter**2)) * 10 ** (-62 / 20)
    t = np.arange(int(0.3 * SAMPLE_RATE)) / SAMPLE_RATE
    cough = rng.standard_normal(len(t)) * np.exp(-t / 0.08) * 0.5
    s = turns[3][0]
    # A lone short word ("Thanks"): real speech, loud, but shorter than min_speech_s.
    short_word = standup[int(s * SAMPLE_RATE) : int((s + 0.35) * SAMPLE_RATE)]
    gap = np.zeros(int((HANGOVER_S + 1) * SAMPLE_RATE), dtype=np.float32)
    parts = [
        _noise(rng, 6, -30),
        gap,
        _noise(rng, 6, -25, pink=True),
        gap,
        cough,
        gap,
        far_chatter,
        gap,
        short_word,
        gap,
    ]
    return np.concatenate([p.astype(np.float32) for p in parts])


@pytest.fixture(scope="module")
def meeting(standup, standup_turns) -> tuple[np.ndarray, list[str]]:
    """The stand-up with 8 s pauses and a noise stretch inserted, plus each group's first words."""
    rng = np.random.default_rng(7)
    turns = standup_turns
    cuts = [0.0]
    cuts += [(turns[i][1] + turns[i + 1][0]) / 2 for i in range(len(turns) - 1)]
    cuts += [len(standup) / SAMPLE_RATE]
    parts = [np.zeros(2 * SAMPLE_RATE, dtype=np.float32)]
    first_words = [turns[0][2]]
    for i in range(len(turns)):
        parts.append(standup[int(cuts[i] * SAMPLE_RATE) : int(cuts[i + 1] * SAMPLE_RATE)])
        if i in BREAKS_AFTER:
            parts.append(np.zeros(int(GAP_S * SAMPLE_RATE), dtype=np.float32))
            if i == BREAKS_AFTER[0]:
                parts.append(_noise_stretch(rng, standup, turns))
            first_words.append(turns[i + 1][2])
    x = np.concatenate(parts)
    x = x + rng.standard_normal(len(x)).astype(np.float32) * FLOOR
    return x.astype(np.float32), first_words


@pytest.mark.slow
def test_auto_record_splits_at_pauses_keeps_onsets_and_ignores_noise(tmp_path, meeting, transcribe):
    x, first_texts = meeting
    statuses: list[RecorderStatus] = []
    paths = record(
        tmp_path,
        auto=True,
        auto_settings=AutoRecordSettings(hangover_s=HANGOVER_S),
        source=ArraySource(x),
        on_status=statuses.append,
    )
    assert len(paths) == len(first_texts), [p.name for p in paths]
    for path, text in zip(paths, first_texts, strict=True):
        audio = load_audio(path).samples
        # Pre-roll: the recording opens with at least 1 s of room tone before the speech.
        frames = audio[: len(audio) // 320 * 320].reshape(-1, 320)
        onset = next(i for i, f in enumerate(frames) if level_dbfs(f) > -40) * 320 / SAMPLE_RATE
        assert onset >= 1.0, (path.name, onset)
        heard = transcribe(audio)
        # The first word of the turn that triggered the recording is heard, and first.
        assert heard[:1] == words(text)[:1], (path.name, heard[:6], text)
    assert {s.state for s in statuses} >= {RecorderState.LISTENING, RecorderState.RECORDING}
    assert not list(tmp_path.glob("*.part"))


def test_noise_alone_never_starts_a_recording(tmp_path, standup, standup_turns):
    rng = np.random.default_rng(3)
    x = _noise_stretch(rng, standup, standup_turns)
    x = x + rng.standard_normal(len(x)).astype(np.float32) * FLOOR
    paths = record(tmp_path, auto=True, source=ArraySource(x))
    assert paths == []
    assert list(tmp_path.iterdir()) == []


class _MemorySink:
    def __init__(self, out: list[np.ndarray]) -> None:
        self.out = out
        self.parts: list[np.ndarray] = []

    def write(self, block: np.ndarray) -> None:
        self.parts.append(block.copy())

    def close(self) -> None:
        self.out.append(np.concatenate(self.parts))


def test_pause_drops_audio_and_resume_continues_the_same_recording(standup, standup_turns):
    out: list[np.ndarray] = []
    rec = AutoRecorder(lambda: _MemorySink(out), AutoRecordSettings(hangover_s=3.0))
    start, end, _ = standup_turns[1]
    speech = standup[int(start * SAMPLE_RATE) : int(end * SAMPLE_RATE)]
    half = len(speech) // 2
    for block in np.array_split(speech[:half], 20):
        rec.feed(block)
    assert rec.state == RecorderState.RECORDING
    rec.pause()
    for block in np.array_split(speech[half:], 20):
        rec.feed(block)
    assert rec.state == RecorderState.PAUSED
    rec.resume()
    assert rec.state == RecorderState.RECORDING
    rec.feed(speech[:SAMPLE_RATE])
    rec.stop()
    assert len(out) == 1
    # Everything up to the pause (with pre-roll) plus the second after resuming; nothing paused.
    assert abs(len(out[0]) - (half + SAMPLE_RATE)) < 2 * 512


def test_manual_session_pause_resume_and_stop_from_controls(tmp_path, standup):
    controls = RecordControls()
    paused_blocks = 0

    def on_status(s: RecorderStatus) -> None:
        nonlocal paused_blocks
        if s.state == RecorderState.PAUSED:
            paused_blocks += 1
            if paused_blocks == 10:
                controls.resume()
        elif s.recording_s >= 4.0:
            controls.stop()
        elif s.recording_s >= 2.0 and paused_blocks == 0:
            controls.pause()

    paths = record(tmp_path, source=ArraySource(standup), on_status=on_status, controls=controls)
    assert len(paths) == 1
    got = load_audio(paths[0]).samples
    two = 2 * SAMPLE_RATE
    # 0-2 s, then what followed the paused blocks; exact up to 16-bit quantisation.
    assert len(got) == 2 * two
    assert np.abs(got[:two] - standup[:two]).max() < 1e-4
    block = SAMPLE_RATE // 10
    dropped = [
        m
        for m in range(1, 20)
        if np.abs(got[two:] - standup[two + m * block : 2 * two + m * block]).max() < 1e-4
    ]
    assert len(dropped) == 1 and dropped[0] >= 5, dropped


def test_max_duration_stops_a_manual_recording(tmp_path, standup):
    paths = record(tmp_path, max_duration=3.25, source=ArraySource(standup))
    assert [round(load_audio(p).duration, 2) for p in paths] == [3.25]


def test_manual_recorder_writes_everything(tmp_path, standup):
    rec = ManualRecorder(lambda: WavWriter(new_recording_path(tmp_path)))
    for block in ArraySource(standup[: 5 * SAMPLE_RATE], block_s=0.037).blocks():
        rec.feed(block)
    (path,) = rec.stop()
    assert len(load_audio(path).samples) == 5 * SAMPLE_RATE
