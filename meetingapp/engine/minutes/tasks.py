"""A task's words: cut from the clause that commits to it, without its due
phrase, a trailing vocative, fillers or a contrast after it, with "me"/"you"
made names, so that the minutes read as tasks rather than quotes."""

from __future__ import annotations

import re
from dataclasses import replace

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.anaphora import PRONOUN_OBJECTS
from meetingapp.engine.minutes.dates import DueMatch, find_due
from meetingapp.engine.minutes.owners import NAME
from meetingapp.engine.minutes.people import People
from meetingapp.engine.minutes.text import tokens

#: "..., but it depends on the auditor": a contrast after the task is not part of it.
_BUT_TAIL = re.compile(r"\s*,\s*but\b.*$|\s+but (?:it|that|this) depends\b.*$", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:(?:so|then|and|also|ok|okay|right|good|great|alright|well|yes|sure|just|"
    r"definitely|probably|quickly|actually|after some discussion),?\s+)+",
    re.IGNORECASE,
)


def task_and_due(
    rest: str, clause: str, rest_at: int, swap: dict[str, str | None], people: People
) -> tuple[str, str | None]:
    """The task without its due phrase or a trailing vocative, and the due phrase:
    the first said after the cue ("Ana reviews it by the 22nd, I'll write the report
    this week" is due this week), else one said before it ("By Friday, I'll ...")."""
    due = _due_from(clause, rest_at)
    task = rest
    # "take the Saturday morning shift": a date inside a noun phrase stays in the task
    attributive = (
        due
        and re.match(r"\s+[a-z]+", clause[due.span[1] :])
        and not re.match(
            r"\s+(?:and|or|so|then|if|as|at|after|before|when|because|but|to|for|please)\b",
            clause[due.span[1] :],
        )
        and not _due_from(clause[due.span[1] :], 0, at_start=True)  # "before ten this morning"
    )
    if due and due.span[0] >= rest_at and not attributive:
        a, b = due.span[0] - rest_at, due.span[1] - rest_at
        while more := _due_from(clause, b + rest_at, at_start=True):  # "before ten this morning"
            b = more.span[1] - rest_at
        task = re.sub(r",?\s+(?:so|and|then)\s*$", "", rest[:a]) + rest[b:]
        # "before the next meeting, which is [on the 12th]": what is left of the date
        task = re.sub(r",?\s*which (?:is|are|was|will be)\s*(?:on|at|by)?[\s.!?]*$", "", task)
    task = _BUT_TAIL.sub("", task)
    task = re.sub(r",?\s*\b(?:yes|right|ok|okay|yeah|alright|then)\W*$", "", task)  # ", yes?"
    tail = re.search(rf",\s*(?P<name>{NAME})\W*$", task)
    if tail and people.person(tail.group("name")):
        task = task[: tail.start()]
    return clean_task(task, swap), due.phrase if due else None


def _due_from(text: str, at: int, at_start: bool = False) -> DueMatch | None:
    """The first due phrase in ``text`` from ``at`` on (``at_start``: right there),
    with its span in ``text``'s terms; else, unless ``at_start``, the first before."""
    after = find_due(text[at:])
    if after and (not at_start or not text[at : at + after.span[0]].strip()):
        return replace(after, span=(after.span[0] + at, after.span[1] + at))
    return None if at_start else find_due(text)


def clean_task(task: str, swap: dict[str, str | None]) -> str:
    """``task`` without leading filler or end punctuation, each word in ``swap`` replaced
    (``"me"`` by the speaker's name) so it reads the same out of the speaker's mouth."""
    task = _LEADING_FILLER.sub("", task.strip())
    for word, repl in swap.items():
        if repl:
            task = re.sub(rf"\b{word}\b", repl, task, flags=re.IGNORECASE)
    task = re.sub(r"\s+", " ", task).strip(" ,.;:!?")
    return task


def clean_sentence(text: str) -> str:
    """``text`` as a line of the minutes: no leading filler or trailing comma, capitalised."""
    text = _LEADING_FILLER.sub("", text.strip()).rstrip(" ,;.")
    return text[:1].upper() + text[1:]


def pronouns_only(task: str) -> bool:
    """Whether all after the verb is pronouns ("do it"): it says nothing on its own."""
    return all(w in PRONOUN_OBJECTS for w in tokens(task)[1:])


def pointing(task: str) -> bool:
    """Whether the task's object is a pronoun ("get that done", "grab them")."""
    return any(w in PRONOUN_OBJECTS for w in tokens(task)[1:2])


def duplicate(item: ActionItem, items: list[ActionItem]) -> bool:
    """Same owner, mostly the same words: said twice, written once."""
    new = set(tokens(item.task))
    for old in items:
        both = set(tokens(old.task))
        if old.owner == item.owner and len(new & both) >= 0.7 * min(len(new), len(both)):
            return True
    return False
