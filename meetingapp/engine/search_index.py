"""Keep the vector index in step with the meetings in SQLite.

SQLite is the source of truth: ``search_items`` (segments, later minutes
items), their FTS5 index (maintained by triggers, always exact) and their
embeddings (``search_vectors``, float16). The chromadb collection in
``<data>/vectors`` is derived from them. ``vector_state`` records, per
meeting, which generation of its items the collection holds; it is written
only after chromadb accepted the vectors, so a crash between the two writes
leaves the meeting "stale" and ``ensure_index`` heals it. Deleting the
chromadb folder makes every meeting stale (the collection carries a fresh
``uid``), and the rebuild reuses the stored embeddings: no model run.

Callers: the pipeline calls ``index_meeting`` after a meeting is stored;
``delete`` calls ``remove_meeting`` after the meeting is deleted; search
calls ``ensure_index`` before querying (cheap when nothing is stale).
"""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import numpy as np
import sqlite_utils
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.errors import NotFoundError

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.text_embedding import (
    TextEmbedder,
    default_embedder,
    single_threaded_blas,
)
from meetingapp.store.db import writable
from meetingapp.store.vectors import chroma_client, generation, vectors_dir

COLLECTION = "search_items"
#: chromadb refuses larger writes in one call
CHUNK = 4000


class VectorStore:
    """The chromadb collection of item embeddings (ids = ``search_items.id``)."""

    def __init__(self, data: Path) -> None:
        self.folder = vectors_dir(data)
        self.client = chroma_client(data)
        self.generation = generation()
        try:
            self.col = self.client.get_collection(COLLECTION, embedding_function=None)
        except (NotFoundError, ValueError):
            self.col = self.client.create_collection(
                COLLECTION,
                embedding_function=None,
                configuration={"hnsw": {"space": "cosine", "ef_search": 100}},
                metadata={"uid": uuid.uuid4().hex},
            )
        self.uid: str = (self.col.metadata or {})["uid"]

    def alive(self) -> bool:
        """False once the folder was deleted or started afresh (found damaged)."""
        return self.generation == generation() and (self.folder / "chroma.sqlite3").is_file()

    def replace_meetings(
        self, meeting_ids: list[int], ids: np.ndarray, meetings: np.ndarray, vectors: np.ndarray
    ) -> None:
        """Make the collection hold exactly these vectors for these meetings."""
        self.col.delete(where={"meeting_id": {"$in": meeting_ids}})
        for i in range(0, len(ids), CHUNK):
            self.col.upsert(
                ids=[str(x) for x in ids[i : i + CHUNK]],
                embeddings=vectors[i : i + CHUNK],
                metadatas=[{"meeting_id": int(m)} for m in meetings[i : i + CHUNK]],
            )

    def remove_meeting(self, meeting_id: int) -> None:
        self.col.delete(where={"meeting_id": meeting_id})

    def query(self, vector: np.ndarray, k: int) -> list[tuple[int, float]]:
        """Nearest items as (item id, cosine similarity), best first.

        chromadb (1.x) answers a ``k`` above the collection's size with all it holds,
        and an empty collection with nothing, so the size is not asked first: a
        ``count()`` took ~6 ms at 1,000 meetings, a fifth of an unfiltered search
        (``benchmarks/api_latency.py``)."""
        if k <= 0:
            return []
        r = self.col.query(query_embeddings=vector[None, :], n_results=k, include=["distances"])
        return [(int(i), 1.0 - d) for i, d in zip(r["ids"][0], r["distances"][0], strict=True)]


_stores: dict[Path, VectorStore] = {}
_stores_lock = threading.Lock()


def vector_store(data: Path) -> VectorStore:
    """The data folder's vector store, reopened (empty) if its folder was deleted."""
    folder = vectors_dir(data).resolve()
    with _stores_lock:
        store = _stores.get(folder)
        if store is None or not store.alive():
            if store is not None:
                SharedSystemClient.clear_system_cache()
            store = _stores[folder] = VectorStore(data)
        return store


#: below this share of the rows, a filtered query multiplies only the rows it allows
SUBSET_SHARE = 0.25


