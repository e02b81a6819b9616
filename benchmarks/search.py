"""Search benchmark: relevance on real transcripts, speed at 1,000 meetings.

Run: ``PYTHONPATH=. python benchmarks/search.py [--meetings 1000]``.

1. Relevance: the eval clips transcribed with tiny.en, the relevance set of
   ``search_relevance.py``; recall@5 and MRR for keyword, vector and hybrid
   search, across fusion weights, and for a static (model2vec-style) token
   table distilled from the same model, the alternative considered.
2. Scale: ~1 M words of generated meetings (sentences of the eval transcripts
   with words swapped from a vocabulary) inserted through the store; index
   build time, query p50/p95 per mode, disk size, vector rebuild time after
   deleting the chromadb folder, and a numpy brute-force matrix for
   comparison with chromadb's HNSW.

Embedding every generated segment with the transformer would take most of an
hour on 2 cores, so segments are drawn from a pool of distinct sentences and
each distinct sentence is embedded once (a cache in front of the real
model); the full-embed time is reported as measured throughput × segments.
Everything else (SQLite, FTS5, chromadb writes and queries) runs for real.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import sqlite_utils

from benchmarks.search_relevance import EVAL, RELEVANCE, build_eval_meetings, is_relevant
from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.transcript import Segment, Transcript
from meetingapp.engine.search import Fusion, SearchQuery, _query_vectors, search
from meetingapp.engine.search_index import (
    _matrices,
    ensure_index,
    index_meeting,
    stored_vectors,
    vector_matrix,
    vector_store,
)
from meetingapp.engine.text_embedding import TextEmbedder, default_embedder
from meetingapp.store.db import open_db
from meetingapp.store.meetings import NewMeeting, insert_meeting

_VOCAB = """budget roadmap release customer invoice server database migration dashboard
deadline sprint backlog feature bug crash login password payment checkout report meeting
contract vendor hiring interview onboarding training laptop network outage latency cache
cluster deployment rollback test coverage review design mockup prototype survey feedback
marketing campaign launch pricing discount partner legal compliance audit security patch
firewall backup storage cloud forecast revenue quarter target metric analytics churn
retention support ticket escalation priority estimate scope milestone dependency risk
blocker api endpoint schema index query search upload download sync offline mobile tablet
android iphone browser desktop printer office travel conference workshop agenda minutes
decision action owner team manager director engineer designer analyst intern translation
document spreadsheet slide presentation demo client stakeholder warehouse shipment delivery
supplier inventory order refund warranty license subscription renewal"""
VOCAB = _VOCAB.split()
_SPEAKERS = "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy"
SPEAKERS = _SPEAKERS.split()
#: runs per timed query; the median is kept (the machine is shared)
REPEAT = 3


def percentile(xs: list[float], p: float) -> float:
    return float(np.percentile(np.array(xs), p))


def source_sentences() -> list[str]:
    texts = [p.read_text() for p in sorted(EVAL.glob("**/*.txt"))]
    out = []
    for t in texts:
        for s in t.replace("?", ".").replace("!", ".").split("."):
            if len(s.split()) >= 4:
                out.append(s.strip().lower())
    return out


def sentence_pool(n: int, rng: random.Random) -> list[str]:
    """Distinct sentences: eval transcript sentences with ~40% of long words swapped."""
    base = source_sentences()
    pool: set[str] = set()
    while len(pool) < n:
        words = rng.choice(base).split() + rng.choice(base).split()[: rng.randint(0, 8)]
        words = [rng.choice(VOCAB) if len(w) > 3 and rng.random() < 0.4 else w for w in words]
        pool.add(" ".join(words).capitalize() + ".")
    return sorted(pool)


class CachedEmbedder(TextEmbedder):
    """The real model, run once per distinct text (the pool), then served from memory."""

    def __init__(self, inner: TextEmbedder) -> None:
        self.__dict__.update(inner.__dict__)
        self.cache: dict[str, np.ndarray] = {}
        self.model_seconds = 0.0
        self.model_texts = 0

    def embed(self, texts: list[str], progress=None, cancel=None) -> np.ndarray:  # noqa: ANN001
        missing = list(dict.fromkeys(t for t in texts if t not in self.cache))
        if missing:
            t0 = time.perf_counter()
            for t, v in zip(missing, super().embed(missing), strict=True):
                self.cache[t] = v
            self.model_seconds += time.perf_counter() - t0
            self.model_texts += len(missing)
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        return np.stack([self.cache[t] for t in texts])


class StaticEmbedder(TextEmbedder):
    """model2vec-style: each token's embedding from the model, a sentence = their mean."""

    def __init__(self, inner: TextEmbedder) -> None:
        self.__dict__.update(inner.__dict__)
        self.name = "static-" + inner.name
        vocab = inner.tokenizer.get_vocab_size()
        table = np.zeros((vocab, inner.dim), np.float32)
        cls, sep = inner.tokenizer.token_to_id("[CLS]"), inner.tokenizer.token_to_id("[SEP]")
        for start in range(0, vocab, 512):
            ids = np.arange(start, min(vocab, start + 512))
            batch = np.stack([np.full_like(ids, cls), ids, np.full_like(ids, sep)], axis=1)
            table[ids] = inner._forward(batch, np.ones_like(batch))
        self.table = table

    def embed(self, texts: list[str], progress=None, cancel=None) -> np.ndarray:  # noqa: ANN001
        out = np.zeros((len(texts), self.dim), np.float32)
        for i, enc in enumerate(self.tokenizer.encode_batch(texts)):
            ids = [t for t in enc.ids if t > 103]  # skip [PAD] [UNK] [CLS] [SEP] [MASK]
            if ids:
                v = self.table[ids].mean(0)
                out[i] = v / max(float(np.linalg.norm(v)), 1e-12)
        return out


