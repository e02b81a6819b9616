"""The one chromadb folder of the data folder, shared by voice and search indexes.

Both indexes are derived from SQLite and rebuilt when missing, so this folder
may be deleted at any time.
"""

from __future__ import annotations

from pathlib import Path

import chromadb
from chromadb.api.shared_system_client import SharedSystemClient
from chromadb.config import Settings as ChromaSettings


def vectors_dir(data: Path) -> Path:
    return data / "vectors"


def chroma_client(data: Path) -> chromadb.ClientAPI:
    """A persistent chromadb client: telemetry off, never an embedding model of its own."""
    folder = vectors_dir(data)
    if not folder.exists():
        # chromadb keeps one client per path for the process; if the folder was
        # deleted under it, that client writes into the void: start afresh.
        SharedSystemClient.clear_system_cache()
    folder.mkdir(parents=True, exist_ok=True)
    return chromadb.PersistentClient(
        path=str(folder), settings=ChromaSettings(anonymized_telemetry=False)
    )
