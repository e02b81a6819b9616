"""Scale-out: eight recordings through one Celery worker and through two, against
the same eight processed locally, in one run, with the accuracy of every variant.

Everything is real: a ``redis-server`` on a free loopback port, ``meetingapp
worker`` processes (``--threads 1``: one CPU thread per model, as one core of a
machine each), and ``meetingapp transcribe --broker`` submitting the files from
a fresh library. The baseline is ``meetingapp transcribe`` without a broker in
the same environment (``MEETINGAPP_CPU_THREADS=1``). Workers are warmed on one
clip first (a long-lived worker has its models loaded); the local baseline
loads its model inside its run, and that time is reported.

Reported per variant: wall seconds from submit to the last meeting stored,
throughput (files and audio seconds per wall second), the throughput ratio
against one worker, the pooled WER of the eight transcripts against their human
references, and for the worker variants the seconds the workers spent on the
files (their own log lines), from which the broker's overhead per file follows.

    PYTHONPATH=. .venv/bin/python benchmarks/scale_out.py [--model base] [--rounds 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from broker import RedisServer, Worker  # noqa: E402
from evaldata import EVAL  # noqa: E402
from test_workers import EIGHT  # noqa: E402
from wer import Errors, errors  # noqa: E402

from meetingapp.engine.audio import probe  # noqa: E402
from meetingapp.engine.cpu import THREADS_ENV  # noqa: E402
from meetingapp.library import Library  # noqa: E402

WARM_UP = EVAL / "asr" / "lhotse" / "LJ002-0020.wav"
RESULTS = ROOT / "benchmarks" / "results" / "scale_out.txt"


@dataclass
class Run:
    variant: str
    wall: float
    wer: Errors
    #: seconds the workers spent on the files, from their "done … in S s" lines
    worker_seconds: float | None = None


def transcribe(home: Path, model: str, broker: str | None) -> float:
    """Wall seconds of one ``meetingapp transcribe`` of the eight files."""
    args = [sys.executable, "-m", "meetingapp", "transcribe", "--model", model]
    if broker:
        args += ["--broker", broker]
    env = {**os.environ, "MEETINGAPP_HOME": str(home), THREADS_ENV: "1"}
    t = time.perf_counter()
    r = subprocess.run([*args, *map(str, EIGHT)], cwd=ROOT, env=env, capture_output=True)
    wall = time.perf_counter() - t
    if r.returncode != 0:
        raise SystemExit(f"transcribe failed: {r.stderr.decode()[-2000:]}")
    return wall


def accuracy(home: Path) -> Errors:
    """Pooled WER of the library's eight transcripts against the human references."""
    library = Library(home)
    total = Errors()
    for m in library.meetings():
        source = next(p for p in EIGHT if p.name == m.source_name)
        hyp = " ".join(s.text for s in library.segments(m.id))
        total += errors(source.with_suffix(".txt").read_text(), hyp)
    return total


def worker_seconds(workers: list[Worker]) -> float:
    done = [line for w in workers for line in w.lines("done")]
    return sum(float(re.search(r" in ([\d.]+) s$", line).group(1)) for line in done)


def run_variant(variant: str, work: Path, model: str, redis: RedisServer | None) -> Run:
    home = work / f"{variant}-library"
    shutil.rmtree(home, ignore_errors=True)
    if redis is None:
        wall = transcribe(home, model, None)
        return Run(variant, wall, accuracy(home))
    n = int(variant.split()[0])
    workers = [Worker(redis.url, work / f"{variant}-worker{i}", threads=1) for i in range(n)]
    try:
        warm = work / f"{variant}-warm"  # one clip in flight per worker, at once
        env = {**os.environ, "MEETINGAPP_HOME": str(warm)}
        subprocess.run(
            [sys.executable, "-m", "meetingapp", "transcribe", "--model", model,
             "--broker", redis.url, "--force", *[str(WARM_UP)] * n],
            cwd=ROOT, env=env, capture_output=True, check=True,
        )  # fmt: skip
        cold = [str(w.log) for w in workers if not w.lines("done")]
        if cold:
            print(f"note: not warmed up (took no warm-up clip): {cold}", file=sys.stderr)
        for w in workers:
            w.log.write_text("")  # count only the eight
        wall = transcribe(home, model, redis.url)
        return Run(variant, wall, accuracy(home), worker_seconds(workers))
    finally:
        for w in workers:
            w.stop()