def relevance(
    run: Callable[[str], list[tuple[str, str]]],
) -> tuple[float, float, list[str]]:
    """(recall@5, MRR@10, queries missed) of ``run(query) -> [(meeting title, text)]``."""
    missed = []
    rr = 0.0
    for j in RELEVANCE:
        hits = run(j.query)
        ranks = [r for r, (title, text) in enumerate(hits[:10], 1) if is_relevant(j, title, text)]
        if not (ranks and ranks[0] <= 5):
            missed.append(j.query)
        rr += 1 / ranks[0] if ranks else 0.0
    n = len(RELEVANCE)
    return (n - len(missed)) / n, rr / n, missed


def bench_relevance(work: Path) -> None:
    data = work / "eval"
    db = open_db(data)
    t0 = time.perf_counter()
    build_eval_meetings(db, data, "tiny.en")
    print(f"eval meetings: 13 clips transcribed (tiny.en) in {time.perf_counter() - t0:.0f} s")
    e = default_embedder()
    ensure_index(db, data, embedder=e)
    items = db.execute("SELECT COUNT(*) FROM search_items").fetchone()[0]
    print(f"relevance set: {len(RELEVANCE)} queries over {items} segments")

    def runner(mode: str, fusion: Fusion | None = None) -> Callable[[str], list[tuple[str, str]]]:
        def run(query: str) -> list[tuple[str, str]]:
            q = SearchQuery(query, limit=10, mode=mode)  # type: ignore[arg-type]
            hits = search(db, data, q, embedder=e, fusion=fusion, refresh=False).hits
            return [(h.meeting_title, h.text) for h in hits]

        return run

    for mode in ("fts", "vector", "hybrid"):
        r5, mrr, missed = relevance(runner(mode))
        print(f"  {mode:<7} recall@5 {r5:.2f}  MRR {mrr:.2f}  missed: {missed}")
    grid = ((1, 1, 60), (0.5, 1, 60), (1, 0.5, 60), (0.5, 1, 10), (1, 1, 10), (0.25, 1, 10))
    for w_fts, w_vec, k in grid:
        r5, mrr, _ = relevance(runner("hybrid", Fusion(w_fts, w_vec, k)))
        print(f"  hybrid w_fts={w_fts} w_vec={w_vec} k={k:<3} recall@5 {r5:.2f}  MRR {mrr:.2f}")

    t0 = time.perf_counter()
    static = StaticEmbedder(e)
    print(f"static token table distilled in {time.perf_counter() - t0:.0f} s")
    ids, _, _ = stored_vectors(db, e.name)
    texts = {
        r[0]: (r[1], r[2])
        for r in db.execute(
            "SELECT i.id, m.title, i.text FROM search_items i JOIN meetings m"
            " ON m.id = i.meeting_id"
        )
    }
    order = sorted(texts)
    for name, emb in (("minilm", e), ("static", static)):
        matrix = emb.embed([texts[i][1] for i in order])

        def run(query: str, emb: TextEmbedder = emb, matrix: np.ndarray = matrix) -> list:
            sims = matrix @ emb.embed([query])[0]
            return [texts[order[i]] for i in np.argsort(-sims)[:10]]

        r5, mrr, _ = relevance(run)
        print(f"  vector-only {name:<7} recall@5 {r5:.2f}  MRR {mrr:.2f}")
    sample = [texts[i][1] for i in order] * (1000 // len(order) + 1)
    for name, emb in (("minilm", e), ("static", static)):
        t0 = time.perf_counter()
        emb.embed(sample[:1000])
        print(f"  embed 1k segments: {name} {time.perf_counter() - t0:.2f} s")


def generate(db, n_meetings: int, pool: list[str], rng: random.Random) -> int:  # noqa: ANN001
    """Insert ``n_meetings`` generated meetings; returns the number of words."""
    words = 0
    for m in range(n_meetings):
        t = 0.0
        segments = []
        people = rng.sample(SPEAKERS, rng.randint(2, 5))
        for _ in range(rng.randint(40, 90)):
            text = rng.choice(pool)
            dur = len(text.split()) * 0.4
            segments.append(Segment(t, t + dur, text, [], rng.choice(people), 0.9))
            t += dur + rng.random()
            words += len(text.split())
        day = f"2024-{1 + m % 12:02d}-{1 + m % 28:02d}T10:00:00+00:00"
        new = NewMeeting(f"Meeting {m}", rng.choice(MEETING_TYPES), day, f"s{m}", "x.wav", "x")
        with db.conn:
            insert_meeting(db, new, Transcript("en", t, segments))
    return words


def folder_mb(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 1e6


@dataclass
class ScaleLibrary:
    """The generated benchmark library in ``data``, indexed (``build_scale_library``)."""

    data: Path
    db: sqlite_utils.Database
    embedder: CachedEmbedder
    pool: list[str]
    #: the folder held the library already (kept by ``--keep``): nothing generated
    reused: bool
    words: int
    sql_seconds: float
    index_seconds: float


def build_scale_library(
    data: Path, n_meetings: int, pool_size: int, rng: random.Random
) -> ScaleLibrary:
    """Generate ``n_meetings`` meetings into ``data`` (unless it holds them already)
    and bring the search index up to date; also used by ``api_latency.py``."""
    reuse = (data / "meetings.db").is_file()
    db = open_db(data)
    pool = sentence_pool(pool_size, rng)
    e = CachedEmbedder(default_embedder())
    words, t_sql = 0, 0.0
    if not reuse:
        t0 = time.perf_counter()
        words = generate(db, n_meetings, pool, rng)
        t_sql = time.perf_counter() - t0
    t0 = time.perf_counter()
    ensure_index(db, data, embedder=e)
    t_index = time.perf_counter() - t0
    return ScaleLibrary(data, db, e, pool, reuse, words, t_sql, t_index)


def bench_scale(work: Path, n_meetings: int, pool_size: int, n_queries: int) -> None:
    rng = random.Random(7)
    data = work / "scale"
    lib = build_scale_library(data, n_meetings, pool_size, rng)
    db, e, reuse, t_index = lib.db, lib.embedder, lib.reused, lib.index_seconds
    if not reuse:
        print(f"\n{n_meetings} meetings, {lib.words:,} words ({len(lib.pool)} distinct sentences)")
        print(f"  SQLite insert incl. FTS5 triggers: {lib.sql_seconds:.1f} s")
    items = db.execute("SELECT COUNT(*) FROM search_items").fetchone()[0]
    print(f"  {items:,} segments" + (f" (reusing {data})" if reuse else ""))
    per_seg = e.model_seconds / max(e.model_texts, 1)
    if not reuse:
        print(
            f"  vector index: {t_index:.1f} s, of which model {e.model_seconds:.1f} s for"
            f" {e.model_texts} distinct texts ({1000 * per_seg:.1f} ms/segment)"
        )
        full = t_index - e.model_seconds + items * per_seg
        print(
            f"  → full build without the cache: ~{full:.0f} s"
            f" (~{items * per_seg / n_meetings:.1f} s per meeting)"
        )
    db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    sqlite_mb = sum(f.stat().st_size for f in data.glob("meetings.db*")) / 1e6
    print(
        f"  disk: SQLite {sqlite_mb:.0f} MB (of which float16 vectors {items * 768 / 1e6:.0f} MB),"
        f" chromadb {folder_mb(data / 'vectors'):.0f} MB"
    )

    queries = [j.query for j in RELEVANCE] + [
        " ".join(rng.sample(VOCAB, rng.randint(1, 4))) for _ in range(n_queries)
    ]
    queries = queries[:n_queries]
    filters: list[dict[str, object]] = [
        {},
        {"type": "standup"},
        {"speaker": "Carol"},
        {"date_from": "2024-03-01", "date_to": "2024-05-31"},
        {"meeting_id": 17},
    ]
    timings: dict[str, list[float]] = {}
    embed_ms = []
    for query in queries:
        runs = []
        for _ in range(REPEAT):
            e.cache.pop(query, None)
            t0 = time.perf_counter()
            e.embed([query])
            runs.append(1000 * (time.perf_counter() - t0))
        embed_ms.append(statistics.median(runs))
    for mode in ("fts", "vector", "hybrid"):
        for f in filters:
            key = f"{mode:<6} {','.join(f) or 'no filter'}"
            timings[key] = []
            for query in queries:
                q = SearchQuery(query, limit=10, mode=mode, **f)  # type: ignore[arg-type]
                runs = []
                for _ in range(REPEAT):
                    e.cache.pop(query, None)  # the query is embedded for real every time
                    _query_vectors.clear()
                    t0 = time.perf_counter()
                    search(db, data, q, embedder=e, refresh=False)
                    runs.append(1000 * (time.perf_counter() - t0))
                timings[key].append(statistics.median(runs))
    print(
        f"  query latency over {len(queries)} queries (each the median of {REPEAT} runs),"
        " ms (p50 / p95):"
    )
    embed_p = f"{percentile(embed_ms, 50):6.1f} / {percentile(embed_ms, 95):6.1f}"
    print(f"    {'query embedding alone':<24}{embed_p}")
    for key, ms in timings.items():
        print(f"    {key:<24}{percentile(ms, 50):6.1f} / {percentile(ms, 95):6.1f}")
    t0 = time.perf_counter()
    ensure_index(db, data, embedder=e)
    print(f"  staleness check when nothing is stale: {1000 * (time.perf_counter() - t0):.1f} ms")
    page2 = SearchQuery(queries[0], offset=10, limit=10)
    search(db, data, SearchQuery(queries[0], limit=10), embedder=e, refresh=False)
    t0 = time.perf_counter()
    search(db, data, page2, embedder=e, refresh=False)
    print(
        "  next page of the same query (embedding remembered):"
        f" {1000 * (time.perf_counter() - t0):.1f} ms"
    )

    store = vector_store(data)
    _matrices.clear()
    t0 = time.perf_counter()
    matrix = vector_matrix(db, data, e.name)
    print(
        "  load the in-memory matrix from SQLite (first filtered query):"
        f" {time.perf_counter() - t0:.2f} s"
    )
    typed = [r[0] for r in db.execute("SELECT id FROM meetings WHERE type = 'standup'")]
    nn: dict[str, list[float]] = {k: [] for k in ("hnsw", "hnsw+type", "numpy", "numpy+type")}
    for query in queries:
        v = e.embed([query])[0]
        for key in nn:
            t0 = time.perf_counter()
            if key == "hnsw":
                store.query(v, 50)
            elif key == "hnsw+type":
                where = {"meeting_id": {"$in": typed}}
                store.col.query(query_embeddings=v[None, :], n_results=50, where=where)
            else:
                matrix.nearest(v, 50, typed if key == "numpy+type" else None)
            nn[key].append(1000 * (time.perf_counter() - t0))
    print(
        "  top-50 neighbours without embedding, ms (p50 / p95);"
        f" numpy matrix {matrix.matrix.nbytes / 1e6:.0f} MB:"
    )
    for key, ms in nn.items():
        print(f"    {key:<12}{percentile(ms, 50):6.1f} / {percentile(ms, 95):6.1f}")

    shutil.rmtree(data / "vectors")
    t0 = time.perf_counter()
    rebuilt = ensure_index(db, data, embedder=e)
    print(
        f"  rebuild after deleting the chromadb folder: {time.perf_counter() - t0:.1f} s"
        f" ({rebuilt} meetings, stored vectors reused, no model run)"
    )
    one = db.execute("SELECT id FROM meetings LIMIT 1").fetchone()[0]
    t0 = time.perf_counter()
    index_meeting(db, data, one, embedder=e)
    print(f"  re-sync one meeting's vectors: {1000 * (time.perf_counter() - t0):.0f} ms")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--meetings", type=int, default=1000)
    p.add_argument("--pool", type=int, default=3000, help="distinct generated sentences")
    p.add_argument("--queries", type=int, default=40)
    p.add_argument("--skip-relevance", action="store_true")
    p.add_argument("--skip-scale", action="store_true")
    p.add_argument(
        "--keep", type=Path, help="work in this folder and keep it (reused by the next run)"
    )
    args = p.parse_args()
    print(f"cores: {os.cpu_count()}, load average at start: {os.getloadavg()[0]:.1f}")
    with tempfile.TemporaryDirectory() as tmp:
        work = args.keep or Path(tmp)
        if not args.skip_relevance:
            bench_relevance(work)
        if not args.skip_scale:
            bench_scale(work, args.meetings, args.pool, args.queries)
    print(f"load average at end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
