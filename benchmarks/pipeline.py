"""Pipeline cost against plain faster-whisper, measured in the same run.

Each variant runs in a fresh process (so peak memory is its own): the full
meetingapp pipeline (decode → VAD → batched transcription → store, through
the job engine) and a plain ``WhisperModel.transcribe`` with the same model,
beam size and word timestamps.

    .venv/bin/python benchmarks/pipeline.py [--file F] [--model base] [--batch-size 8]
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
DEFAULT_FILE = ROOT.parent / "shared" / "eval" / "long" / "ami_trn_5min.flac"


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def run_plain(file: str, model: str, out: mp.Queue) -> None:
    from faster_whisper import WhisperModel

    from meetingapp.engine.asr import load_whisper
    from meetingapp.engine.whisper_models import resolve_whisper

    whisper: WhisperModel = load_whisper(resolve_whisper(model, Path(tempfile.mkdtemp())))
    t = time.perf_counter()
    segments, info = whisper.transcribe(file, beam_size=5, word_timestamps=True)
    text = " ".join(s.text for s in segments)
    out.put((time.perf_counter() - t, peak_mb(), text, info.duration))


def run_pipeline(file: str, model: str, batch_size: int, out: mp.Queue) -> None:
    from meetingapp.config import Settings
    from meetingapp.engine.asr import cached_whisper
    from meetingapp.engine.jobs import JobRunner
    from meetingapp.engine.whisper_models import resolve_whisper
    from meetingapp.store.jobs import JobOptions, get_job
    from meetingapp.store.meetings import load_segments

    engine = JobRunner(Path(tempfile.mkdtemp()), Settings(batch_size=batch_size))
    # load the model first so both variants time transcription, not loading
    cached_whisper(resolve_whisper(model, engine.data))
    stage_start: dict[str, float] = {}
    engine.add_listener(lambda e: e.stage and stage_start.setdefault(e.stage, time.perf_counter()))
    t = time.perf_counter()
    job = engine.submit(Path(file), JobOptions(model=model)).job_id
    assert job is not None
    engine.wait([job])
    elapsed = time.perf_counter() - t
    meeting = get_job(engine.db, job).meeting_id
    assert meeting is not None, get_job(engine.db, job).error
    text = " ".join(s.text for s in load_segments(engine.db, meeting))
    engine.close()
    marks = sorted(stage_start.items(), key=lambda kv: kv[1])
    stages = {
        name: round(end - start, 1)
        for (name, start), (_, end) in zip(marks, [*marks[1:], ("end", t + elapsed)])
    }
    out.put((elapsed, peak_mb(), text, stages))


def measure(target, *args: object) -> tuple[float, float, str, object]:
    ctx = mp.get_context("spawn")
    q: mp.Queue = ctx.Queue()
    p = ctx.Process(target=target, args=(*args, q))
    p.start()
    result = q.get()
    p.join()
    return result


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--file", default=str(DEFAULT_FILE))
    ap.add_argument("--model", default="base")
    ap.add_argument("--batch-size", type=int, default=0, help="0: the app's default")
    args = ap.parse_args()
    from wer import wer

    print(f"file: {args.file}\nmodel: {args.model}, CPU threads: {os.cpu_count()}")
    plain_s, plain_mb, plain_text, duration = measure(run_plain, args.file, args.model)
    pipe_s, pipe_mb, pipe_text, stages = measure(
        run_pipeline, args.file, args.model, args.batch_size
    )
    print(f"audio: {duration:.1f} s")
    print(f"{'variant':<34}{'seconds':>9}{'× realtime':>12}{'peak MB':>9}")
    rows = [
        ("plain faster-whisper", plain_s, plain_mb),
        (f"meetingapp pipeline (batch {args.batch_size})", pipe_s, pipe_mb),
    ]
    for name, s, mb in rows:
        print(f"{name:<34}{s:>9.1f}{duration / s:>12.2f}{mb:>9.0f}")
    print(f"pipeline stages (s): {stages}")
    asr_s = stages.get("transcribe", 0.0) + stages.get("decode", 0.0) + stages.get("vad", 0.0)
    print(f"time ratio pipeline/plain:   {pipe_s / plain_s:.2f} (whole pipeline)")
    print(f"time ratio transcription/plain: {asr_s / plain_s:.2f} (decode + VAD + ASR only)")
    print(f"memory ratio pipeline/plain: {pipe_mb / plain_mb:.2f}")
    print(f"word difference between the two transcripts (WER): {wer(plain_text, pipe_text):.3f}")


if __name__ == "__main__":
    main()
