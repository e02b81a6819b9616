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

Ranks say which candidate is best, never whether any is good, so a
relevance floor (:class:`Floor`) decides first what counts at all, and
"zebra giraffe" finds nothing. Lines that hold the query's exact phrase
rank first. The minutes repeat what was said (a key point, an action, a
sentence of the summary is a transcript line again), so every hit is one
moment: the transcript line, tagged with the minutes items that point at it.

Vector neighbours come from chromadb's HNSW index when there is no filter,
and from the exact in-memory matrix when there is one (chromadb's metadata
filters cost 70 ms to 1 s at 1,000 meetings; the matrix ~10 ms).
"""

from __future__ import annotations

import re
import threading
from bisect import bisect_right
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Literal

import numpy as np
import sqlite_utils

from meetingapp.engine.search_index import (
    ensure_index,
    stored_vectors_of,
    vector_matrix,
    vector_store,
)
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


@dataclass(frozen=True)
class Floor:
    """When a candidate is a hit at all, whatever its rank.

    Every query has nearest neighbours, so without a floor a new user's
    "zebra giraffe" listed 20 of them ("Right.", "Hello."). An item counts
    when it holds the query's exact phrase; else, if it has at least
    ``min_words`` words, when it holds every content word of the query, or
    when its meaning is close: cosine ≥ ``similarity``, or ≥
    ``similarity_with_word`` when it shares a content word with the query
    (keyword and meaning evidence add up, as in the fusion). Shorter
    fragments are found by their exact words only: MiniLM puts them ("This",
    "said yesterday?") near any query, up to 0.35 for nonsense queries,
    against 0.24 for whole sentences. The values are what the calibration in
    ``benchmarks/search_relevance.py`` chooses on the relevance set and 24
    nonsense queries; chosen the same way on one half and scored on the
    other (both ways), recall@5 is 0.95 and no nonsense query has a hit.
    """

    similarity: float = 0.33
    similarity_with_word: float = 0.20
    min_words: int = 3


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
    #: minutes items that point at this moment too ("key_point", "action", ...)
    tags: list[str] = field(default_factory=list)


@dataclass
class SearchResults:
    hits: list[SearchHit]
    offset: int
    limit: int
    #: candidates found before paging (a lower bound when more could exist)
    candidates: int
    query: SearchQuery = field(repr=False, default_factory=lambda: SearchQuery(""))


def content_words(text: str) -> list[str]:
    """The query's words without stopwords (all of them when it has nothing else)."""
    words = re.findall(r"\w+", text.lower())
    content = [w for w in words if w not in STOPWORDS] or words
    return list(dict.fromkeys(content))


def fts_expression(text: str, join: str = "OR") -> str | None:
    """An FTS5 query of the content words (any of them, or with "AND" all of them);
    quoted so user input is never syntax."""
    words = content_words(text)
    return f" {join} ".join(f'"{w}"' for w in words) if words else None


def phrase_expression(text: str) -> str | None:
    """An FTS5 phrase of every word of the query, in order (stemmed like the index)."""
    words = re.findall(r"\w+", text.lower())
    return '"' + " ".join(words) + '"' if words else None


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


def literal_matches(
    db: sqlite_utils.Database, text: str, ids: list[int]
) -> tuple[set[int], set[int]]:
    """(items holding the query's exact phrase, items holding all its content words),
    among ``ids``."""

    def matching(expr: str | None) -> set[int]:
        if expr is None or not ids:
            return set()
        rows = db.execute(
            "SELECT rowid FROM search_fts"
            f" WHERE search_fts MATCH ? AND rowid IN ({', '.join('?' * len(ids))})",
            [expr, *ids],
        )
        return {r[0] for r in rows}

    return matching(phrase_expression(text)), matching(fts_expression(text, "AND"))


