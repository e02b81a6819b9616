"""The REST API against a real server: ``python -m meetingapp serve`` in a subprocess
on a free port, talked to with httpx (one server for the module)."""

from __future__ import annotations

import json
import os
import stat
import time
import wave
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest
from api_server import Server, serve
from evaldata import JFK

from meetingapp.api.app import STALE_UPLOAD_S, clear_stale_uploads, uploads_dir

#: The server's upload limit in these tests (MEETINGAPP_API_MAX_UPLOAD).
LIMIT = 2 * 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("api-home")
    (home / "settings.json").write_text(json.dumps({"asr_model": "tiny.en"}), encoding="utf-8")
    with serve(home, {"MEETINGAPP_API_MAX_UPLOAD": str(LIMIT)}) as running:
        yield running


def eventually(check: Callable[[], bool], seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def originals(home: Path) -> list[Path]:
    folder = home / "originals"
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_health_is_open(server: Server) -> None:
    r = httpx.get(f"{server.url}/health")
    assert r.status_code == 200
    health = r.json()
    assert health["database"]["ok"] is True
    assert health["model"] == {"name": "tiny.en", "ok": True}
    assert health["disk_free_bytes"] > 0
    assert health["queue"] == {"queued": 0, "running": 0}
    assert httpx.get(f"{server.url}/docs").status_code == 200


def test_the_token_file_is_private(server: Server) -> None:
    mode = stat.S_IMODE((server.home / "api_token").stat().st_mode)
    assert mode == 0o600
    assert len(server.token) >= 32


@pytest.mark.parametrize("token", [None, "wrong", ""])
def test_api_routes_need_the_token(server: Server, token: str | None) -> None:
    if token == "":  # a right token is accepted
        assert server.client().get("/api/v1/meetings").status_code == 200
        return
    with server.client(token) as c:
        for method, path in [("GET", "/api/v1/meetings"), ("GET", "/api/v1/jobs/1")]:
            r = c.request(method, path)
            assert r.status_code == 401, (method, path)
            assert "token" in r.json()["error"]


def test_unknown_meeting_is_404_json(server: Server) -> None:
    with server.client() as c:
        for path in ["/api/v1/meetings/999999", "/api/v1/jobs/999999"]:
            r = c.get(path)
            assert r.status_code == 404
            assert r.headers["content-type"].startswith("application/json")
            assert "999999" in r.json()["error"]
        r = c.patch("/api/v1/action-items/999999", json={"status": "done"})
        assert r.status_code == 404 and "999999" in r.json()["error"]


def refused(server: Server, name: str, content: bytes, status: tuple[int, ...]) -> str:
    with server.client() as c:
        jobs = c.get("/api/v1/jobs").json()
        before = originals(server.home)
        r = c.post("/api/v1/meetings", files={"file": (name, content)})
        assert r.status_code in status, r.text
        assert c.get("/api/v1/jobs").json() == jobs  # no new job
    assert originals(server.home) == before  # nothing stored
    uploads = server.home / "tmp" / "uploads"
    assert not uploads.exists() or not any(uploads.iterdir())
    return r.json()["error"]


def test_text_renamed_wav_is_refused_415(server: Server) -> None:
    message = refused(server, "notes.wav", b"these are meeting notes, not audio\n" * 20, (415,))
    assert "notes.wav" in message


def test_empty_upload_is_refused(server: Server) -> None:
    message = refused(server, "empty.wav", b"", (415, 422))
    assert "empty" in message


@pytest.mark.parametrize("over", [1, 3 * 1024 * 1024])  # caught while read / by its length
def test_too_large_upload_is_refused_413(server: Server, over: int) -> None:
    message = refused(server, "big.wav", b"\0" * (LIMIT + over), (413,))
    assert "too large" in message


def test_upload_transcribe_follow_and_export(server: Server) -> None:
    with server.client() as c:
        with JFK.open("rb") as f:
            r = c.post(
                "/api/v1/meetings",
                files={"file": ("jfk.flac", f, "audio/flac")},
                data={"title": "Inaugural", "type": "general"},
            )
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        assert isinstance(job_id, int)

        events = []
        with c.stream("GET", f"/api/v1/jobs/{job_id}/events", timeout=300) as s:
            assert s.headers["content-type"].startswith("text/event-stream")
            kind = None
            for line in s.iter_lines():
                if line.startswith("event: "):
                    kind = line.removeprefix("event: ")
                elif line.startswith("data: "):
                    body = json.loads(line.removeprefix("data: "))
                    assert body["status"] == kind
                    events.append(body)
        statuses = [e["status"] for e in events]
        assert statuses[-1] == "done", events
        assert all(s in ("queued", "running") for s in statuses[:-1])
        progress = [e["progress"] for e in events]
        assert progress == sorted(progress) and progress[-1] == 1.0
        assert any(e["stage"] for e in events[:-1])
        meeting_id = events[-1]["meeting_id"]

        job = c.get(f"/api/v1/jobs/{job_id}").json()
        assert job["status"] == "done" and job["meeting_id"] == meeting_id
        meeting = c.get(f"/api/v1/meetings/{meeting_id}").json()
        assert meeting["title"] == "Inaugural" and meeting["segments"]
        assert meeting_id in [m["id"] for m in c.get("/api/v1/meetings").json()]

        md = c.get(f"/api/v1/meetings/{meeting_id}/export", params={"format": "md"})
        assert md.status_code == 200 and "country" in md.text.lower()
        for fmt in ("json", "srt", "vtt", "txt"):
            assert c.get(f"/api/v1/meetings/{meeting_id}/export?format={fmt}").status_code == 200
        bad = c.get(f"/api/v1/meetings/{meeting_id}/export?format=doc")
        assert bad.status_code == 422 and "doc" in bad.json()["error"]

        changes = {"title": "JFK", "type": "standup"}
        renamed = c.patch(f"/api/v1/meetings/{meeting_id}", json=changes)
        assert renamed.status_code == 200, renamed.text
        assert renamed.json()["title"] == "JFK" and renamed.json()["type"] == "standup"
        empty_title = c.patch(f"/api/v1/meetings/{meeting_id}", json={"title": " "})
        assert empty_title.status_code == 422 and "error" in empty_title.json()

        hits = c.get("/api/v1/search", params={"q": "country"}).json()["hits"]
        assert meeting_id in [h["meeting_id"] for h in hits]
        assert c.post("/api/v1/ask", json={"question": "what about the country?"}).json()["text"]
        assert isinstance(c.get("/api/v1/action-items?status=open").json(), list)
        assert "profiles" in c.get("/api/v1/speakers").json()
        assert c.get("/api/v1/analytics").json()["totals"]["meetings"] >= 1
        # the upload's temporary copy goes once the runner has reported the job done
        uploads = server.home / "tmp" / "uploads"
        assert eventually(lambda: not uploads.exists() or not any(uploads.iterdir()))

        # the same recording again: no new job, the meeting it is
        with JFK.open("rb") as f:
            again = c.post("/api/v1/meetings", files={"file": ("jfk.flac", f)})
        assert again.status_code == 200 and again.json()["meeting_id"] == meeting_id

        assert c.delete(f"/api/v1/meetings/{meeting_id}").status_code == 200
        assert c.get(f"/api/v1/meetings/{meeting_id}").status_code == 404


def test_cancel_a_job_ends_its_events_and_keeps_nothing(server: Server, tmp_path: Path) -> None:
    rng = np.random.default_rng(7)
    samples = (rng.standard_normal(16000 * 30) * 3000).astype("<i2")
    noise = tmp_path / "noise.wav"
    with wave.open(str(noise), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(16000)
        w.writeframes(samples.tobytes())
    before = originals(server.home)
    with server.client() as c:
        r = c.post("/api/v1/meetings", files={"file": ("noise.wav", noise.read_bytes())})
        assert r.status_code == 202, r.text
        job_id = r.json()["job_id"]
        assert c.post(f"/api/v1/jobs/{job_id}/cancel").status_code == 200
        with c.stream("GET", f"/api/v1/jobs/{job_id}/events", timeout=120) as s:
            data = [json.loads(x[6:]) for x in s.iter_lines() if x.startswith("data: ")]
        assert data[-1]["status"] == "cancelled"
        assert c.get(f"/api/v1/jobs/{job_id}").json()["status"] == "cancelled"
        assert c.post("/api/v1/jobs/999999/cancel").status_code == 404
    # the stored copy goes just after the job is marked cancelled
    assert eventually(lambda: originals(server.home) == before)


def test_uploads_left_by_a_killed_server_are_cleared(tmp_path: Path) -> None:
    root = uploads_dir(tmp_path)
    stale, needed, fresh = (root / name for name in ("stale", "needed", "fresh"))
    for folder in (stale, needed, fresh):
        folder.mkdir(parents=True)
        (folder / "talk.wav").write_bytes(b"RIFF")
    now = time.time()
    for folder in (stale, needed):
        os.utime(folder, (now - STALE_UPLOAD_S - 60, now - STALE_UPLOAD_S - 60))
    assert clear_stale_uploads(tmp_path, {needed}, now) == [stale]
    assert sorted(p.name for p in root.iterdir()) == ["fresh", "needed"]
