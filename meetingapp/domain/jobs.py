"""Processing jobs: what the user chose for a recording, and where its job stands."""

from __future__ import annotations

import json
from dataclasses import dataclass, field, fields
from typing import Any

UNFINISHED = ("queued", "running")
FINISHED = ("done", "failed", "cancelled")


@dataclass
class JobOptions:
    """What the user chose for one recording."""

    title: str | None = None
    type: str = "general"
    language: str | None = None
    model: str = "base"
    date: str | None = None
    num_speakers: int | None = None
    min_speakers: int | None = None
    max_speakers: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_json(cls, text: str) -> JobOptions:
        raw = json.loads(text)
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in raw.items() if k in known})

    def to_json(self) -> str:
        return json.dumps({f.name: getattr(self, f.name) for f in fields(self)})


@dataclass
class Job:
    id: int
    source_path: str
    source_sha256: str | None
    stored_path: str | None
    options: JobOptions
    status: str
    stage: str | None
    progress: float
    error: str | None
    attempts: int
    meeting_id: int | None
    created_at: str
    updated_at: str
    #: the job runner that owns it (see :mod:`meetingapp.store.job_holders`)
    holder: str | None

    @classmethod
    def from_row(cls, row: dict[str, Any]) -> Job:
        values = {f.name: row[f.name] for f in fields(cls)}
        values["options"] = JobOptions.from_json(row["options"])
        return cls(**values)
