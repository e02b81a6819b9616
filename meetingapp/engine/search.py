"""Find anything said in any meeting: keyword (BM25) and meaning (vectors), fused.

Keyword search catches names, numbers and rare words a sentence embedding
blurs; vector search catches paraphrases ("tablet keeps crashing" → "I
fixed the crash on Android tablets"). Each side returns its best
candidates under the same filters and reciprocal rank fusion merges them
(``w / (k + rank)``): no score calibration between BM25 and cosine is
needed. Weights measured on the relevance set (``benchmarks/search.py``,
22 queries over the eval transcripts): keyword alone recall@5 0.73,
vectors alone 0.95, equal weights 0.91; keyword at half weight with k=10
keeps 0.95 (MRR 0.87) while an exact keyword match still lifts a hit.

Vector neighbours come from chromadb's HNSW index when there is no filter,
and from the exact in-memory matrix when there is one (chromadb's metadata
filters cost 70 ms to 1 s at 1,000 meetings; the matrix ~10 ms).
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Literal

import numpy as np
import sqlite_utils

from meetingapp.engine.search_index import ensure_index, vector_matrix, vector_store
from meetingapp.engine.text_embedding import TextEmbedder, default_embedder
from meetingapp.store.db import writable

Mode = Literal["hybrid", "fts", "vector"]

#: left out of the keyword query: they match nearly every segment
_STOPWORDS = """a about all an and are as at be but by did do does for from had has have he her
his how i if in into is it its me my of on or our she so that the their them then there these they
this to was we were what when where which who why will with would you your"""
STOPWORDS = frozenset(_STOPWORDS.split())


@dataclass
class Fusion:
    """Reciprocal rank fusion: score = w_fts/(k + rank_fts) + w_vector/(k + rank_vector)."""

    w_fts: float = 0.5
    w_vector: float = 1.0
    k: float = 10.0
    #: candidates each side contributes (at least offset + limit)
    pool: int = 50
    #: vector neighbours less similar than this are noise, not hits
    min_similarity: float = 0.1


@dataclass
class SearchQuery:
    text: str
    type: str | None = None
    #: inclusive ISO dates (YYYY-MM-DD) on the meeting date
    date_from: str | None = None
    date_to: str | None = None
    speaker: str | None = None
    meeting_id: int | None = None
    kinds: tuple[str, ...] | None = None
    offset: int = 0
    limit: int = 10
    mode: Mode = "hybrid"
    #: put around matched terms in snippets
    marks: tuple[str, str] = ("[", "]")


@dataclass
class SearchHit:
    item_id: int
    meeting_id: int
    meeting_title: str
    meeting_type: str
    meeting_date: str
    kind: str
    start: float | None
    end: float | None
    speaker: str | None
    text: str
    snippet: str
    score: float
    fts_rank: int | None = None
    vector_rank: int | None = None
    similarity: float | None = None


@dataclass
class SearchResults:
    hits: list[SearchHit]
    offset: int
    limit: int
    #: candidates found before paging (a lower bound when more could exist)
    candidates: int
    query: SearchQuery = field(repr=False, default_factory=lambda: SearchQuery(""))


def fts_expression(text: str) -> str | None:
    """An FTS5 OR-query of the content words; quoted so user input is never syntax."""
    words = [w for w in re.findall(r"\w+", text.lower()) if w not in STOPWORDS]
    if not words:
        words = re.findall(r"\w+", text.lower())
    unique = list(dict.fromkeys(words))
    return " OR ".join(f'"{w}"' for w in unique) if unique else None


def _meeting_filters(q: SearchQuery) -> tuple[list[str], list[object]]:
    clauses: list[str] = []
    params: list[object] = []
    if q.type:
        clauses.append("m.type = ?")
        params.append(q.type)
    if q.date_from:
        clauses.append("m.date >= ?")
        params.append(date.fromisoformat(q.date_from).isoformat())
    if q.date_to:
        clauses.append("m.date < ?")
        params.append((date.fromisoformat(q.date_to) + timedelta(days=1)).isoformat())
    if q.meeting_id is not None:
        clauses.append("m.id = ?")
        params.append(q.meeting_id)
    return clauses, params


def _filters(q: SearchQuery) -> tuple[str, list[object]]:
    """SQL condition over ``search_items i JOIN meetings m`` for all the filters."""
    clauses, params = _meeting_filters(q)
    if q.speaker:
        clauses.append("i.speaker = ? COLLATE NOCASE")
        params.append(q.speaker)
    if q.kinds:
        clauses.append(f"i.kind IN ({', '.join('?' * len(q.kinds))})")
        params.extend(q.kinds)
    return (" AND ".join(clauses) or "1"), params


def fts_candidates(db: sqlite_utils.Database, q: SearchQuery, k: int) -> list[int]:
    expr = fts_expression(q.text)
    if expr is None:
        return []
    where, params = _filters(q)
    rows = db.execute(
        "SELECT i.id FROM search_fts JOIN search_items i ON i.id = search_fts.rowid"
        " JOIN meetings m ON m.id = i.meeting_id"
        f" WHERE search_fts MATCH ? AND {where} ORDER BY bm25(search_fts) LIMIT ?",
        [expr, *params, k],
    ).fetchall()
    return [r[0] for r in rows]


def _allowed(
    db: sqlite_utils.Database, q: SearchQuery
) -> tuple[list[int] | None, list[int] | None]:
    """(meeting ids, item ids) that pass the filters; None where that level has none."""
    clauses, params = _meeting_filters(q)
    meetings = None
    if clauses:
        where = " AND ".join(clauses)
        meetings = [r[0] for r in db.execute(f"SELECT m.id FROM meetings m WHERE {where}", params)]
    items = None
    if q.speaker or q.kinds:
        where, params = _filters(q)
        rows = db.execute(
            f"SELECT i.id FROM search_items i JOIN meetings m ON m.id = i.meeting_id WHERE {where}",
            params,
        )
        items = [r[0] for r in rows]
    return meetings, items


_query_vectors: OrderedDict[tuple[str, str], np.ndarray] = OrderedDict()
_query_lock = threading.Lock()


def query_vector(embedder: TextEmbedder, text: str) -> np.ndarray:
    """The query's embedding, remembered for paging and repeated queries."""
    key = (embedder.name, text)
    with _query_lock:
        if key in _query_vectors:
            _query_vectors.move_to_end(key)
            return _query_vectors[key]
    vector = embedder.embed([text])[0]
    with _query_lock:
        _query_vectors[key] = vector
        if len(_query_vectors) > 256:
            _query_vectors.popitem(last=False)
    return vector


