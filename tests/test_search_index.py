"""The chromadb vector store of the search index, without a model: random vectors."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from meetingapp.engine.search_index import VectorMatrix, vector_store


def _unit(rng: np.random.Generator, n: int, dim: int = 16) -> np.ndarray:
    v = rng.standard_normal((n, dim)).astype(np.float32)
    return v / np.linalg.norm(v, axis=1, keepdims=True)


def test_query_asking_more_than_the_store_holds_gets_all_of_it_best_first(
    tmp_path: Path,
) -> None:
    # query() asks chromadb for k neighbours without counting the collection first
    rng = np.random.default_rng(18)
    store = vector_store(tmp_path)
    assert store.query(_unit(rng, 1)[0], 10) == []  # empty: nothing, no error
    vectors = _unit(rng, 7)
    ids = np.arange(100, 107, dtype=np.int64)
    store.replace_meetings([1, 2], ids, np.array([1, 1, 1, 2, 2, 2, 2]), vectors)
    v = _unit(rng, 1)[0]
    got = store.query(v, 50)
    exact = vectors @ v
    assert [i for i, _ in got] == [int(ids[j]) for j in np.argsort(-exact)]
    assert np.allclose([s for _, s in got], np.sort(exact)[::-1], atol=1e-4)
    assert [i for i, _ in store.query(v, 3)] == [i for i, _ in got[:3]]
    assert store.query(v, 0) == []
    store.remove_meeting(1)
    store.remove_meeting(2)
    assert store.query(v, 10) == []


def _matrix(rng: np.random.Generator, meetings: int = 40, per_meeting: int = 25) -> VectorMatrix:
    m = VectorMatrix("test")
    n = meetings * per_meeting
    m.ids = np.arange(1, n + 1, dtype=np.int64) * 3  # item ids are not row numbers
    m.meetings = np.repeat(np.arange(1, meetings + 1, dtype=np.int64), per_meeting)
    m.matrix = _unit(rng, n)
    return m


def _exact(m: VectorMatrix, v: np.ndarray, k: int, allowed: np.ndarray) -> list[int]:
    sims = m.matrix @ v
    rows = [r for r in np.argsort(-sims, kind="stable") if allowed[r]]
    return [int(m.ids[r]) for r in rows[:k]]


@pytest.mark.parametrize(
    ("meetings", "items"),
    [
        (None, None),  # everything: one product over the whole matrix
        (list(range(1, 31)), None),  # 75 % of the rows: the whole product, then the rows
        ([3, 17], None),  # 5 %: only the allowed rows are multiplied
        (None, list(range(3, 3001, 9))),  # every third item, spread over all meetings
        (None, list(range(3, 3001, 27))),  # every ninth: only those rows are multiplied
        (list(range(1, 21)), list(range(3, 3001, 6))),  # both filters
        ([999], None),  # nothing allowed
    ],
)
def test_filtered_nearest_is_the_exact_top_k_of_the_allowed_rows(
    meetings: list[int] | None, items: list[int] | None
) -> None:
    rng = np.random.default_rng(7)
    m = _matrix(rng)
    allowed = np.ones(len(m.ids), bool)
    if meetings is not None:
        allowed &= np.isin(m.meetings, meetings)
    if items is not None:
        allowed &= np.isin(m.ids, items)
    for v in _unit(rng, 5):
        got = m.nearest(v, 20, meetings, items)
        assert [i for i, _ in got] == _exact(m, v, 20, allowed)
        sims = dict(zip(m.ids.tolist(), (m.matrix @ v).tolist(), strict=True))
        assert np.allclose([s for _, s in got], [sims[i] for i, _ in got], atol=1e-6)


def test_identical_rows_tie_on_both_paths() -> None:
    rng = np.random.default_rng(3)
    m = _matrix(rng)
    m.matrix[100:110] = m.matrix[50]  # ten copies of one segment (meetings 3 and 5)
    v = m.matrix[50]
    copies = {int(m.ids[r]) for r in [50, *range(100, 110)]}
    for meetings in ([3, 5], list(range(1, 40))):  # a small share of the rows, and most
        got = m.nearest(v, 11, meetings)
        assert {i for i, _ in got} == copies
        assert len({s for _, s in got}) == 1 and abs(got[0][1] - 1.0) < 1e-5
