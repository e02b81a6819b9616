"""Refine offline minutes with a local LLM (any GGUF file, through llama-cpp-python).

The model sees the transcript in chunks that fit its context (map), each with
the rule-based candidates for that chunk, and must answer in JSON constrained
by a schema with bounded arrays and strings, so small models cannot ramble or
loop. Chunk answers are merged and the partial summaries condensed (reduce),
hierarchically if needed: every segment is read, nothing is cut off.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from meetingapp.domain.minutes import ActionItem, Item, Minutes
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.llama import load_llama
from meetingapp.engine.minutes.dates import resolve_due
from meetingapp.engine.minutes.owners import known_name
from meetingapp.engine.minutes.templates import Template
from meetingapp.engine.minutes.topics import text_match
from meetingapp.errors import MeetingAppError

log = logging.getLogger(__name__)


def _str(n: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": n}


def _optional(schema: dict[str, Any]) -> dict[str, Any]:
    # anyOf, not "type": [..., "null"]: llama.cpp's grammar drops maxLength on type lists.
    return {"anyOf": [schema, {"type": "null"}]}


def _items(props: dict[str, Any], n: int) -> dict[str, Any]:
    return {
        "type": "array",
        "maxItems": n,
        "items": {"type": "object", "properties": props, "required": list(props)},
    }


def chunk_schema(max_tokens: int) -> dict[str, Any]:
    """The answer shape for one chunk, bounded so its longest form fits ``max_tokens``.

    Bounds are sized at ~3 characters per token after ~250 characters of keys and
    punctuation, so a rambling model is stopped by the grammar, not cut mid-JSON.
    """
    chars = max(300, max_tokens * 3 - 250)
    text = max(40, min(150, chars // 8))
    cited = {"text": _str(text), "segment": {"type": "integer"}}
    action = {
        "owner": _optional(_str(30)),
        "task": _str(text),
        "due": _optional(_str(30)),
        "segment": {"type": "integer"},
    }
    return {
        "type": "object",
        "properties": {
            "summary": _str(min(600, chars // 4)),
            "key_points": _items(cited, max(1, min(6, chars // 5 // (text + 30)))),
            "decisions": _items(cited, max(1, min(6, chars // 6 // (text + 30)))),
            "action_items": _items(action, max(1, min(8, chars // 4 // (text + 120)))),
            "topics": {
                "type": "array",
                "maxItems": max(1, min(8, chars // 12 // 34)),
                "items": _str(30),
            },
        },
        "required": ["summary", "key_points", "decisions", "action_items", "topics"],
    }


def reduce_schema(max_tokens: int) -> dict[str, Any]:
    """The answer shape for condensing partial summaries, bounded like :func:`chunk_schema`."""
    chars = max(300, max_tokens * 3 - 100)
    return {
        "type": "object",
        "properties": {
            "summary": _str(min(900, chars * 2 // 3)),
            "topics": {
                "type": "array",
                "maxItems": max(1, min(8, chars // 3 // 34)),
                "items": _str(30),
            },
        },
        "required": ["summary", "topics"],
    }


@dataclass
class LlmConfig:
    model_path: Path
    n_ctx: int = 4096
    n_threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    #: None: offload every layer when llama.cpp was built with a GPU backend.
    n_gpu_layers: int | None = None
    temperature: float = 0.2
    repeat_penalty: float = 1.15
    #: Longest answer; the schemas' bounds are sized from it (see :func:`chunk_schema`).
    max_tokens: int = 1536
    seed: int = 0


class LocalLlm:
    """A loaded GGUF model answering schema-constrained JSON."""

    def __init__(self, config: LlmConfig) -> None:
        self.config = config
        self._llm = load_llama(
            config.model_path,
            n_ctx=config.n_ctx,
            n_threads=config.n_threads,
            n_gpu_layers=config.n_gpu_layers,
            seed=config.seed,
        )

    def count_tokens(self, text: str) -> int:
        return len(self._llm.tokenize(text.encode("utf-8"), add_bos=False, special=False))

    def complete_json(self, system: str, user: str, schema: dict[str, Any]) -> dict[str, Any]:
        """The model's answer parsed; raises ValueError when it is not schema-shaped JSON."""
        out = self._llm.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            response_format={"type": "json_object", "schema": schema},
            temperature=self.config.temperature,
            repeat_penalty=self.config.repeat_penalty,
            max_tokens=self.config.max_tokens,
            seed=self.config.seed,
        )
        # strict=False: the grammar lets raw newlines and tabs into strings.
        text = out["choices"][0]["message"]["content"]  # type: ignore[index]
        data = json.loads(text, strict=False)
        if not isinstance(data, dict) or not set(schema["required"]) <= set(data):
            raise ValueError("LLM answer misses required fields")
        return data