def vector_candidates(
    db: sqlite_utils.Database, data: Path, q: SearchQuery, k: int, embedder: TextEmbedder
) -> list[tuple[int, float]]:
    """(item id, similarity) of the nearest items that pass the filters.

    Unfiltered queries go to chromadb's HNSW index; filtered ones to the
    exact in-memory matrix, where a filter costs nothing extra — and so do all
    of them in a read-only data folder, which chromadb cannot open.
    """
    vector = query_vector(embedder, q.text)
    meetings, items = _allowed(db, q)
    if meetings is None and items is None and writable(data):
        return vector_store(data).query(vector, k)
    return vector_matrix(db, data, embedder.name).nearest(vector, k, meetings, items)


def _snippets(
    db: sqlite_utils.Database, q: SearchQuery, ids: list[int], texts: dict[int, str]
) -> dict[int, str]:
    """Matched terms marked where FTS matches; else the start of the text."""
    out = {i: _clip(texts[i]) for i in ids}
    expr = fts_expression(q.text)
    if expr is None or not ids:
        return out
    start, end = q.marks
    rows = db.execute(
        "SELECT rowid, snippet(search_fts, 0, ?, ?, '…', 32) FROM search_fts"
        f" WHERE search_fts MATCH ? AND rowid IN ({', '.join('?' * len(ids))})",
        [start, end, expr, *ids],
    )
    out.update({r[0]: r[1] for r in rows})
    return out


def _clip(text: str, words: int = 32) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + ("…" if len(parts) > words else "")


def search(
    db: sqlite_utils.Database,
    data: Path,
    q: SearchQuery,
    embedder: TextEmbedder | None = None,
    fusion: Fusion | None = None,
    refresh: bool = True,
) -> SearchResults:
    """Ranked hits for ``q``; ``refresh`` first heals a stale vector index."""
    fusion = fusion or Fusion()
    pool = max(fusion.pool, q.offset + q.limit)
    fts: list[int] = []
    vec: list[tuple[int, float]] = []
    if q.mode in ("hybrid", "fts"):
        fts = fts_candidates(db, q, pool)
    if q.mode in ("hybrid", "vector"):
        embedder = embedder or default_embedder()
        if refresh:
            ensure_index(db, data, embedder=embedder)
        vec = vector_candidates(db, data, q, pool, embedder)
        vec = [(i, s) for i, s in vec if s >= fusion.min_similarity]
    scores: dict[int, float] = {}
    fts_rank = {item: r for r, item in enumerate(fts, 1)}
    vec_rank = {item: r for r, (item, _) in enumerate(vec, 1)}
    similarity = dict(vec)
    for item, r in fts_rank.items():
        scores[item] = scores.get(item, 0.0) + fusion.w_fts / (fusion.k + r)
    for item, r in vec_rank.items():
        scores[item] = scores.get(item, 0.0) + fusion.w_vector / (fusion.k + r)
    ranked = sorted(scores, key=lambda i: (-scores[i], i))
    page = ranked[q.offset : q.offset + q.limit]
    hits = _hits(db, q, page, scores, fts_rank, vec_rank, similarity)
    return SearchResults(hits, q.offset, q.limit, len(ranked), q)


def _hits(
    db: sqlite_utils.Database,
    q: SearchQuery,
    page: list[int],
    scores: dict[int, float],
    fts_rank: dict[int, int],
    vec_rank: dict[int, int],
    similarity: dict[int, float],
) -> list[SearchHit]:
    if not page:
        return []
    rows = {
        r["id"]: r
        for r in db.query(
            'SELECT i.id, i.meeting_id, i.kind, i.start, i."end", i.speaker, i.text, m.title,'
            " m.type, m.date FROM search_items i JOIN meetings m ON m.id = i.meeting_id"
            f" WHERE i.id IN ({', '.join('?' * len(page))})",
            page,
        )
    }
    page = [i for i in page if i in rows]
    snippets = _snippets(db, q, page, {i: rows[i]["text"] for i in page})
    return [
        SearchHit(
            item_id=i,
            meeting_id=rows[i]["meeting_id"],
            meeting_title=rows[i]["title"],
            meeting_type=rows[i]["type"],
            meeting_date=rows[i]["date"],
            kind=rows[i]["kind"],
            start=rows[i]["start"],
            end=rows[i]["end"],
            speaker=rows[i]["speaker"],
            text=rows[i]["text"],
            snippet=snippets[i],
            score=scores[i],
            fts_rank=fts_rank.get(i),
            vector_rank=vec_rank.get(i),
            similarity=similarity.get(i),
        )
        for i in page
    ]
