"""Answer a question from the meetings, citing where each fact was said.

It never invents: without a language model the answer *is* the retrieved
passages; with one, the prompt gives it only those passages, asks for
``[n]`` citations, and the reply is kept only if every citation names a
passage that was given (otherwise the passages are returned instead).
Passages below a relevance floor are not used at all, so an unrelated
question gets "nothing found" rather than the least bad segment.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
import sqlite_utils

from meetingapp.domain.times import clock
from meetingapp.engine.llama import load_llama
from meetingapp.engine.search import SearchHit, SearchQuery, query_vector, search
from meetingapp.engine.search_index import stored_vectors_of
from meetingapp.engine.text_embedding import TextEmbedder, default_embedder
from meetingapp.errors import MeetingAppError

#: cosine similarity below which a passage is not evidence for the question
MIN_SIMILARITY = 0.3
NOT_FOUND = "NOT FOUND"

SYSTEM = (
    "You answer questions about the user's meetings using ONLY the numbered passages given."
    " After every statement put the number of the passage it comes from in square brackets,"
    f" e.g. [2]. If the passages do not contain the answer, reply exactly: {NOT_FOUND}"
)


@dataclass
class Citation:
    meeting_id: int
    meeting_title: str
    start: float | None
    speaker: str | None
    text: str


@dataclass
class Answer:
    text: str
    citations: list[Citation]
    #: True when a language model wrote ``text``; False when it is retrieved text
    generated: bool = False


class ChatModel(Protocol):
    def chat(self, system: str, user: str) -> str: ...


class LlamaChat:
    """A local GGUF model through llama-cpp-python, greedy and short."""

    def __init__(self, path: str | Path, n_ctx: int = 4096, max_tokens: int = 300) -> None:
        self.max_tokens = max_tokens
        self.llm = load_llama(Path(path), n_ctx=n_ctx)

    def chat(self, system: str, user: str) -> str:
        out = self.llm.create_chat_completion(
            messages=[{"role": "system", "content": system}, {"role": "user", "content": user}],
            temperature=0.0,
            max_tokens=self.max_tokens,
        )
        return str(out["choices"][0]["message"]["content"] or "").strip()


def cite(hit: SearchHit) -> Citation:
    return Citation(hit.meeting_id, hit.meeting_title, hit.start, hit.speaker, hit.text)


def where(c: Citation) -> str:
    at = f" {clock(c.start)}" if c.start is not None else ""
    who = f", {c.speaker}" if c.speaker else ""
    return f"{c.meeting_title} (meeting {c.meeting_id}){at}{who}"


def passages_answer(citations: list[Citation]) -> Answer:
    if not citations:
        return Answer("Nothing in your meetings matches this question.", [])
    lines = ["The most relevant passages from your meetings:"]
    lines += [f"[{n}] {where(c)}: {c.text}" for n, c in enumerate(citations, 1)]
    return Answer("\n".join(lines), citations)


def relevant_hits(
    db: sqlite_utils.Database,
    data: Path,
    question: str,
    embedder: TextEmbedder,
    limit: int,
) -> list[SearchHit]:
    """The best hits whose meaning is close enough to the question to count as evidence."""
    hits = search(db, data, SearchQuery(question, limit=limit), embedder=embedder).hits
    q = query_vector(embedder, question)
    vectors = stored_vectors_of(db, embedder.name, [h.item_id for h in hits])
    return [
        h
        for h in hits
        if h.item_id in vectors and float(np.dot(vectors[h.item_id], q)) >= MIN_SIMILARITY
    ]


def ask(
    db: sqlite_utils.Database,
    data: Path,
    question: str,
    model: ChatModel | None = None,
    limit: int = 6,
    embedder: TextEmbedder | None = None,
) -> Answer:
    """Answer ``question`` from the meetings; see the module docstring for the guarantees."""
    if not question.strip():
        raise MeetingAppError('ask what? e.g. `meetingapp ask "who fixed the crash?"`')
    embedder = embedder or default_embedder()
    citations = [cite(h) for h in relevant_hits(db, data, question, embedder, limit)]
    if model is None or not citations:
        return passages_answer(citations)
    numbered = "\n".join(f"[{n}] {where(c)}: {c.text}" for n, c in enumerate(citations, 1))
    reply = model.chat(SYSTEM, f"Passages:\n{numbered}\n\nQuestion: {question}")
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", reply)]
    if NOT_FOUND in reply or not cited or any(not 1 <= n <= len(citations) for n in cited):
        return passages_answer(citations)
    used = sorted(set(cited))
    renumber = {old: new for new, old in enumerate(used, 1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", reply)
    return Answer(text, [citations[n - 1] for n in used], generated=True)