def similarities(
    db: sqlite_utils.Database, model: str, vector: np.ndarray, ids: list[int]
) -> dict[int, float]:
    """Cosine similarity of the stored item vectors to ``vector``."""
    return {i: float(v @ vector) for i, v in stored_vectors_of(db, model, ids).items()}


def word_count(text: str) -> int:
    """Words as the floor counts them (punctuation and case do not matter)."""
    return len(re.findall(r"\w+", text))


@dataclass
class Candidates:
    """What the keyword and the vector side found for a query, before the floor."""

    #: keyword candidates, best first (they share a content word with the query)
    fts: list[int]
    #: vector candidates as (item id, similarity), best first
    vec: list[tuple[int, float]]
    #: the candidates' rows (item and meeting columns)
    rows: dict[int, dict[str, Any]]
    #: cosine similarity to the query of every candidate (none in keyword mode)
    similarity: dict[int, float]
    #: candidates holding the query's exact phrase
    phrase: set[int]
    #: candidates holding every content word of the query
    every: set[int]


def gather(
    db: sqlite_utils.Database,
    data: Path,
    q: SearchQuery,
    embedder: TextEmbedder | None = None,
    fusion: Fusion | None = None,
    refresh: bool = True,
) -> Candidates:
    """Both sides' candidates for ``q``; ``refresh`` first heals a stale vector index."""
    pool = max((fusion or Fusion()).pool, q.offset + q.limit)
    fts = fts_candidates(db, q, pool) if q.mode != "vector" else []
    vec: list[tuple[int, float]] = []
    similarity: dict[int, float] = {}
    if q.mode != "fts":
        embedder = embedder or default_embedder()
        if refresh:
            ensure_index(db, data, embedder=embedder)
        vec = vector_candidates(db, data, q, pool, embedder)
        similarity = dict(vec)
        vector = query_vector(embedder, q.text)
        others = [i for i in fts if i not in similarity]
        similarity.update(similarities(db, embedder.name, vector, others))
    rows = _rows(db, list(dict.fromkeys([*fts, *(i for i, _ in vec)])))
    fts = [i for i in fts if i in rows]
    vec = [(i, s) for i, s in vec if i in rows]
    literal = (set(), set()) if q.mode == "vector" else literal_matches(db, q.text, list(rows))
    return Candidates(fts, vec, rows, similarity, *literal)


def search(
    db: sqlite_utils.Database,
    data: Path,
    q: SearchQuery,
    embedder: TextEmbedder | None = None,
    fusion: Fusion | None = None,
    floor: Floor | None = None,
    refresh: bool = True,
) -> SearchResults:
    """Ranked moments for ``q``; ``refresh`` first heals a stale vector index."""
    found = gather(db, data, q, embedder, fusion, refresh)
    return rank(db, q, found, fusion, floor)


def rank(
    db: sqlite_utils.Database,
    q: SearchQuery,
    found: Candidates,
    fusion: Fusion | None = None,
    floor: Floor | None = None,
) -> SearchResults:
    """The page of moments ``found`` gives for ``q``, under the floor.

    Keyword mode (``fts``) keeps every match: it is literal by definition.
    The other modes keep what passes the :class:`Floor`; vector mode by
    meaning alone. Moments holding the exact phrase come first.
    """
    fusion, floor = fusion or Fusion(), floor or Floor()
    rows, similarity, keyword = found.rows, found.similarity, set(found.fts)

    def counts(item: int) -> bool:
        if q.mode == "fts" or item in found.phrase:
            return True
        if word_count(rows[item]["text"]) < floor.min_words:
            return False
        bar = floor.similarity_with_word if item in keyword else floor.similarity
        return item in found.every or similarity.get(item, -1.0) >= bar

    fts = [i for i in found.fts if counts(i)]
    vec = [i for i, _ in found.vec if counts(i)]
    scores: dict[int, float] = {}
    fts_rank = {item: r for r, item in enumerate(fts, 1)}
    vec_rank = {item: r for r, item in enumerate(vec, 1)}
    for item, r in fts_rank.items():
        scores[item] = scores.get(item, 0.0) + fusion.w_fts / (fusion.k + r)
    for item, r in vec_rank.items():
        scores[item] = scores.get(item, 0.0) + fusion.w_vector / (fusion.k + r)
    lines = _lines(db, {rows[i]["meeting_id"] for i in scores if rows[i]["kind"] != "segment"})
    moment = {i: _moment(rows[i], lines, q, similarity) for i in scores}
    best: dict[int, int] = {}
    for item in sorted(scores, key=lambda i: (-scores[i], i)):
        best.setdefault(moment[item], item)
    exact = {moment[i] for i in found.phrase if i in scores}
    ranked = sorted(best, key=lambda m: (m not in exact, -scores[best[m]], m))
    page = ranked[q.offset : q.offset + q.limit]
    lines.update(_lines(db, {rows[best[m]]["meeting_id"] for m in page} - set(lines)))
    hits = [
        _hit(rows[best[m]], shown, snippet, lines, scores, fts_rank, vec_rank, similarity)
        for m, shown, snippet in _shown(db, q, page, rows)
    ]
    return SearchResults(hits, q.offset, q.limit, len(ranked), q)


