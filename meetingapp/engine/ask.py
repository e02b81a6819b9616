"""Answer a question from the meetings, citing where each fact was said.

It never invents: without a language model there is no written answer,
only the retrieved passages, and the answer says so and how to set a
model; with one, the prompt gives it only those passages, asks for
``[n]`` citations, and the reply is kept only if every citation names a
passage that was given (otherwise the passages are returned instead).
The passages are search hits, so search's relevance floor applies: an
unrelated question gets "nothing found" rather than the least bad line.
Each passage is said once: search gives one hit per moment, and a line
said the same way twice in a meeting ("Right.") is cited once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import sqlite_utils

from meetingapp.domain.times import clock
from meetingapp.engine.llama import load_llama
from meetingapp.engine.search import SearchHit, SearchQuery, search
from meetingapp.engine.text_embedding import TextEmbedder, default_embedder
from meetingapp.errors import MeetingAppError

NOT_FOUND = "NOT FOUND"
NOTHING = "Nothing in your meetings matches this question."
#: why the answer is passages only, when no language model is set
NEEDS_MODEL = (
    "No written answer: answering in your own words needs a local language model"
    " (a GGUF file), and none is set. Choose one in Settings, or see `meetingapp models`;"
    " `meetingapp ask --model FILE.gguf` uses one for a single question."
)
#: why the answer is passages only, when the model's reply failed the citation check
UNCITED = (
    "No written answer: the language model's reply did not cite the passages below"
    " (or found nothing in them), so it is not shown."
)
PASSAGES = "The passages of your meetings that match the question:"

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
    #: why there is no written answer (``NEEDS_MODEL``, ``UNCITED``); empty otherwise
    note: str = ""


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


def passages_answer(citations: list[Citation], note: str) -> Answer:
    """The passages themselves as the answer, after ``note`` saying why."""
    if not citations:
        return Answer(NOTHING, [])
    lines = [note, "", PASSAGES]
    lines += [f"[{n}] {where(c)}: {c.text}" for n, c in enumerate(citations, 1)]
    return Answer("\n".join(lines), citations, note=note)


def distinct(hits: list[SearchHit]) -> list[Citation]:
    """One citation per thing said: the same words in the same meeting count once."""
    seen: set[tuple[int, str]] = set()
    out = []
    for h in hits:
        key = (h.meeting_id, " ".join(re.findall(r"\w+", h.text.lower())))
        if key not in seen:
            seen.add(key)
            out.append(cite(h))
    return out


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
    hits = search(db, data, SearchQuery(question, limit=limit), embedder=embedder).hits
    citations = distinct(hits)
    if model is None or not citations:
        return passages_answer(citations, NEEDS_MODEL)
    numbered = "\n".join(f"[{n}] {where(c)}: {c.text}" for n, c in enumerate(citations, 1))
    reply = model.chat(SYSTEM, f"Passages:\n{numbered}\n\nQuestion: {question}")
    cited = [int(n) for n in re.findall(r"\[(\d+)\]", reply)]
    if NOT_FOUND in reply or not cited or any(not 1 <= n <= len(citations) for n in cited):
        return passages_answer(citations, UNCITED)
    used = sorted(set(cited))
    renumber = {old: new for new, old in enumerate(used, 1)}
    text = re.sub(r"\[(\d+)\]", lambda m: f"[{renumber[int(m.group(1))]}]", reply)
    return Answer(text, [citations[n - 1] for n in used], generated=True)
