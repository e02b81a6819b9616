"""Minutes per meeting, and the action-item tracker across meetings.

Action items live in their own table (the tracker is the truth for status
and edits); regenerating minutes keeps the status of items that survive.
"""

from __future__ import annotations

import json
from dataclasses import fields
from typing import Any

import sqlite_utils

from meetingapp.domain.minutes import ACTION_STATUSES, ActionItem, Minutes, TrackedAction
from meetingapp.errors import MeetingAppError, NotFoundError
from meetingapp.store.db import is_sqlite_int
from meetingapp.store.meetings import get_meeting, now_iso

STATUSES = ACTION_STATUSES


def save_minutes(
    db: sqlite_utils.Database,
    meeting_id: int,
    minutes: Minutes,
    model: str | None = None,
    template: str | None = None,
) -> None:
    """Store (or replace) a meeting's minutes; the caller owns the transaction."""
    done = {
        (r["owner"], r["task"].lower())
        for r in db.query(
            "SELECT owner, task FROM action_items WHERE meeting_id = ? AND status = 'done'",
            [meeting_id],
        )
    }
    data = minutes.to_dict()
    data.pop("action_items")
    db.execute(
        "INSERT OR REPLACE INTO minutes (meeting_id, data, model, template, created_at)"
        " VALUES (?, ?, ?, ?, ?)",
        [meeting_id, json.dumps(data, ensure_ascii=False), model, template, now_iso()],
    )
    db.execute("DELETE FROM action_items WHERE meeting_id = ?", [meeting_id])
    _index_items(db, meeting_id, minutes)
    stamp = now_iso()
    for a in minutes.action_items:
        status = "done" if (a.owner, a.task.lower()) in done else a.status
        db.execute(
            "INSERT INTO action_items (meeting_id, owner, task, due, due_text, status, start,"
            " segment_index, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                meeting_id,
                a.owner,
                a.task,
                a.due,
                a.due_text,
                status,
                a.start,
                a.segment_index,
                stamp,
                stamp,
            ],
        )


def _index_items(db: sqlite_utils.Database, meeting_id: int, minutes: Minutes) -> None:
    """Make the minutes findable too: search covers decisions, actions and the summary."""
    db.execute("DELETE FROM search_items WHERE meeting_id = ? AND kind != 'segment'", [meeting_id])
    rows = [("summary", 0.0, None, minutes.summary)] if minutes.summary else []
    rows += [("decision", d.start, None, d.text) for d in minutes.decisions]
    rows += [("key_point", k.start, None, k.text) for k in minutes.key_points]
    # The owner is the item's speaker: the task alone is its text, or every display
    # that puts the speaker first showed "Carol: Carol: send Bob the API keys".
    rows += [("action", a.start, a.owner, a.task) for a in minutes.action_items]
    db.conn.executemany(
        "INSERT INTO search_items (meeting_id, kind, start, speaker, text) VALUES (?, ?, ?, ?, ?)",
        [(meeting_id, *r) for r in rows],
    )


def load_minutes(db: sqlite_utils.Database, meeting_id: int) -> Minutes | None:
    row = db.execute("SELECT data FROM minutes WHERE meeting_id = ?", [meeting_id]).fetchone()
    if row is None:
        return None
    minutes = Minutes.from_dict(json.loads(row[0]))
    minutes.action_items = [
        ActionItem(a.owner, a.task, a.due, a.due_text, a.start, a.segment_index or -1, a.status)
        for a in list_actions(db, meeting_id=meeting_id)
    ]
    return minutes


def list_actions(
    db: sqlite_utils.Database,
    *,
    open_only: bool = False,
    owner: str | None = None,
    meeting_id: int | None = None,
) -> list[TrackedAction]:
    where, params = [], []
    if open_only:
        where.append("a.status = 'open'")
    if owner:
        where.append("a.owner = ? COLLATE NOCASE")
        params.append(owner)
    if meeting_id is not None:
        where.append("a.meeting_id = ?")
        params.append(meeting_id)
    sql = (
        "SELECT a.*, m.title AS meeting_title, m.date AS meeting_date FROM action_items a"
        " JOIN meetings m ON m.id = a.meeting_id"
    )
    if where:
        sql += " WHERE " + " AND ".join(where)
    sql += " ORDER BY a.status DESC, a.due IS NULL, a.due, m.date, a.start"
    names = {f.name for f in fields(TrackedAction)}
    return [TrackedAction(**{k: r[k] for k in names}) for r in db.query(sql, params)]


def update_action(db: sqlite_utils.Database, action_id: int, **changes: Any) -> TrackedAction:
    """Tick off or edit an action item (status, owner, task, due)."""
    allowed = {"status", "owner", "task", "due"}
    if set(changes) - allowed:
        raise ValueError(f"cannot change {set(changes) - allowed}")
    if changes.get("status") not in (None, *STATUSES):
        raise MeetingAppError(f"status must be one of {', '.join(STATUSES)}")
    row = None
    if is_sqlite_int(action_id):
        row = db.execute("SELECT meeting_id FROM action_items WHERE id = ?", [action_id]).fetchone()
    if row is None:
        raise NotFoundError(f"no action item with id {action_id} (see `meetingapp actions`)")
    with db.conn:
        db["action_items"].update(action_id, {**changes, "updated_at": now_iso()})
    get_meeting(db, row[0])
    return next(a for a in list_actions(db, meeting_id=row[0]) if a.id == action_id)