_COLUMNS = (
    'SELECT i.id, i.meeting_id, i.kind, i.start, i."end", i.speaker, i.text, m.title,'
    " m.type, m.date FROM search_items i JOIN meetings m ON m.id = i.meeting_id"
)


def _rows(db: sqlite_utils.Database, ids: list[int]) -> dict[int, dict[str, Any]]:
    """The items' rows by id, with their meeting's title, type and date."""
    if not ids:
        return {}
    sql = f"{_COLUMNS} WHERE i.id IN ({', '.join('?' * len(ids))})"
    return {r["id"]: r for r in db.query(sql, ids)}


def _normal(text: str) -> str:
    """Lower-case words joined by single spaces, padded: ``" a b "``."""
    return " " + " ".join(re.findall(r"\w+", text.lower())) + " "


#: one transcript line: (item id, start, speaker, text)
Line = tuple[int, float, str | None, str]
#: one minutes item: (kind, start, text)
MinutesItem = tuple[str, float | None, str]
#: sentence ends, as the minutes split them
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
#: the order tags are listed in: as the minutes show them
TAG_ORDER = ("summary", "key_point", "decision", "action")


class Lines:
    """One meeting's transcript lines and the minutes items that point at them.

    A key point, decision or action carries the start of the line it came
    from; the offline summary is made of quoted sentences (an LLM's summary
    quotes none, and stays a hit of its own).
    """

    def __init__(self, lines: list[Line], items: list[MinutesItem]) -> None:
        self.ids = [line[0] for line in lines]
        self.starts = [line[1] for line in lines]
        self.speakers = {line[0]: line[2] for line in lines}
        self.texts = {line[0]: line[3] for line in lines}
        self.items = items
        self._kinds: dict[int, set[str]] | None = None

    def at(self, start: float) -> int:
        """The line being spoken at ``start``: the last one starting by then."""
        return self.ids[max(0, bisect_right(self.starts, start + 1e-6) - 1)]

    def points_at(self, kind: str, start: float | None, text: str) -> list[int]:
        """The lines a minutes item stands for."""
        if kind != "summary":
            return [self.at(start)] if start is not None else []
        within = _normal(text)
        # a sentence of one or two words ("Right.") is in any summary that says it
        return [
            i
            for i in self.ids
            if any(
                len(n.split()) >= 3 and n in within
                for n in map(_normal, _SENTENCE_END.split(self.texts[i]))
            )
        ]

    def tags(self, line: int) -> list[str]:
        """Kinds of the minutes items that point at ``line``, in minutes order."""
        if self._kinds is None:
            self._kinds = {}
            for kind, start, text in self.items:
                for i in self.points_at(kind, start, text):
                    self._kinds.setdefault(i, set()).add(kind)
        rank = {k: n for n, k in enumerate(TAG_ORDER)}
        return sorted(self._kinds.get(line, ()), key=lambda k: (rank.get(k, len(rank)), k))


