"""The closing recap ("So to recap: Ines finishes the screens today, ..."):
its lines confirm, complete or add action items but never repeat them, so they
are read apart from the rest of the talk and folded in last."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.commitments import FIRST_PERSON, NOT_BARE, NOT_TASKS
from meetingapp.engine.minutes.found import Found, rename, said_at
from meetingapp.engine.minutes.owners import NAME, named, possessive
from meetingapp.engine.minutes.people import People, is_label, name_word
from meetingapp.engine.minutes.rewrite import base_verb, gerund_base
from meetingapp.engine.minutes.tasks import task_and_due
from meetingapp.engine.minutes.text import Sentence, tokens
from meetingapp.engine.minutes.topics import content_word_count, text_match

_RECAP = re.compile(
    r"\b(?:to recap|recap|(?:to|let me|let's) (?:summari[sz]e|sum up)|in summary|to sum up"
    r"|summing up|to wrap up|(?:the )?action(?: item)?s (?:are|were)"
    r"|(?:to )?confirm(?:ing)? the actions?"
    r"|^\W*(?:(?:so|ok|okay)\W+)?just to confirm)\b[,:.]?\s*",  # not "I'll call to confirm"
    re.IGNORECASE,
)
_RECAP_ITEM = re.compile(
    rf"^(?:(?i:and|also|then|plus)\s+)?(?P<name>{NAME})\s+"
    r"(?:(?P<modal>will|'ll|is going to|to|is)\s+)?"
    r"(?P<verb>[A-Za-z][a-z]+)\s+(?P<rest>.+)"  # ASR capitalises a verb now and then
)


def recap_sentences(sentences: list[Sentence]) -> set[int]:
    """Indexes of the closing recap ("So to recap: ..."): the rest of that speaker's turn."""
    for k, s in enumerate(sentences):
        if _RECAP.search(s.text) and k >= len(sentences) // 2:
            span = {k}
            j = k + 1
            while j < len(sentences) and sentences[j].speaker == s.speaker and j - k < 5:
                span.add(j)
                j += 1
            return span
    return set()


def recap_items(
    sentences: list[Sentence], recap: set[int], people: People, meeting_date: dt.date
) -> list[Found]:
    """Action items a recap states: "Marcus prepares the load test plan by Wednesday"."""
    out: list[Found] = []
    lines = sorted(recap)
    for n, k in enumerate(lines):
        s = sentences[k]
        text = s.text
        if n and sentences[lines[n - 1]].text.rstrip().endswith(","):
            continue  # said as the end of the line before
        if n + 1 < len(lines) and text.rstrip().endswith(","):
            # "Pete gets quotes before the next meeting, / which is on the 12th"
            text = f"{text} {sentences[lines[n + 1]].text}"
        if m := _RECAP.search(text):
            text = text[m.end() :]
        speaker = people.voice(s.speaker)
        # a relative clause ("..., which is on the 12th") belongs to the item before it
        named: Found | None = None
        for part in re.split(r",(?!\s*(?:which|when)\b)\s*|;\s*|\s+and\s+|:\s*", text):
            f = _recap_item(part.strip(), s, k, speaker, people, meeting_date)
            if f is None and named and re.match(r"[a-z]+s\s", part.strip()):
                # "Ana drafts the plan and sends it round": the second verb is hers too
                part = f"{named.item.owner} {part.strip()}"
                f = _recap_item(part, s, k, speaker, people, meeting_date)
            if f:
                out.append(f)
                named = f if f.kind == "recap" else None
    return out


def _recap_item(
    part: str, s: Sentence, k: int, speaker: str | None, people: People, meeting_date: dt.date
) -> Found | None:
    owner: str | None
    bare = re.match(r"(?:(?i:and|also|then|plus)\s+)?I\s+(?P<rest>(?P<verb>[a-z]+)\s.+)", part)
    if m := FIRST_PERSON.search(part):
        owner, rest, kind = speaker, m.group("rest"), "self"
    elif bare and bare.group("verb") not in NOT_BARE | NOT_TASKS:
        # in a recap, "and I chase the printer" is a commitment even without a date
        owner, rest, kind = speaker, bare.group("rest"), "self"
    elif (m := _RECAP_ITEM.match(part)) and name_word(m.group("name")):
        verb = m.group("verb").lower()
        if m.group("modal") == "is":  # "Ben is drafting the letter"
            if not verb.endswith("ing"):
                return None
            verb = gerund_base(verb)
        elif not m.group("modal"):
            if not verb.endswith("s") or verb in ("is", "was", "has"):
                return None
            verb = base_verb(verb)
        owner = named(m.group("name"), people, speaker)
        rest, kind = f"{verb} {m.group('rest')}", "recap"
    else:
        return None
    task, due = task_and_due(rest, rest, 0, {"me": speaker, "my": possessive(speaker)}, people)
    if len(tokens(task)) < 2 or tokens(task)[0] in NOT_TASKS:
        return None
    item = said_at(s, owner, task, due, meeting_date)
    return Found(item, k, kind, s.speaker)


def merge_recap(found: list[Found], recap: list[Found]) -> list[Found]:
    """Fold each recap line into the item it restates, else add it.

    A match fills what the item lacks (the owner's name for a "Speaker N", the
    due date); an owner named in the recap for a voice's own commitment also
    names that voice's other items.
    """
    out = list(found)
    for r in recap:
        match = _restated(r.item, [f.item for f in out])
        if match is None:
            out.append(r)
            continue
        f = out[match]
        owner = f.item.owner
        if (owner is None or is_label(owner)) and r.item.owner and not is_label(r.item.owner):
            if f.kind == "self":
                out = [rename(x, owner, r.item.owner) for x in out]
                f = out[match]
            f.item = replace(f.item, owner=r.item.owner)
        if f.item.due is None and r.item.due is not None:
            f.item = replace(f.item, due=r.item.due, due_text=r.item.due_text)
    return out


def _restated(item: ActionItem, items: list[ActionItem]) -> int | None:
    """The index of the item ``item`` restates: most alike in words, same owner first;
    a task of one content word ("call the hall") must share its verb too."""
    best, best_score = None, 0.0
    for i, x in enumerate(items):
        score = max(text_match(item.task, x.task), text_match(x.task, item.task))
        if min(content_word_count(item.task), content_word_count(x.task)) < 2 and (
            tokens(item.task)[:1] != tokens(x.task)[:1]
        ):
            continue
        if x.owner == item.owner:
            score += 0.25
        if score > best_score and score >= 0.5:
            best, best_score = i, score
    return best
