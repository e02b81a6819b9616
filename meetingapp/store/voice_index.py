"""Nearest known voices, from a chromadb collection derived from SQLite.

One vector per profile (the mean of its enrolled vectors). The collection
is rebuilt whenever its generation stamp differs from the database's
``voice_generation`` — after any profile change, a crash between the two
writes, or a deleted ``vectors`` folder — so SQLite stays the only truth.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import chromadb
import numpy as np
import sqlite_utils

from meetingapp.store.speakers import profile_vectors, voice_generation
from meetingapp.store.vectors import chroma_client, vectors_dir

COLLECTION = "voice_profiles"


class VoiceIndex:
    def __init__(self, data: Path) -> None:
        self.data = data
        self.client = chroma_client(data)
        self._stamp = vectors_dir(data) / f"{COLLECTION}.generation"

    def _collection(self) -> chromadb.Collection:
        return self.client.get_or_create_collection(
            COLLECTION, embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
        )

    def is_current(self, db: sqlite_utils.Database) -> bool:
        try:
            return int(self._stamp.read_text()) == voice_generation(db)
        except (OSError, ValueError):
            return False

    def sync(self, db: sqlite_utils.Database) -> bool:
        """Rebuild from SQLite when stale; returns whether it rebuilt."""
        if self.is_current(db) and COLLECTION in [c.name for c in self.client.list_collections()]:
            return False
        generation = voice_generation(db)
        rows = list(db.query("SELECT id, name FROM profiles"))
        vectors = profile_vectors(db)
        with contextlib.suppress(Exception):  # chromadb's "missing" error type varies
            self.client.delete_collection(COLLECTION)
        col = self._collection()
        rows = [r for r in rows if vectors.get(r["name"])]
        if rows:
            means = [np.mean(vectors[r["name"]], axis=0) for r in rows]
            col.add(
                ids=[str(r["id"]) for r in rows],
                embeddings=[(m / (np.linalg.norm(m) + 1e-12)).tolist() for m in means],
                metadatas=[{"name": r["name"]} for r in rows],
            )
        tmp = self._stamp.with_suffix(".tmp")
        tmp.write_text(str(generation))
        os.replace(tmp, self._stamp)
        return True

    def count(self) -> int:
        return self._collection().count()

    def candidates(self, vectors: list[np.ndarray], k: int = 5) -> list[int]:
        """Profile ids nearest to any of ``vectors``."""
        col = self._collection()
        n = col.count()
        if not n or not vectors:
            return []
        res = col.query(
            query_embeddings=[np.asarray(v, dtype=np.float32).tolist() for v in vectors],
            n_results=min(k, n),
        )
        return sorted({int(i) for ids in res["ids"] for i in ids})