def _lines(db: sqlite_utils.Database, meeting_ids: set[int]) -> dict[int, Lines]:
    """The transcript lines and minutes items of these meetings (those with lines)."""
    if not meeting_ids:
        return {}
    marks = ", ".join("?" * len(meeting_ids))
    lines: dict[int, list[Line]] = {}
    items: dict[int, list[MinutesItem]] = {}
    for r in db.execute(
        "SELECT meeting_id, id, start, speaker, text FROM search_items WHERE kind = 'segment'"
        f" AND meeting_id IN ({marks}) ORDER BY meeting_id, start, id",
        list(meeting_ids),
    ):
        lines.setdefault(r[0], []).append((r[1], r[2], r[3], r[4]))
    for r in db.execute(
        "SELECT meeting_id, kind, start, text FROM search_items WHERE kind != 'segment'"
        f" AND meeting_id IN ({marks})",
        list(meeting_ids),
    ):
        items.setdefault(r[0], []).append((r[1], r[2], r[3]))
    return {m: Lines(rows, items.get(m, [])) for m, rows in lines.items()}


def _moment(
    row: dict[str, Any], lines: dict[int, Lines], q: SearchQuery, similarity: dict[int, float]
) -> int:
    """The item id of the transcript line ``row`` stands for (its own id if none).

    A summary quotes several lines: it stands for the one closest to the
    query. Under a speaker filter the line must be that speaker's.
    """
    meeting = lines.get(row["meeting_id"])
    if row["kind"] == "segment" or meeting is None:
        return row["id"]
    candidates = [
        line
        for line in meeting.points_at(row["kind"], row["start"], row["text"])
        if not q.speaker or (meeting.speakers[line] or "").casefold() == q.speaker.casefold()
    ]
    if not candidates:
        return row["id"]
    words = set(content_words(q.text))

    def closeness(line: int) -> tuple[int, float]:
        shared = len(words & set(_normal(meeting.texts[line]).split()))
        return shared, similarity.get(line, 0.0)

    return max(candidates, key=closeness)


def _shown(
    db: sqlite_utils.Database,
    q: SearchQuery,
    page: list[int],
    rows: dict[int, dict[str, Any]],
) -> list[tuple[int, dict[str, Any], str]]:
    """(moment, the row shown for it, its snippet) for each moment of the page."""
    shown = {**_rows(db, [m for m in page if m not in rows]), **rows}
    page = [m for m in page if m in shown]  # a line deleted since: its moment goes too
    snippets = _snippets(db, q, page, {m: shown[m]["text"] for m in page})
    return [(m, shown[m], snippets[m]) for m in page]


def _hit(
    found: dict[str, Any],
    shown: dict[str, Any],
    snippet: str,
    lines: dict[int, Lines],
    scores: dict[int, float],
    fts_rank: dict[int, int],
    vec_rank: dict[int, int],
    similarity: dict[int, float],
) -> SearchHit:
    """The moment ``shown`` (a transcript line, or an item no line stands for), scored
    by ``found``, its best-ranked item."""
    i = found["id"]
    meeting = lines.get(shown["meeting_id"])
    tags = meeting.tags(shown["id"]) if meeting and shown["kind"] == "segment" else []
    return SearchHit(
        item_id=shown["id"],
        meeting_id=shown["meeting_id"],
        meeting_title=shown["title"],
        meeting_type=shown["type"],
        meeting_date=shown["date"],
        kind=shown["kind"],
        start=shown["start"],
        end=shown["end"],
        speaker=shown["speaker"],
        text=shown["text"],
        snippet=snippet,
        score=scores[i],
        fts_rank=fts_rank.get(i),
        vector_rank=vec_rank.get(i),
        similarity=similarity.get(i),
        tags=tags,
    )