class VectorMatrix:
    """Every stored vector in RAM for exact, filtered nearest-neighbour search.

    chromadb's HNSW is fastest unfiltered, but its metadata filters are not:
    at 1,000 meetings a type filter took ~70 ms there (a meeting-id filter
    0.1-1 s), against ~10 ms for this brute-force product over the same 65k
    vectors (``benchmarks/search.py``). It mirrors what the vector index
    holds, so it reloads when ``vector_state`` changes.
    """

    def __init__(self, model: str) -> None:
        self.model = model
        self.signature: str | None = None
        self.ids = np.zeros(0, np.int64)
        self.meetings = np.zeros(0, np.int64)
        self.matrix = np.zeros((0, 0), np.float32)

    def refresh(self, db: sqlite_utils.Database) -> None:
        sig = db.execute(
            "SELECT group_concat(meeting_id || ':' || gen || ':' || index_uid)"
            " FROM (SELECT * FROM vector_state ORDER BY meeting_id)"
        ).fetchone()[0]
        if sig != self.signature:
            self.ids, self.meetings, self.matrix = stored_vectors(db, self.model)
            self.signature = sig

    def nearest(
        self,
        vector: np.ndarray,
        k: int,
        meetings: list[int] | None = None,
        items: list[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``k`` most similar items, as (id, similarity), among the allowed ones.

        A filter that leaves few rows multiplies only those: the product reads the
        whole matrix (100 MB at 1,000 meetings, ~10 ms), copying a seventh of it
        and multiplying that takes half as long; above ``SUBSET_SHARE`` the copy
        costs more than it saves."""
        if not len(self.ids):
            return []
        mask: np.ndarray | None = None
        if meetings is not None:
            mask = np.isin(self.meetings, np.array(meetings, np.int64))
        if items is not None:
            allowed = np.isin(self.ids, np.array(items, np.int64))
            mask = allowed if mask is None else mask & allowed
        candidates = np.arange(len(self.ids)) if mask is None else np.flatnonzero(mask)
        if len(candidates) < SUBSET_SHARE * len(self.ids):
            rows = self.matrix[candidates]
            with single_threaded_blas():
                sims = rows @ vector
        else:
            with single_threaded_blas():
                sims = (self.matrix @ vector)[candidates]
        # sims[j] is the similarity of row candidates[j]
        top = np.arange(len(candidates))
        if len(top) > k:
            top = np.argpartition(-sims, k - 1)[:k]
        top = top[np.argsort(-sims[top], kind="stable")]
        return [(int(self.ids[candidates[j]]), float(sims[j])) for j in top]


_matrices: dict[tuple[Path, str], VectorMatrix] = {}


def vector_matrix(db: sqlite_utils.Database, data: Path, model: str) -> VectorMatrix:
    """The data folder's in-memory vectors for ``model``, up to date with SQLite."""
    key = (data.resolve(), model)
    with _stores_lock:
        matrix = _matrices.setdefault(key, VectorMatrix(model))
        matrix.refresh(db)
        return matrix


def embed_missing(
    db: sqlite_utils.Database,
    meeting_id: int,
    embedder: TextEmbedder,
    cancel: CancelToken | None = None,
    progress: ProgressFn | None = None,
) -> int:
    """Embed the meeting's items that have no vector from this model; returns how many."""
    rows = db.execute(
        "SELECT i.id, i.text FROM search_items i LEFT JOIN search_vectors v"
        " ON v.item_id = i.id AND v.model = ? WHERE i.meeting_id = ? AND v.item_id IS NULL",
        [embedder.name, meeting_id],
    ).fetchall()
    if not rows:
        return 0
    vectors = embedder.embed([t for _, t in rows], progress, cancel).astype(np.float16)
    with db.conn:
        db.conn.executemany(
            "INSERT OR REPLACE INTO search_vectors (item_id, model, vector) VALUES (?, ?, ?)",
            [(i, embedder.name, v.tobytes()) for (i, _), v in zip(rows, vectors, strict=True)],
        )
    return len(rows)


def stored_vectors(
    db: sqlite_utils.Database, model: str, meeting_id: int | None = None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(item ids, meeting ids, float32 vectors) stored for ``model``."""
    sql = (
        "SELECT i.id, i.meeting_id, v.vector FROM search_vectors v"
        " JOIN search_items i ON i.id = v.item_id WHERE v.model = ?"
    )
    params: list[object] = [model]
    if meeting_id is not None:
        sql += " AND i.meeting_id = ?"
        params.append(meeting_id)
    rows = db.execute(sql + " ORDER BY i.id", params).fetchall()
    ids = np.array([r[0] for r in rows], np.int64)
    meetings = np.array([r[1] for r in rows], np.int64)
    if not rows:
        return ids, meetings, np.zeros((0, 0), np.float32)
    vectors = np.frombuffer(b"".join(r[2] for r in rows), np.float16).reshape(len(rows), -1)
    return ids, meetings, vectors.astype(np.float32)


def stored_vectors_of(
    db: sqlite_utils.Database, model: str, item_ids: list[int]
) -> dict[int, np.ndarray]:
    """Stored float32 vectors of the given items, by item id."""
    if not item_ids:
        return {}
    rows = db.execute(
        "SELECT item_id, vector FROM search_vectors WHERE model = ?"
        f" AND item_id IN ({', '.join('?' * len(item_ids))})",
        [model, *item_ids],
    )
    return {i: np.frombuffer(v, np.float16).astype(np.float32) for i, v in rows}


def _generation(db: sqlite_utils.Database, meeting_id: int) -> int:
    row = db.execute("SELECT gen FROM search_gen WHERE meeting_id = ?", [meeting_id]).fetchone()
    return row[0] if row else 0


def index_meetings(
    db: sqlite_utils.Database,
    data: Path,
    meeting_ids: list[int],
    embedder: TextEmbedder | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressFn | None = None,
) -> int:
    """Embed what is new in these meetings and sync their vectors; returns items embedded."""
    embedder = embedder or default_embedder()
    store = vector_store(data)
    gens = {m: _generation(db, m) for m in meeting_ids}
    embedded = sum(embed_missing(db, m, embedder, cancel, progress) for m in meeting_ids)
    parts = [stored_vectors(db, embedder.name, m) for m in meeting_ids]
    parts = [p for p in parts if len(p[0])]
    if parts:
        ids, meetings, vectors = (np.concatenate([p[i] for p in parts]) for i in range(3))
    else:
        ids = meetings = np.zeros(0, np.int64)
        vectors = np.zeros((0, embedder.dim), np.float32)
    store.replace_meetings(meeting_ids, ids, meetings, vectors)
    with db.conn:
        db.conn.executemany(
            "INSERT OR REPLACE INTO vector_state (meeting_id, gen, index_uid) VALUES (?, ?, ?)",
            [(m, g, store.uid) for m, g in gens.items()],
        )
    return embedded


def index_meeting(
    db: sqlite_utils.Database,
    data: Path,
    meeting_id: int,
    embedder: TextEmbedder | None = None,
    cancel: CancelToken | None = None,
    progress: ProgressFn | None = None,
) -> int:
    """Embed what is new in a meeting and sync its vectors; returns items embedded.

    The pipeline calls this once a meeting is stored (and after its
    transcript or minutes change); a failure here only leaves it stale.
    """
    return index_meetings(db, data, [meeting_id], embedder, cancel, progress)


def remove_meeting(db: sqlite_utils.Database, data: Path, meeting_id: int) -> None:
    """Drop a deleted meeting's vectors (call after the meeting left SQLite)."""
    vector_store(data).remove_meeting(meeting_id)
    with db.conn:
        db.execute("DELETE FROM vector_state WHERE meeting_id = ?", [meeting_id])
        db.execute(
            "DELETE FROM search_gen WHERE meeting_id = ?"
            " AND meeting_id NOT IN (SELECT id FROM meetings)",
            [meeting_id],
        )


def stale_meetings(db: sqlite_utils.Database, uid: str) -> tuple[list[int], list[int]]:
    """(meetings whose vectors are missing or old, deleted meetings that left vectors)."""
    stale = [
        r[0]
        for r in db.execute(
            "SELECT g.meeting_id FROM search_gen g JOIN meetings m ON m.id = g.meeting_id"
            " LEFT JOIN vector_state v ON v.meeting_id = g.meeting_id"
            " WHERE v.gen IS NULL OR v.gen != g.gen OR v.index_uid != ? ORDER BY g.meeting_id",
            [uid],
        )
    ]
    gone = [
        r[0]
        for r in db.execute(
            "SELECT meeting_id FROM vector_state UNION SELECT meeting_id FROM search_gen"
            " EXCEPT SELECT id FROM meetings"
        )
    ]
    return stale, gone


def ensure_index(
    db: sqlite_utils.Database,
    data: Path,
    progress: ProgressFn | None = None,
    embedder: TextEmbedder | None = None,
    cancel: CancelToken | None = None,
) -> int:
    """Bring the vector index up to date with SQLite; returns meetings (re)indexed.

    A read-only data folder is searched as it was indexed (nothing can be written).
    """
    if not writable(data):
        return 0
    store = vector_store(data)
    stale, gone = stale_meetings(db, store.uid)
    for meeting_id in gone:
        remove_meeting(db, data, meeting_id)
    batch: list[int] = []
    pending = 0
    for n, meeting_id in enumerate(stale):
        if cancel is not None:
            cancel.check()
        batch.append(meeting_id)
        pending += db.execute(
            "SELECT COUNT(*) FROM search_items WHERE meeting_id = ?", [meeting_id]
        ).fetchone()[0]
        if pending >= CHUNK or n == len(stale) - 1:
            index_meetings(db, data, batch, embedder, cancel)
            batch, pending = [], 0
            if progress is not None:
                progress((n + 1) / len(stale))
    return len(stale)
