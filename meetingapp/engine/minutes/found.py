"""An action item with where it came from (sentence, kind of cue, voice), kept
while the items found in a meeting are merged: a reply folds into the request it
answers and a recap line into the item it restates only by knowing those."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.dates import resolve_due
from meetingapp.engine.minutes.text import Sentence


@dataclass
class Found:
    """An action item and where it came from, while items are merged."""

    item: ActionItem
    sentence: int
    kind: str  # "self" (first person), "request", "named", "recap"
    voice: str | None  # the speaker's label
    to_anyone: bool = False  # a request to whoever takes it ("if someone could ...")


def rename(f: Found, old: str | None, new: str) -> Found:
    """``f`` owned by ``new`` if ``old`` owned it: a voice named late names all its items."""
    if old is not None and f.item.owner == old:
        f.item = replace(f.item, owner=new)
    return f


def said_at(
    s: Sentence, owner: str | None, task: str, due: str | None, meeting_date: dt.date
) -> ActionItem:
    """The item said in sentence ``s``: the due phrase kept as said and resolved to a
    date against the meeting's."""
    return ActionItem(
        owner=owner,
        task=task,
        due=resolve_due(due, meeting_date) if due else None,
        due_text=due,
        start=s.start,
        segment_index=s.segment_index,
    )