@dataclass
class Chunk:
    """Consecutive transcript lines that fit one prompt."""

    first: int
    last: int
    lines: list[str]


def chunk_transcript(
    segments: list[Segment], budget: int, count: Callable[[str], int]
) -> list[Chunk]:
    """Greedy chunks of "[i] Speaker: text" lines of at most ``budget`` tokens each.

    A single line longer than the budget is split into word runs rather than cut.
    """
    chunks: list[Chunk] = []
    cur: list[tuple[int, str]] = []
    used = 0
    for i, seg in enumerate(segments):
        for line in _fit(f"[{i}] {seg.speaker or 'Unknown'}: {seg.text.strip()}", budget, count):
            n = count(line) + 1
            if cur and used + n > budget:
                chunks.append(Chunk(cur[0][0], cur[-1][0], [x for _, x in cur]))
                cur, used = [], 0
            cur.append((i, line))
            used += n
    if cur:
        chunks.append(Chunk(cur[0][0], cur[-1][0], [x for _, x in cur]))
    return chunks


def refine_minutes(
    minutes: Minutes,
    segments: list[Segment],
    meeting_date: dt.date,
    template: Template,
    llm: LocalLlm,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Minutes:
    """``minutes`` with summary, key points, decisions, actions and topics from the LLM."""
    system = _system_prompt(template)
    budget = chunk_budget(llm, template)
    chunks = chunk_transcript(segments, budget, llm.count_tokens)
    steps = len(chunks) + 1
    # the people the offline pass named (learnt from the conversation) own items too
    names = {s.speaker for s in segments if s.speaker} | {
        a.owner for a in minutes.action_items if a.owner
    }
    out = replace(minutes, key_points=[], decisions=[], action_items=[])
    summaries: list[str] = []
    topics: list[str] = []
    for k, chunk in enumerate(chunks):
        if cancel:
            cancel.check()
        user = _chunk_prompt(chunk, minutes)
        try:
            data = llm.complete_json(system, user, chunk_schema(llm.config.max_tokens))
        except ValueError as e:
            log.warning("LLM answer for segments %d-%d unusable (%s)", chunk.first, chunk.last, e)
            data = None
        if data is None:
            _keep_offline(out, minutes, chunk)
        else:
            _merge_chunk(out, data, chunk, segments, meeting_date, names)
            summaries.append(str(data["summary"]).strip())
            topics.extend(str(t).strip() for t in data["topics"])
        if progress:
            progress((k + 1) / steps)
    summary, reduced_topics = _reduce(llm, system, summaries, budget, cancel)
    out.summary = summary or minutes.summary
    out.topics = _unique(reduced_topics or topics) or minutes.topics
    if not out.key_points:
        out.key_points = minutes.key_points
    if progress:
        progress(1.0)
    return out


def chunk_budget(llm: LocalLlm, template: Template) -> int:
    """Transcript tokens per chunk: the context less instructions, hints and the answer."""
    overhead = llm.count_tokens(_system_prompt(template)) + 400  # hints and chat markup
    budget = llm.config.n_ctx - llm.config.max_tokens - overhead
    if budget < 200:
        raise MeetingAppError("LLM context is too small for minutes; raise n_ctx")
    return budget


def _system_prompt(template: Template) -> str:
    return (
        f"{template.prompt} Answer with JSON only. Cite each item with the number in "
        "brackets of the transcript line it comes from. Owners are speaker names."
    )


def _fit(line: str, budget: int, count: Callable[[str], int]) -> list[str]:
    if count(line) < budget:
        return [line]
    head, words = line.split(" ", 1)[0], line.split(" ")
    parts, cur = [], [words[0]]
    for w in words[1:]:
        if count(" ".join([*cur, w])) >= budget:
            parts.append(" ".join(cur))
            cur = [head, w]
        else:
            cur.append(w)
    return [*parts, " ".join(cur)]


def _chunk_prompt(chunk: Chunk, minutes: Minutes) -> str:
    def inside(i: int) -> bool:
        return chunk.first <= i <= chunk.last

    hints = [
        f"- decision [{d.segment_index}] {d.text}"
        for d in minutes.decisions
        if inside(d.segment_index)
    ]
    hints += [
        f"- action [{a.segment_index}] {a.owner or '?'}: {a.task}"
        + (f" (due {a.due})" if a.due else "")
        for a in minutes.action_items
        if inside(a.segment_index)
    ]
    return (
        "Candidates found by simple rules (may be wrong or incomplete; correct them):\n"
        + ("\n".join(hints) or "- none")
        + "\n\nTranscript:\n"
        + "\n".join(chunk.lines)
    )


def _merge_chunk(
    out: Minutes,
    data: dict[str, Any],
    chunk: Chunk,
    segments: list[Segment],
    meeting_date: dt.date,
    names: set[str],
) -> None:
    def cite(raw: Any, text: str) -> int:
        if isinstance(raw, int) and chunk.first <= raw <= chunk.last:
            return raw
        span = range(chunk.first, chunk.last + 1)
        return max(span, key=lambda i: text_match(text, segments[i].text))

    for key, target in (("key_points", out.key_points), ("decisions", out.decisions)):
        for d in data[key]:
            text = str(d.get("text", "")).strip()
            if text and not any(text_match(text, x.text) >= 0.8 for x in target):
                i = cite(d.get("segment"), text)
                target.append(Item(text, segments[i].start, i))
    for a in data["action_items"]:
        task = str(a.get("task", "")).strip()
        if not task:
            continue
        i = cite(a.get("segment"), task)
        owner = known_name(str(a["owner"]), frozenset(names)) if a.get("owner") else None
        due_text = str(a["due"]).strip() if a.get("due") else None
        due = resolve_due(due_text, meeting_date) if due_text else None
        item = ActionItem(owner, task, due, due_text, segments[i].start, i)
        if not any(x.owner == owner and text_match(task, x.task) >= 0.8 for x in out.action_items):
            out.action_items.append(item)


def _keep_offline(out: Minutes, minutes: Minutes, chunk: Chunk) -> None:
    """A chunk the model failed on keeps the rule-based items."""
    inside = range(chunk.first, chunk.last + 1)
    out.decisions.extend(d for d in minutes.decisions if d.segment_index in inside)
    out.action_items.extend(a for a in minutes.action_items if a.segment_index in inside)
    out.key_points.extend(p for p in minutes.key_points if p.segment_index in inside)


def _reduce(
    llm: LocalLlm,
    system: str,
    summaries: list[str],
    budget: int,
    cancel: CancelToken | None,
) -> tuple[str, list[str]]:
    """One summary from the chunk summaries, condensing in groups that fit the context."""
    if len(summaries) <= 1:
        return (summaries[0] if summaries else ""), []
    topics: list[str] = []
    while len(summaries) > 1:
        groups: list[list[str]] = [[]]
        for s in summaries:
            if groups[-1] and llm.count_tokens("\n".join([*groups[-1], s])) > budget:
                groups.append([])
            groups[-1].append(s)
        merged = []
        for g in groups:
            if cancel:
                cancel.check()
            if len(g) == 1:
                merged.append(g[0])
                continue
            user = "Partial summaries of consecutive parts of one meeting:\n" + "\n".join(
                f"Part {n + 1}: {s}" for n, s in enumerate(g)
            )
            user += "\nWrite one summary of the whole meeting and list its main topics."
            try:
                data = llm.complete_json(system, user, reduce_schema(llm.config.max_tokens))
                merged.append(str(data["summary"]).strip())
                topics = [str(t) for t in data["topics"]]
            except ValueError:
                merged.append(" ".join(g))
        if len(merged) == len(summaries):  # nothing could be merged further
            return " ".join(merged), topics
        summaries = merged
    return summaries[0], topics


def _unique(xs: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for x in xs:
        if x and x.lower() not in seen:
            seen[x.lower()] = x
    return list(seen.values())
