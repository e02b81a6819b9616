"""Schema history. Append a new (version, sql) pair; never edit a released one."""

from __future__ import annotations

from meetingapp.engine.types import MEETING_TYPES

_types = ", ".join(f"'{t}'" for t in MEETING_TYPES)

V1 = f"""
CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    type TEXT NOT NULL DEFAULT 'general' CHECK (type IN ({_types})),
    date TEXT NOT NULL,
    duration REAL NOT NULL DEFAULT 0,
    language TEXT,
    model TEXT,
    source_sha256 TEXT NOT NULL,
    source_name TEXT NOT NULL,
    source_path TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'ready',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX meetings_source ON meetings (source_sha256);
CREATE INDEX meetings_date ON meetings (date);

CREATE TABLE segments (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    speaker TEXT,
    text TEXT NOT NULL,
    confidence REAL,
    UNIQUE (meeting_id, idx)
);

CREATE TABLE words (
    id INTEGER PRIMARY KEY,
    segment_id INTEGER NOT NULL REFERENCES segments (id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    word TEXT NOT NULL,
    probability REAL,
    speaker TEXT,
    UNIQUE (segment_id, idx)
);

CREATE TABLE jobs (
    id INTEGER PRIMARY KEY,
    source_path TEXT NOT NULL,
    source_sha256 TEXT,
    stored_path TEXT,
    options TEXT NOT NULL DEFAULT '{{}}',
    status TEXT NOT NULL DEFAULT 'queued'
        CHECK (status IN ('queued', 'running', 'done', 'failed', 'cancelled')),
    stage TEXT,
    progress REAL NOT NULL DEFAULT 0,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX jobs_status ON jobs (status);

CREATE TABLE job_artifacts (
    job_id INTEGER NOT NULL REFERENCES jobs (id) ON DELETE CASCADE,
    stage TEXT NOT NULL,
    attempt INTEGER NOT NULL,
    data TEXT NOT NULL,
    PRIMARY KEY (job_id, stage)
)
"""

# Speakers: people known across meetings (profiles with voice vectors) and, per
# meeting, each diarized voice with the name shown on its segments.
V2 = """
CREATE TABLE profiles (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE COLLATE NOCASE,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

CREATE TABLE voice_embeddings (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    vector BLOB NOT NULL,
    source TEXT NOT NULL,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX voice_embeddings_profile ON voice_embeddings (profile_id);

CREATE TABLE meeting_speakers (
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    label TEXT NOT NULL,
    name TEXT NOT NULL,
    profile_id INTEGER REFERENCES profiles (id) ON DELETE SET NULL,
    status TEXT NOT NULL DEFAULT 'unknown'
        CHECK (status IN ('unknown', 'suggested', 'auto', 'confirmed')),
    suggested_profile_id INTEGER REFERENCES profiles (id) ON DELETE SET NULL,
    score REAL,
    centroid BLOB,
    PRIMARY KEY (meeting_id, label)
);
CREATE INDEX meeting_speakers_profile ON meeting_speakers (profile_id);

CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
INSERT INTO meta VALUES ('voice_generation', '0');
"""

# Minutes: one JSON document per meeting; action items in their own table so
# they can be tracked (ticked off, edited) across meetings.
V3 = """
CREATE TABLE minutes (
    meeting_id INTEGER PRIMARY KEY REFERENCES meetings (id) ON DELETE CASCADE,
    data TEXT NOT NULL,
    model TEXT,
    template TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE action_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    owner TEXT,
    task TEXT NOT NULL,
    due TEXT,
    due_text TEXT,
    status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    start REAL NOT NULL,
    segment_index INTEGER,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX action_items_meeting ON action_items (meeting_id);
CREATE INDEX action_items_open ON action_items (status, due);
"""

MIGRATIONS: list[tuple[int, str]] = [(1, V1), (2, V2), (3, V3)]
