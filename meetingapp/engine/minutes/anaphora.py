"""What pronouns and "one" stand for in a task, so minutes say "ask the head teacher"
rather than "ask her".

Spoken tasks point back: "I know the head teacher, I'll ask her", "we need a new
setlist, could someone put one together?", "send me the photos" - "I'll send
them tonight". A minute read later has no context, so the object is filled with
the noun phrase the pronoun stands for, found by plain rules on where English puts
an antecedent: earlier in the same sentence, after the same verb, in the speaker's
own sentence before. Only a determiner's noun phrase is taken ("the head teacher",
not a word said to someone), so a wrong guess stays rare and a miss leaves the
pronoun as said.
"""

from __future__ import annotations

import re

from meetingapp.engine.minutes.people import People
from meetingapp.engine.minutes.text import Sentence, word_set
from meetingapp.engine.minutes.topics import STOP_WORDS, candidate_runs

#: Objects that point back to what was just asked ("get that done", "have something
#: by Monday") rather than name a task.
PRONOUN_OBJECTS = word_set("it that this so them those these something")
#: A prepositional phrase that belongs to the noun before it: "of the council leader".
_PP = re.compile(
    r"\s+(?:of|on|for|from|with|in|about)\s+(?:the\s+|a\s+|an\s+)?[a-z]+(?:\s+[a-z]+)?", re.I
)
_DETERMINER = re.compile(r"\b(?:the|a|an|our|your|my|their|his)\s+", re.IGNORECASE)


def resolve_pronoun(
    task: str, sentences: list[Sentence], k: int, people: People, before: str = ""
) -> str:
    """ "review them" -> "review the portfolios": the object a request points back to
    is the last noun phrase said just before it, in the same sentence ("Dana, the
    floor plan, can you send it round?") or the two before."""
    words = task.split()
    if len(words) < 2 or words[1].lower() not in PRONOUN_OBJECTS - {"so", "something"}:
        return task
    stop = STOP_WORDS | {n.lower() for n in people.names}
    for text in [before, *(sentences[j].text for j in range(k - 1, max(-1, k - 3), -1))]:
        runs = candidate_runs(text, stop)
        if runs:
            words[1] = "the " + " ".join(runs[-1])
            return " ".join(words)
    return task


def resolve_person(task: str, before: str, pronouns: tuple[str, ...] = ("him", "her")) -> str:
    """ "I know the head teacher, I'll ask her" -> "ask the head teacher": "him" or
    "her" (or, after a first commitment, "it"/"them") as the object stands for the
    last noun phrase said earlier in the sentence (only there: across sentences it is
    too often someone else), a determiner's noun, not a word said to someone ("Yes,
    chef, I'll call him")."""
    words = task.split()
    if len(words) < 2 or words[1].lower() not in pronouns:
        return task
    if len(words) > 2 and words[2].lower() not in STOP_WORDS:
        return task  # "her" as a determiner: "call her manager"
    for det in reversed(list(_DETERMINER.finditer(before))):
        if np := _noun_phrase(before[det.end() :]):
            words[1] = f"the {np}"
            return " ".join(words)
    return task


def _noun_phrase(after: str) -> str | None:
    """The noun phrase a determiner opens, ``after`` being what follows it: its
    content words, right after it or after one word ("name badges"), and one
    prepositional phrase ("portrait of the council leader")."""
    runs = candidate_runs(after, STOP_WORDS)
    start = after.find(runs[0][0]) if runs else -1
    if start < 0 or len(after[:start].split()) > 1 or "," in after[:start]:
        return None
    end = after.find(runs[0][-1], start) + len(runs[0][-1])
    if pp := _PP.match(after[end:]):
        end += pp.end()
    return after[:end]


def resolve_one(task: str, texts: list[str]) -> str:
    """ "Could someone put one together?" after "we need a new setlist": "one" as the
    object stands for the last "a/an" noun phrase said before it."""
    one = re.search(
        r"(?<!\bthe )(?<!\bno )(?<!\bevery )\bone\b(?!\s+(?:of|more|thing|day)\b)", task
    )
    if one is None or one.start() == 0:
        return task
    for text in texts:
        for det in reversed(list(re.finditer(r"\b(?:a|an)\s+", text, re.IGNORECASE))):
            if np := _noun_phrase(text[det.end() :]):
                return f"{task[: one.start()]}{det.group(0).lower()}{np}{task[one.end() :]}"
    return task


def echoed_object(task: str, sentences: list[Sentence], k: int) -> str | None:
    """ "If you send me the photos, ..." - "I'll send them tonight": the pronoun
    stands for the object the same verb had just before, else for the last noun
    phrase of the speaker's own sentence before ("Can I do the invitations? I'll
    make them on my laptop")."""
    words = task.split()
    if len(words) < 2 or words[1].lower() not in ("it", "them", "those", "these"):
        return None
    verb = re.escape(words[0].lower())
    said = re.compile(
        rf"\b{verb}(?:s|es|ed|ing)?\s+(?:(?:me|us|you|him|her|them)\s+)?"
        r"(?P<np>(?:the|a|an|this|that|these|those|our|your|my|his|their)\s+[^,.;?!]+)",
        re.IGNORECASE,
    )
    for j in range(k - 1, max(-1, k - 3), -1):
        if m := said.search(sentences[j].text):
            return " ".join([words[0], m.group("np").strip(), *words[2:]])
    if k and sentences[k - 1].speaker == sentences[k].speaker:
        resolved = resolve_person(task, sentences[k - 1].text, ("it", "them"))
        return resolved if resolved != task else None
    return None
