"""The written summary, and sentence ranking (TextRank) for the key points.

Strung-together transcript lines do not read as minutes, so the offline
summary is written from what the extractors found: who met and for what, the
topics, the decisions and who took which action, in a short paragraph with a
fixed shape. An LLM, when one is set, rewrites it freely (:mod:`.llm`).

Ranking: sentence vectors default to TF-IDF computed with numpy; pass ``embed``
(texts -> one row per text) to rank with a text-embedding model instead.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable

import numpy as np

from meetingapp.domain.minutes import ActionItem, Item
from meetingapp.engine.minutes.people import vocatives
from meetingapp.engine.minutes.rewrite import third_person
from meetingapp.engine.minutes.text import Sentence, tokens, word_set
from meetingapp.engine.minutes.topics import STOP_WORDS, text_match

EmbedFn = Callable[[list[str]], np.ndarray]


def rank_sentences(sentences: list[Sentence], embed: EmbedFn | None = None) -> np.ndarray:
    """Importance of each sentence (sums to ~1)."""
    n = len(sentences)
    if n == 0:
        return np.zeros(0)
    vecs = embed([s.text for s in sentences]) if embed else _tfidf([s.text for s in sentences])
    norms = np.linalg.norm(vecs, axis=1, keepdims=True)
    unit = vecs / np.where(norms == 0, 1, norms)
    sim = np.clip(unit @ unit.T, 0, None)
    np.fill_diagonal(sim, 0)
    scores = _pagerank(sim)
    for i, s in enumerate(sentences):
        length = len(tokens(s.text))
        scores[i] *= min(1.0, length / 8) * (0.5 if s.text.rstrip().endswith("?") else 1.0)
    return scores / max(scores.sum(), 1e-9)


#: What the people did, by meeting type: "Dana and Evan met to plan".
_PURPOSE = {
    "general": "met",
    "standup": "held their stand-up",
    "review": "met for a review",
    "planning": "met to plan",
    "retrospective": "held a retrospective",
    "interview": "held an interview",
    "one-on-one": "had a one-on-one",
}
#: Openings and introductions: how the meeting ran, not what it said.
_GREETING = re.compile(
    r"^\W*(?:hi|hello|hey|morning|good (?:morning|afternoon|evening)|welcome)\b"
    r"|\b(?:I'm|I am|this is|my name is) [A-Z][a-z]+\b|\bintroductions\b",
    re.IGNORECASE,
)
#: Closings and thanks: the meeting ending, not what it said.
_CLOSING = re.compile(
    r"\bsee you\b|\bthanks?(?: you)?(?:,? (?:all|everyone|everybody|both))?\W*$"
    r"|^\W*(?:thanks|thank you|cheers|bye)\b|\bsame time next\b",
    re.IGNORECASE,
)
#: A commitment or a request belongs to the action items, even one merged into
#: another item ("Please, Declan, tonight if you can" answers "Shall I...?").
_PROMISE = re.compile(
    r"\bI(?:'ll| will| shall| am going to|'m going to|'m gonna)\b"
    r"|\bplease\b|\b(?:can|could|would|will) you\b|\bif you can\b",
    re.IGNORECASE,
)


def write_summary(
    meeting_type: str,
    people: list[str],
    topics: list[str],
    decisions: list[Item],
    actions: list[ActionItem],
) -> str:
    """A short paragraph of who met, what was discussed, decided and taken on.

    ``people`` are what the minutes call each voice (a name, else "Speaker N",
    so renaming the speaker later renames them here too).
    """
    if not (people or topics or decisions or actions):
        return ""
    who = _series(people) if people else "The meeting"
    parts = [f"{who} {_PURPOSE.get(meeting_type, 'met')}."]
    if topics:
        parts.append(f"Discussion covered {_series(topics[:3])}.")
    if decisions:
        said = [_inline(d.text) for d in decisions[:2]]
        more = len(decisions) - len(said)
        tail = f" ({more} more decision{'s' if more > 1 else ''} below)" if more else ""
        parts.append(f"Decided: {'; '.join(said)}{tail}.")
    if actions:
        owners = list(dict.fromkeys(a.owner for a in actions if a.owner))
        n = len(actions)
        to = f", for {_series(owners)}" if owners else ""
        parts.append(f"{n} action item{'s were' if n > 1 else ' was'} agreed{to}.")
    return " ".join(parts)


def _series(items: list[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def _inline(text: str) -> str:
    """A sentence for use inside another: no end stop, "The team..." -> "the team..."."""
    text = text.rstrip(" .")
    first = text.split(" ", 1)[0]
    return text[:1].lower() + text[1:] if first.lower() in STOP_WORDS else text


def _tfidf(texts: list[str]) -> np.ndarray:
    docs = [[t for t in tokens(x) if t not in STOP_WORDS] for x in texts]
    vocab = {w: i for i, w in enumerate(sorted({w for d in docs for w in d}))}
    df = Counter(w for d in docs for w in set(d))
    m = np.zeros((len(texts), max(1, len(vocab))))
    for r, d in enumerate(docs):
        for w, c in Counter(d).items():
            m[r, vocab[w]] = (1 + math.log(c)) * math.log((1 + len(texts)) / (1 + df[w]) + 1)
    return m


def _pagerank(sim: np.ndarray, damping: float = 0.85, iters: int = 50) -> np.ndarray:
    n = len(sim)
    rows = sim.sum(axis=1, keepdims=True)
    trans = np.where(rows > 0, sim / np.where(rows == 0, 1, rows), 1.0 / n)
    r = np.full(n, 1.0 / n)
    for _ in range(iters):
        r = (1 - damping) / n + damping * trans.T @ r
    return r


#: Words a statement can open with and still follow "noted that".
_CLAUSE_OPENERS = word_set(
    """
    the a an our my your their his her its this that these those there it they he she we
    everyone everything nobody nothing someone something some all every each both no most
    on in for with after before by at from since as if when once because so until while
    """
)


def pick_key_points(
    scores: np.ndarray,
    sentences: list[Sentence],
    voice: Callable[[str | None], str | None],
    taken: list[str],
    skip: set[int],
    count: int,
) -> list[Item]:
    """The ``count`` most central statements that are not already minutes, in the
    third person ("Evan estimates three weeks of backend work").

    ``taken`` holds the texts of the action items and decisions: a sentence
    saying mostly the same is not a key point; ``skip`` holds sentence indexes
    never to use (the recap, the sentences items came from). Questions, short
    replies and meeting procedure say nothing on their own.
    """
    out: list[tuple[int, Item]] = []
    for i in np.argsort(-scores, kind="stable"):
        s = sentences[i]
        if len(out) == count:
            break
        if i in skip or s.text.rstrip().endswith("?") or len(tokens(s.text)) < 6:
            continue
        if _GREETING.search(s.text) or _CLOSING.search(s.text) or _PROMISE.search(s.text):
            continue
        if vocatives(s.text):  # "Kofi, order the cement": said to someone, a request
            continue
        if any(text_match(s.text, t) >= 0.5 or text_match(t, s.text) >= 0.6 for t in taken):
            continue
        name = voice(s.speaker)
        text = third_person(s.text, name)
        if name and name not in text:
            text = (
                f"{name} noted that {text[:1].lower() + text[1:]}"
                if _plain_start(text)
                else (f"{name}: {text}")
            )
        if any(text_match(text, p.text) >= 0.7 for _, p in out):
            continue
        out.append((int(i), Item(text, s.start, s.segment_index)))
    return [p for _, p in sorted(out, key=lambda x: x[0])]


def _plain_start(text: str) -> bool:
    """Whether "X noted that ..." can go before ``text``: it opens with a subject ("the
    team has", "they are") or a leading phrase ("on digital, ..."), not with a verb or
    a fragment ("Take it, Sammy", "Quick stand-up for the team"), which keep "X: ..."."""
    first = text.split(" ", 1)[0].lower().strip(",")
    return first in _CLAUSE_OPENERS
