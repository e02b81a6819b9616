"""Schema history. Append a new (version, sql) pair; never edit a released one."""

from __future__ import annotations

from meetingapp.domain.minutes import MEETING_TYPES

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

# Search. ``search_items`` holds everything findable: transcript segments (kept
# in step with ``segments`` by triggers, in the same transaction as the
# transcript) and, later, minutes items (kind = decision/action/summary…,
# written by the code that makes them). FTS5 is external-content over it:
# triggers keep it exact and atomic with the data, and text is stored once
# more only in ``search_items`` (not a third time inside FTS). Vectors are
# stored here too (float16), so the chromadb folder is a pure cache that is
# rebuilt without running the model again. ``search_gen`` counts changes per
# meeting; ``vector_state`` records which generation the vector index holds,
# written only after the vector write succeeded, so a crash in between is
# seen as stale and healed at next use. It has no foreign key on purpose:
# a row whose meeting is gone tells us to drop that meeting's vectors.
V4 = """
CREATE TABLE search_items (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    kind TEXT NOT NULL DEFAULT 'segment',
    ref_id INTEGER,
    start REAL,
    "end" REAL,
    speaker TEXT,
    text TEXT NOT NULL
);
CREATE INDEX search_items_meeting ON search_items (meeting_id, kind);
CREATE UNIQUE INDEX search_items_ref ON search_items (kind, ref_id) WHERE ref_id IS NOT NULL;
CREATE INDEX search_items_speaker ON search_items (speaker COLLATE NOCASE);

CREATE VIRTUAL TABLE search_fts USING fts5 (
    text, content = 'search_items', content_rowid = 'id',
    tokenize = 'porter unicode61 remove_diacritics 2'
);

CREATE TABLE search_vectors (
    item_id INTEGER PRIMARY KEY REFERENCES search_items (id) ON DELETE CASCADE,
    model TEXT NOT NULL,
    vector BLOB NOT NULL
);

CREATE TABLE search_gen (meeting_id INTEGER PRIMARY KEY, gen INTEGER NOT NULL);
CREATE TABLE vector_state (
    meeting_id INTEGER PRIMARY KEY,
    gen INTEGER NOT NULL,
    index_uid TEXT NOT NULL
);

CREATE TRIGGER search_items_ai AFTER INSERT ON search_items BEGIN
    INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
    INSERT INTO search_gen (meeting_id, gen) VALUES (new.meeting_id, 1)
        ON CONFLICT (meeting_id) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER search_items_ad AFTER DELETE ON search_items BEGIN
    INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO search_gen (meeting_id, gen) VALUES (old.meeting_id, 1)
        ON CONFLICT (meeting_id) DO UPDATE SET gen = gen + 1;
END;
CREATE TRIGGER search_items_au AFTER UPDATE ON search_items BEGIN
    INSERT INTO search_fts (search_fts, rowid, text) VALUES ('delete', old.id, old.text);
    INSERT INTO search_fts (rowid, text) VALUES (new.id, new.text);
    DELETE FROM search_vectors WHERE item_id = new.id AND new.text IS NOT old.text;
    INSERT INTO search_gen (meeting_id, gen) VALUES (new.meeting_id, 1)
        ON CONFLICT (meeting_id) DO UPDATE SET gen = gen + 1;
END;

CREATE TRIGGER segments_search_ai AFTER INSERT ON segments BEGIN
    INSERT INTO search_items (meeting_id, kind, ref_id, start, "end", speaker, text)
    VALUES (new.meeting_id, 'segment', new.id, new.start, new."end", new.speaker, new.text);
END;
CREATE TRIGGER segments_search_ad AFTER DELETE ON segments BEGIN
    DELETE FROM search_items WHERE kind = 'segment' AND ref_id = old.id;
END;
CREATE TRIGGER segments_search_au AFTER UPDATE ON segments BEGIN
    UPDATE search_items SET start = new.start, "end" = new."end", speaker = new.speaker,
        text = new.text
    WHERE kind = 'segment' AND ref_id = old.id;
END;

INSERT INTO search_items (meeting_id, kind, ref_id, start, "end", speaker, text)
SELECT meeting_id, 'segment', id, start, "end", speaker, text FROM segments ORDER BY id
"""

V5 = """
ALTER TABLE jobs ADD COLUMN holder TEXT;
CREATE TABLE job_holders (
    holder TEXT PRIMARY KEY,
    host TEXT NOT NULL,
    pid INTEGER NOT NULL,
    heartbeat_at REAL NOT NULL
)
"""

# The diarization's own turns (with overlap), for RTTM export; ``label`` is the
# meeting's speaker label, so a renamed speaker's turns carry the new name.
V6 = """
CREATE TABLE speaker_turns (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings (id) ON DELETE CASCADE,
    start REAL NOT NULL,
    "end" REAL NOT NULL,
    label TEXT NOT NULL
);
CREATE INDEX speaker_turns_meeting ON speaker_turns (meeting_id, start)
"""

# A voice named from the conversation ("I'm Lena" and "Thanks, Lena"): ``heard`` is why
# (the evidence, for the user to check and undo); NULL for every other name.
V7 = """
ALTER TABLE meeting_speakers ADD COLUMN heard TEXT
"""

# Voice samples: a bounded amount of each profile's speech (FLAC files under the data
# folder's ``voices``), so a new voice embedding can be computed from the sound rather
# than from vectors of an older one. A sample learnt by naming a meeting's speaker is
# first only its regions in that meeting (``path`` NULL) and is cut from the meeting's
# recording when identification next needs it. ``campplus`` caches the sample's CAM++
# vector. Profiles from before have no rows: they keep their d-vectors and are shown
# as needing re-enrollment.
V8 = """
CREATE TABLE voice_samples (
    id INTEGER PRIMARY KEY,
    profile_id INTEGER NOT NULL REFERENCES profiles (id) ON DELETE CASCADE,
    path TEXT,
    meeting_id INTEGER REFERENCES meetings (id) ON DELETE SET NULL,
    regions TEXT,
    seconds REAL NOT NULL,
    source TEXT NOT NULL,
    campplus BLOB,
    created_at TEXT NOT NULL
);
CREATE INDEX voice_samples_profile ON voice_samples (profile_id)
"""

# A name learnt from the conversation that the user undid on this voice: it is still
# offered (it may be right after all), but never again shown as sure.
V9 = """
ALTER TABLE meeting_speakers ADD COLUMN declined TEXT
"""

MIGRATIONS: list[tuple[int, str]] = [
    (1, V1),
    (2, V2),
    (3, V3),
    (4, V4),
    (5, V5),
    (6, V6),
    (7, V7),
    (8, V8),
    (9, V9),
]