def projection(runs: dict[str, list[Run]], files: int, audio: float) -> list[str]:
    """What N machines would give, from this run's per-file cost and overhead."""
    one = statistics.median(r.wall for r in runs["1 worker"])
    two = statistics.median(r.wall for r in runs["2 workers"])
    work = statistics.median(r.worker_seconds or 0.0 for r in runs["1 worker"]) / files
    outside = one / files - work  # per file, with one worker: queue, result, local stages
    return [
        f"per file: {work:.2f} s on a worker ({audio / files:.1f} s of audio, one thread),"
        f" {outside:.2f} s outside it (broker round trip and the submitter's own stages:"
        " naming, minutes, storing, indexing);",
        f"2 workers gave {one / two:.2f}x one worker ({50 * one / two:.0f}% of linear), the"
        " two workers and the submitter sharing this machine's 2 cores.",
        f"N machines, each one such worker: throughput grows about N-fold while N x"
        f" {outside:.2f} s stays below {work:.2f} s, i.e. up to about"
        f" {work / max(outside, 1e-9):.0f} workers for files like these; beyond that the"
        f" submitter (at most {1 / max(outside, 1e-9):.1f} files/s) is the limit, and more"
        " workers need more submitters (a conservative bound: part of the time outside is"
        " waiting, which overlaps between recordings). Longer recordings move the limit"
        " out: a worker's share grows with the audio, the broker's round trip does not.",
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", default="base")
    ap.add_argument("--rounds", type=int, default=2)
    a = ap.parse_args()
    audio = sum(probe(p).duration for p in EIGHT)
    work = Path(tempfile.mkdtemp(prefix="meetingapp-scale-"))
    redis = RedisServer(work / "redis")
    runs: dict[str, list[Run]] = {"local": [], "1 worker": [], "2 workers": []}
    try:
        for _ in range(a.rounds):  # interleaved, so a slow minute hits every variant
            for variant in runs:
                runs[variant].append(
                    run_variant(variant, work, a.model, None if variant == "local" else redis)
                )
    finally:
        redis.stop()
        shutil.rmtree(work, ignore_errors=True)
    lines = [
        f"benchmarks/scale_out.py, {date.today()}: {len(EIGHT)} files, {audio:.0f} s of audio,"
        f" model {a.model}, {a.rounds} round(s); this machine: {os.cpu_count()} cores, no GPU",
        "every model one CPU thread (worker --threads 1; local: MEETINGAPP_CPU_THREADS=1)",
        "",
        f"{'variant':<11}{'wall s (median)':>16}{'files/min':>11}{'× realtime':>12}"
        f"{'vs 1 worker':>13}{'WER %':>8}{'worker s/file':>15}",
    ]
    one = statistics.median(r.wall for r in runs["1 worker"])
    for variant, rs in runs.items():
        wall = statistics.median(r.wall for r in rs)
        wer = rs[0].wer.wer * 100
        same = all(abs(r.wer.wer - rs[0].wer.wer) < 1e-9 for r in rs)
        per = [r.worker_seconds for r in rs if r.worker_seconds is not None]
        per_file = f"{statistics.median(per) / len(EIGHT):.2f}" if per else "-"
        lines.append(
            f"{variant:<11}{wall:>16.1f}{60 * len(EIGHT) / wall:>11.1f}{audio / wall:>12.2f}"
            f"{one / wall:>13.2f}{wer:>7.1f}{'' if same else '*':1}{per_file:>15}"
        )
    if any(abs(r.wer.wer - rs[0].wer.wer) > 1e-9 for rs in runs.values() for r in rs):
        lines.append("(* the WER differed between rounds; the first round's is shown)")
    lines.append("walls per round: " + "; ".join(
        f"{v}: " + ", ".join(f"{r.wall:.1f}" for r in rs) for v, rs in runs.items()
    ))  # fmt: skip
    lines += ["", *projection(runs, len(EIGHT), audio)]
    report = "\n".join(lines)
    print(report)
    RESULTS.write_text(report + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
