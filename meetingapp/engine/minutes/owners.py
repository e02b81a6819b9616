"""Who an action item belongs to: the one addressed ("Dana, can you..."), the
one a "you" means, a name ASR misspelt mapped to a person in the meeting, or the
voice an "also" names. Owners are people, so these turn what was said into a
name (:mod:`.people`) rather than leave a voice label where a name was heard."""

from __future__ import annotations

import re
from difflib import SequenceMatcher

from meetingapp.engine.minutes.found import Found, rename
from meetingapp.engine.minutes.people import People, alike_name, is_label, name_word, vocatives
from meetingapp.engine.minutes.text import Sentence

#: A name as said: capitalised, as ASR writes names.
NAME = r"[A-Z][a-z]+"


def known_name(word: str, names: frozenset[str]) -> str | None:
    """The name in ``names`` that ``word`` spells, tolerating ASR spelling."""
    for name in names:
        if SequenceMatcher(None, word.lower(), name.lower()).ratio() >= 0.8:
            return name
    return None


def addressee(sentences: list[Sentence], k: int, people: People) -> str | None:
    """Whom "you" means: a person named in this turn, else the previous, else the next speaker."""
    s = sentences[k]
    speaker = people.voice(s.speaker)
    j = k
    while j >= 0 and sentences[j].speaker == s.speaker:
        for name in _mentions(sentences[j].text, people):
            if name != speaker:
                return name
        j -= 1
    if j >= 0:
        return people.voice(sentences[j].speaker)
    later = (x.speaker for x in sentences[k + 1 :] if x.speaker != s.speaker)
    return people.voice(next(later, None))


def _mentions(text: str, people: People) -> list[str]:
    """People said in ``text``, tolerating ASR spelling ("Farrah" for Farah)."""
    found = (people.person(w) for w in re.findall(rf"\b{NAME}\b", text) if name_word(w))
    return [n for n in found if n]


def vocative(clause: str, speaker: str | None, people: People) -> str | None:
    """The person a request is addressed to ("Farah, could you...", "..., Daniel?").

    A name opening or closing the request is a person even when the meeting
    never heard it before, and ASR's spelling of a known person ("Ferrer" for
    Farah) is taken as that person when the consonants agree. ASR often drops
    the comma: "Dana can you..." opening the request names Dana too.
    """
    bare = re.match(rf"^\W*(?P<name>{NAME})\s+(?:can|could|would|will) you\b", clause)
    said = [bare.group("name")] if bare and name_word(bare.group("name")) else []
    for word in [*vocatives(clause), *said]:
        person = people.person(word) or _sounds_like(word, people.names, speaker) or word
        if person != speaker:
            return person
    for name in _mentions(clause, people):
        if name != speaker:
            return name
    return None


def named(word: str, people: People, speaker: str | None) -> str:
    """The person a name said in the meeting stands for (ASR's spelling mapped to a
    known person), else the name as said."""
    return people.person(word) or _sounds_like(word, people.names, speaker) or word


def _sounds_like(word: str, names: frozenset[str], speaker: str | None) -> str | None:
    """The one known person other than the speaker ``word`` may be ASR's spelling of
    (someone addressed or named is nearly always in the room)."""
    return alike_name(word, sorted(n for n in names if n != speaker))


def possessive(name: str | None) -> str | None:
    """ "Dana's" for "my"/"your" said to or by Dana, so a task reads the same from anyone."""
    return f"{name}'s" if name else None


def name_by_also(found: list[Found], sentences: list[Sentence]) -> list[Found]:
    """ "I can run a usability test." - "Great, Omar will also share the results.":
    the one who "also" takes a task is who just took one, so an unnamed voice's
    own commitment in the turn before names that voice."""
    out = list(found)
    for f in found:
        text = sentences[f.sentence].text
        if f.kind != "named" or not re.search(r"\balso\b", text, re.IGNORECASE):
            continue
        before = [
            x
            for x in out
            if x.kind == "self"
            and x.sentence < f.sentence
            and _turn_before(sentences, x.sentence, f.sentence)
        ]
        voice = before[-1].item.owner if before else None
        if voice and is_label(voice) and f.item.owner and not is_label(f.item.owner):
            out = [rename(x, voice, f.item.owner) for x in out]
    return out


def _turn_before(sentences: list[Sentence], earlier: int, later: int) -> bool:
    """Whether sentence ``earlier`` is in the turn just before the one holding ``later``."""
    voices = [x.speaker for x in sentences[earlier : later + 1]]
    runs = [v for i, v in enumerate(voices) if i == 0 or voices[i - 1] != v]
    return len(runs) == 2
