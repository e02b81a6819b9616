"""The FastAPI app: each handler calls the ``Library`` method the window and the CLI
call and returns the domain record as JSON (see docs/architecture.md)."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import shutil
import sqlite3
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from dataclasses import asdict
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Form, Header, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException

from meetingapp.domain.jobs import FINISHED, UNFINISHED
from meetingapp.domain.meetings import FORMATS
from meetingapp.domain.minutes import ACTION_STATUSES, MEETING_TYPES
from meetingapp.domain.recording import PARTIAL, STOPPED, LiveEvent
from meetingapp.engine.jobs import JobEvent, JobRunner
from meetingapp.errors import BadInputError, MeetingAppError, NotFoundError
from meetingapp.library import Library

#: The largest upload accepted (bytes); ``create_app(max_upload_bytes=...)`` and
#: ``meetingapp serve`` (``MEETINGAPP_API_MAX_UPLOAD``) change it.
MAX_UPLOAD_BYTES = 2 * 1024**3
#: How often the event streams look at a job or at the live recording (seconds).
EVENT_POLL_SECONDS = 0.2
TOKEN_FILE = "api_token"
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "json": "application/json",
    "srt": "application/x-subrip; charset=utf-8",
    "vtt": "text/vtt; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
    "rttm": "text/plain; charset=utf-8",
}
CHUNK = 1024 * 1024


def token_path(data: Path) -> Path:
    return data / TOKEN_FILE


def ensure_token(data: Path) -> str:
    """The API token, created on first use (readable by the user only)."""
    path = token_path(data)
    if path.exists():
        token = path.read_text(encoding="utf-8").strip()
        if token:
            return token
    data.mkdir(parents=True, exist_ok=True)
    token = secrets.token_urlsafe(32)
    tmp = path.with_name(f".{TOKEN_FILE}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(token + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return token


def uploads_dir(data: Path) -> Path:
    """Where uploads wait until their job has finished (the job reads its stored copy)."""
    return data / "tmp" / "uploads"


class ApiError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": " ".join(str(message).split())}, status_code=status)


def sse(kind: str, data: dict[str, Any], event_id: str | None = None) -> str:
    """One server-sent event; ``event_id`` is what an EventSource sends back as
    ``Last-Event-ID`` when it reconnects."""
    head = f"id: {event_id}\n" if event_id is not None else ""
    return f"{head}event: {kind}\ndata: {json.dumps(data)}\n\n"


def live_sse(event: LiveEvent) -> str:
    return sse(event.kind, event.data, f"{event.data['recording_id']}:{event.seq}")


def latest_partial_only(events: list[LiveEvent]) -> list[LiveEvent]:
    """``events`` without the partials a later one replaces: a client joining an hour
    into a meeting gets its lines and the words now being said, not every correction."""
    partials = [i for i, e in enumerate(events) if e.kind == PARTIAL]
    stale = set(partials[:-1])
    return [e for i, e in enumerate(events) if i not in stale]


def seen_up_to(last_event_id: str | None, recording_id: str | None) -> int:
    """The last ``seq`` a reconnecting client already has of this recording (-1: none)."""
    rid, _, seq = (last_event_id or "").partition(":")
    return int(seq) if rid == recording_id and seq.isdigit() else -1


def record(obj: Any) -> Any:
    """A domain dataclass (or a list of them) as JSON-ready data."""
    if isinstance(obj, list):
        return [record(o) for o in obj]
    return asdict(obj)


class MeetingChanges(BaseModel):
    title: str | None = None
    type: str | None = None


class ActionChanges(BaseModel):
    status: str | None = None
    owner: str | None = None
    task: str | None = None
    due: str | None = None


class Question(BaseModel):
    question: str


#: An upload folder no unfinished job needs is removed at start once it is this old
#: (a younger one may be an upload another server on the same library is receiving).
STALE_UPLOAD_S = 3600.0


def clear_stale_uploads(data: Path, needed: set[Path], now: float) -> list[Path]:
    """Remove the upload folders a killed server left behind; returns those removed.
    ``needed`` are the folders of jobs still to run (resumed at this start)."""
    root = uploads_dir(data)
    if not root.is_dir():
        return []
    stale = [
        folder
        for folder in root.iterdir()
        if folder not in needed and now - folder.stat().st_mtime > STALE_UPLOAD_S
    ]
    for folder in stale:
        shutil.rmtree(folder, ignore_errors=True)
    return stale


def create_app(
    library: Library, token: str | None = None, max_upload_bytes: int = MAX_UPLOAD_BYTES
) -> FastAPI:
    """The API over ``library``. Without ``library.engine``, a job runner is started
    with the app and closed when it stops."""
    data = library.data
    secret = (token or ensure_token(data)).encode("utf-8")

    def on_event(event: JobEvent) -> None:
        """A finished upload's temporary file goes (after the runner has released
        or kept the stored copy, which needs it to exist)."""
        if event.status not in FINISHED:
            return
        with suppress(MeetingAppError, sqlite3.Error):
            remove_upload(Path(library.job(event.job_id).source_path))

    def remove_upload(path: Path) -> None:
        folder = path.parent
        if folder.parent == uploads_dir(data):
            shutil.rmtree(folder, ignore_errors=True)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        own = library.engine is None
        if own:
            library.engine = JobRunner(data, workers=max(1, library.settings().workers))
        assert library.engine is not None
        library.engine.add_listener(on_event)
        library.resume_unfinished()
        needed = {Path(j.source_path).parent for j in library.jobs(UNFINISHED)}
        clear_stale_uploads(data, needed, time.time())
        try:
            yield
        finally:
            if own:
                await asyncio.to_thread(library.engine.shutdown, True)
                await asyncio.to_thread(library.engine.close)
                library.engine = None

    app = FastAPI(
        title="meetingapp",
        description="Local REST API over the meeting library. "
        f"Send `Authorization: Bearer <token>`; the token is in the data folder's {TOKEN_FILE}.",
        version="1",
        lifespan=lifespan,
    )

    # -- errors: always one JSON line ------------------------------------------
    @app.exception_handler(HTTPException)
    async def http_error(request: Request, e: HTTPException) -> JSONResponse:
        message = e.detail if isinstance(e.detail, str) else json.dumps(e.detail)
        if e.status_code == 404 and message == "Not Found":
            message = f"no such route: {request.method} {request.url.path}"
        response = error(e.status_code, message)
        for k, v in (e.headers or {}).items():
            response.headers[k] = v
        return response

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, e: RequestValidationError) -> JSONResponse:
        problems = []
        for err in e.errors():
            where = ".".join(str(p) for p in err.get("loc", ()) if p not in ("body", "query"))
            problems.append(f"{where}: {err.get('msg')}" if where else str(err.get("msg")))
        return error(422, "; ".join(problems) or "invalid request")

    @app.exception_handler(ApiError)
    async def api_error(request: Request, e: ApiError) -> JSONResponse:
        return error(e.status, e.message)

    @app.exception_handler(NotFoundError)
    async def not_found(request: Request, e: NotFoundError) -> JSONResponse:
        return error(404, str(e))

    @app.exception_handler(MeetingAppError)
    async def refused(request: Request, e: MeetingAppError) -> JSONResponse:
        return error(422, str(e))

    @app.exception_handler(sqlite3.Error)
    async def database(request: Request, e: sqlite3.Error) -> JSONResponse:
        return error(500, library.describe_db_error(e))

    @app.exception_handler(Exception)
    async def internal(request: Request, e: Exception) -> JSONResponse:
        return error(500, f"internal error: {type(e).__name__}: {e}")

    # -- the token ----------------------------------------------------------------
    def require_token(request: Request) -> None:
        scheme, _, given = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not secrets.compare_digest(
            given.strip().encode("utf-8"), secret
        ):
            raise HTTPException(
                401,
                f"missing or wrong token: send Authorization: Bearer <the {TOKEN_FILE} file's"
                " text>",
                headers={"WWW-Authenticate": "Bearer"},
            )

    # -- health (open) ----------------------------------------------------------------
    @app.get("/health", tags=["health"])
    def health() -> dict[str, Any]:
        from meetingapp.engine.whisper_models import resolve_whisper

        report: dict[str, Any] = {}
        try:
            jobs = library.jobs(UNFINISHED)
            report["database"] = {"ok": True}
            report["queue"] = {s: sum(j.status == s for j in jobs) for s in UNFINISHED}
        except (sqlite3.Error, MeetingAppError) as e:
            message = library.describe_db_error(e) if isinstance(e, sqlite3.Error) else str(e)
            report["database"] = {"ok": False, "error": message}
            report["queue"] = None
        try:
            report["disk_free_bytes"] = shutil.disk_usage(data).free
        except OSError as e:
            report["disk_free_bytes"] = None
            report["disk_error"] = f"{data}: {e.strerror}"
        try:
            name = library.job_options().model
            resolve_whisper(name, data)
            report["model"] = {"name": name, "ok": True}
        except MeetingAppError as e:
            report["model"] = {"ok": False, "error": str(e)}
        ok = report["database"]["ok"] and report["model"]["ok"]
        return {"status": "ok" if ok else "degraded", **report}

    api = APIRouter(prefix="/api/v1", dependencies=[Depends(require_token)])

    # -- importing and jobs -------------------------------------------------------
    @api.post("/meetings", status_code=202, tags=["jobs"])
    def upload(
        request: Request,
        file: Annotated[UploadFile, File()],
        title: Annotated[str | None, Form()] = None,
        type: Annotated[str, Form()] = "general",
        language: Annotated[str | None, Form()] = None,
        model: Annotated[str | None, Form()] = None,
    ) -> Response:
        """Queue a recording; 202 with its job id (200 with the meeting id when this
        recording was imported already)."""
        from meetingapp.engine.audio import probe
        from meetingapp.engine.languages import check_language

        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > max_upload_bytes + CHUNK:
            raise ApiError(413, f"upload too large (limit {max_upload_bytes} bytes)")
        if type not in MEETING_TYPES:
            raise ApiError(422, f"{type!r} is not a meeting type ({', '.join(MEETING_TYPES)})")
        check_language(language or None)
        if model:  # an unknown model fails now, not after the upload is queued
            from meetingapp.engine.whisper_models import resolve_whisper

            resolve_whisper(model, data)
        name = Path(file.filename or "").name or "upload"
        folder = uploads_dir(data) / uuid.uuid4().hex
        folder.mkdir(parents=True)
        path = folder / name
        keep = False
        try:
            size = 0
            with path.open("wb") as out:
                while chunk := file.file.read(CHUNK):
                    size += len(chunk)
                    if size > max_upload_bytes:
                        raise ApiError(413, f"upload too large (limit {max_upload_bytes} bytes)")
                    out.write(chunk)
            if size == 0:
                raise ApiError(422, f"{name}: file is empty (0 bytes)")
            try:
                probe(path)
            except BadInputError as e:
                raise ApiError(415, f"{name}: {e.cause}") from None
            options = library.job_options(
                model=model or None, language=language or None, title=title or None, type=type
            )
            sub = library.submit(path, options)
            if sub.job_id is None:
                return JSONResponse(
                    {"job_id": None, "meeting_id": sub.existing_meeting_id, "duplicate": True},
                    status_code=200,
                )
            keep = not sub.already_queued
            return JSONResponse(
                {"job_id": sub.job_id, "already_queued": sub.already_queued}, status_code=202
            )
        finally:
            if not keep:
                shutil.rmtree(folder, ignore_errors=True)

    @api.get("/jobs", tags=["jobs"])
    def jobs() -> list[dict[str, Any]]:
        return record(library.jobs())

    @api.get("/jobs/{job_id}", tags=["jobs"])
    def job(job_id: int) -> dict[str, Any]:
        return record(library.job(job_id))

    @api.post("/jobs/{job_id}/cancel", tags=["jobs"])
    def cancel(job_id: int) -> dict[str, Any]:
        library.cancel_job(job_id)
        return record(library.job(job_id))

    @api.get("/jobs/{job_id}/events", tags=["jobs"])
    async def events(job_id: int) -> StreamingResponse:
        """Server-sent events: the job's status, stage and progress as they change,
        ending with done, failed or cancelled."""
        await asyncio.to_thread(library.job, job_id)  # 404 before the stream starts

        async def stream() -> AsyncIterator[str]:
            last: tuple[Any, ...] | None = None
            best = 0.0
            while True:
                j = await asyncio.to_thread(library.job, job_id)
                best = max(best, j.progress) if j.status in UNFINISHED else j.progress
                if j.status == "done":
                    best = 1.0
                now = (j.status, j.stage, round(best, 4))
                if now != last:
                    last = now
                    body = {
                        "job_id": job_id,
                        "status": j.status,
                        "stage": j.stage,
                        "progress": round(best, 4),
                        "meeting_id": j.meeting_id,
                        "error": j.error,
                    }
                    yield sse(j.status, body)
                if j.status in FINISHED:
                    return
                await asyncio.sleep(EVENT_POLL_SECONDS)

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    # -- the recording in progress -------------------------------------------------
    @api.get("/recording/live", tags=["recording"])
    async def live_recording(
        last_event_id: Annotated[str | None, Header()] = None,
    ) -> StreamingResponse:
        """Server-sent events of the live transcript while the window or `meetingapp
        record` records (in any process on this library).

        The stream replays the recording so far, then follows it:

        - `started`: `recording_id`, `started_at`, `devices` (empty: the default
          input), `auto`, `live` (false: no transcript lines will come), `title`;
        - `state`: `state` is recording, listening (auto-record waits for voices) or
          paused;
        - `line`: `text` the live transcript will not change (append it); `part`
          counts the recordings of an auto-record session;
        - `partial`: the words after the last line, still being corrected: `text`
          replaces the previous partial (empty clears it);
        - `stopped`, last: `job_ids`, the recordings queued for transcription (follow
          `/jobs/{id}/events`), and `problem` when it stopped early; a recorder that
          crashed or was killed also ends with `stopped` and a `problem`.

        Every event has `recording_id` and `seq`, and those the recorder wrote `at`
        (seconds since the start). The stream ends after `stopped`. When nothing is
        recording, the answer is one `idle` event, `{"recording": false, "last": <the
        latest recording's stopped data, or null>}`, and the stream ends: ask again
        later (an EventSource reconnects by itself). Each event's id is
        `recording_id:seq`, so a client reconnecting with `Last-Event-ID` gets only what
        it missed."""

        async def stream() -> AsyncIterator[str]:
            # The feed is a local file (some 500 KB after an hour): no thread needed.
            feed = library.live_feed()
            if feed is None:
                yield sse("idle", {"recording": False, "last": None})
                return
            with feed:  # closed when the client goes: the stream is cancelled here
                events = feed.poll()
                if feed.ended:
                    last = events[-1].data if events and events[-1].kind == STOPPED else None
                    yield sse("idle", {"recording": False, "last": last})
                    return
                seen = seen_up_to(last_event_id, feed.recording_id)
                while True:
                    for event in latest_partial_only(events):
                        if event.seq > seen:
                            yield live_sse(event)
                    if feed.ended:
                        return
                    await asyncio.sleep(EVENT_POLL_SECONDS)
                    events = feed.poll()

        return StreamingResponse(
            stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"}
        )

    # -- meetings ------------------------------------------------------------------
    @api.get("/meetings", tags=["meetings"])
    def meetings() -> list[dict[str, Any]]:
        return record(library.meetings())

    @api.get("/meetings/{meeting_id}", tags=["meetings"])
    def meeting(meeting_id: int) -> dict[str, Any]:
        found = library.meeting(meeting_id)
        minutes = library.minutes(meeting_id)
        return {
            **record(found),
            "segments": record(library.segments(meeting_id)),
            "minutes": record(minutes) if minutes is not None else None,
        }

    @api.patch("/meetings/{meeting_id}", tags=["meetings"])
    def update_meeting(meeting_id: int, changes: MeetingChanges) -> dict[str, Any]:
        return record(library.update_meeting(meeting_id, title=changes.title, type=changes.type))

    @api.delete("/meetings/{meeting_id}", tags=["meetings"])
    def delete_meeting(meeting_id: int) -> dict[str, Any]:
        return {"deleted": meeting_id, "title": library.delete_meeting(meeting_id)}

    @api.get("/meetings/{meeting_id}/export", tags=["meetings"])
    def export(meeting_id: int, format: str = "md") -> Response:
        if format not in FORMATS:
            raise ApiError(422, f"format {format!r} is not one of {', '.join(FORMATS)}")
        text = library.export_text(meeting_id, format)
        return Response(text, media_type=MEDIA_TYPES[format])

    # -- search and ask ------------------------------------------------------------
    @api.get("/search", tags=["search"])
    def search(
        q: str,
        type: str | None = None,
        date_from: Annotated[str | None, Query(alias="from")] = None,
        date_to: Annotated[str | None, Query(alias="to")] = None,
        speaker: str | None = None,
        meeting: int | None = None,
        offset: Annotated[int, Query(ge=0)] = 0,
        limit: Annotated[int, Query(ge=1, le=100)] = 10,
    ) -> dict[str, Any]:
        from meetingapp.engine.search import SearchQuery

        query = SearchQuery(
            q,
            type=type,
            date_from=date_from,
            date_to=date_to,
            speaker=speaker,
            meeting_id=meeting,
            offset=offset,
            limit=limit,
        )
        results = library.search(query)
        return {
            "hits": record(results.hits),
            "offset": results.offset,
            "limit": results.limit,
            "candidates": results.candidates,
        }

    @api.post("/ask", tags=["search"])
    def ask(body: Question) -> dict[str, Any]:
        if not body.question.strip():
            raise ApiError(422, "question: the question is empty")
        return record(library.ask(body.question, library.settings().llm_path()))

    # -- action items --------------------------------------------------------------
    @api.get("/action-items", tags=["action items"])
    def action_items(
        status: str | None = None, owner: str | None = None, meeting: int | None = None
    ) -> list[dict[str, Any]]:
        if status is not None and status not in (*ACTION_STATUSES, "all"):
            raise ApiError(422, f"status must be one of {', '.join(ACTION_STATUSES)} or all")
        items = library.actions(open_only=status == "open", owner=owner, meeting_id=meeting)
        if status == "done":
            items = [a for a in items if a.status == "done"]
        return record(items)

    @api.patch("/action-items/{action_id}", tags=["action items"])
    def update_action(action_id: int, changes: ActionChanges) -> dict[str, Any]:
        chosen = changes.model_dump(exclude_unset=True)
        if not chosen:
            raise ApiError(422, "nothing to change: give status, owner, task or due")
        return record(library.update_action(action_id, **chosen))

    # -- speakers and analytics ----------------------------------------------------
    @api.get("/speakers", tags=["speakers"])
    def speakers() -> dict[str, Any]:
        return {"profiles": record(library.profiles()), "names": library.speaker_names()}

    @api.get("/analytics", tags=["analytics"])
    def analytics() -> dict[str, Any]:
        return {
            "totals": record(library.totals()),
            "talk_time": record(library.talk_time()),
            "meetings_per_week": record(library.meetings_per_week()),
        }

    app.include_router(api)
    return app
