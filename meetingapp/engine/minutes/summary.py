"""Extractive summary: rank sentences by centrality (TextRank) and keep the best.

Sentence vectors default to TF-IDF computed with numpy; pass ``embed`` (texts ->
one row per text) to rank with a text-embedding model instead, the seam for
``meetingapp.engine.text_embedding`` once it exists.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable

import numpy as np

from meetingapp.engine.minutes.text import Sentence, tokens
from meetingapp.engine.minutes.topics import STOP_WORDS

EmbedFn = Callable[[list[str]], np.ndarray]


def rank_sentences(
    sentences: list[Sentence], embed: EmbedFn | None = None, boost: set[int] | None = None
) -> np.ndarray:
    """Importance of each sentence (sums to ~1); ``boost`` holds indexes to favour."""
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
        if boost and i in boost:
            scores[i] *= 1.5
    return scores / max(scores.sum(), 1e-9)


def summarize(scores: np.ndarray, sentences: list[Sentence], count: int) -> str:
    """The ``count`` best sentences in spoken order, naming the speaker when it changes."""
    best = sorted(np.argsort(-scores, kind="stable")[:count])
    parts = []
    previous = None
    for i in best:
        s = sentences[i]
        new_voice = s.speaker and s.speaker != previous
        parts.append(f"{s.speaker}: {s.text}" if new_voice else s.text)
        previous = s.speaker
    return " ".join(parts)


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
