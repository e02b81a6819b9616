"""Who is who in one meeting, learnt from what people say to each other.

On a meeting nobody enrolled, every voice is "Speaker N", yet people say their
names: they introduce themselves ("I'm Dana", "this is Marcus", "Nadia here",
"Hi all, it's Dev"), address each other ("Marcus, can you …?", "what's your
view, Callum?", "Your turn, Mia.", "Thank you, Professor Lindqvist") and
thank the person who just spoke ("Thanks, Zoe"). Minutes need owners by name,
so these cues are turned into evidence for a name per voice:

- a self-introduction names the speaker (strong: weight 3);
- a name opening a request or ending a question names whoever answers next (1);
- "thanks, X" or a reply ending in ", X." at the start of a turn names the one
  who spoke just before (1);
- whoever says "X, …" is not X (a veto).

A voice gets a name only when its best name has weight ≥ 1, at least twice any
other name's, and the name is not better supported for another voice, so one
stray answer cannot outvote an introduction. ASR spells names inconsistently
("Lucas", "Lukas"), so spellings that match (:func:`same_name`) count as one
person, written as most often heard; an enrolled name wins over any spelling.

Only capitalised words in these roles are names, and never the words meetings
open sentences with ("Great, …", "Realistically, …"), weekdays or months.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from meetingapp.engine.minutes.dates import MONTHS, WEEKDAYS
from meetingapp.engine.minutes.text import Sentence, word_set

#: Capitalised words that open or close spoken sentences but are never names.
_NOT_NAMES = (
    frozenset(ENGLISH_STOP_WORDS)
    | frozenset(WEEKDAYS)
    | frozenset(MONTHS)
    | word_set(
        """
        yes yeah yep no nope ok okay right sure great good fine cool nice lovely excellent
        perfect alright agreed understood noted absolutely definitely exactly indeed true
        correct fair wow oh ah uh um ugh hmm hey hi hello morning evening afternoon welcome
        thanks thank cheers sorry please well so now then also anyway actually honestly
        basically really realistically quick first second third finally next last today
        tomorrow yesterday team folks guys everyone everybody all friends sounds makes
        look listen wait see right done got let lets sure thing awesome brilliant super
        quickly maybe perhaps obviously personally frankly luckily sadly unfortunately
        yesterday tonight action item items update updates note notes question questions
        good bye goodbye bye great congratulations congrats happy
        chef professor doctor dr councillor councilor sir madam chair chairman chairwoman
        boss mate officer nurse sister coach captain
        """
    )
    | frozenset(f"{day}s" for day in WEEKDAYS)  # "Wednesdays, are we still on?"
)
_NAME = r"[A-Z][a-z]+(?:-[A-Z][a-z]+)?"
INTRO = re.compile(
    rf"\b(?:I'm|I’m|I am|[Tt]his is|[Mm]y name is|[Mm]y name's)\s+(?P<name>{_NAME})\b(?!['’]s)"
    rf"|^(?:(?:hi|hello|hey)\b[\s,]*)?(?P<here>{_NAME}) here\b"
    rf"|^(?:hi|hello|hey)\b[\w\s]*,\s*it's (?P<its>{_NAME})\W*$",  # "Hi all, it's Dev."
    re.IGNORECASE,
)
_OPENERS = r"(?:(?:ok|okay|so|and|yes|yeah|right|great|good|well|now|then|cool|fine)[,.!]?\s+)*"
#: A title before a name said to someone: "Thank you, Professor Lindqvist".
_TITLE = r"(?:(?i:professor|prof|doctor|dr|councill?or|mr|mrs|ms|miss)\.?\s+)?"
THANKS = re.compile(
    rf"^{_OPENERS}(?:thanks|thank you|cheers)[,\s]+{_TITLE}(?P<name>{_NAME})\b", re.I
)
_VOCATIVE_START = re.compile(rf"^{_OPENERS}{_TITLE}(?P<name>{_NAME}),\s", re.IGNORECASE)
VOCATIVE_END = re.compile(rf",\s*{_TITLE}(?P<name>{_NAME})\s*(?P<end>[.?!]?)\s*$")
#: A sentence that hands the word to someone: a question, "you" ("Bob, you first"),
#: or a hand-over ("Your turn, Mia.", "Go ahead, Sam.").
ASKING = re.compile(
    r"\?\s*$|(?<!thank )\byou\b|\b(?:your turn|go ahead|the floor is yours)\b",  # not "thank you"
    re.IGNORECASE,
)
#: A reply that takes a request on: "Sure.", "Will do.", "Of course, I'll ...".
TAKES_IT = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|of course|will do|we'll do|on it|no problem|happy to|absolutely"
    r"|definitely|I'll|I will|I can)\b",
    re.IGNORECASE,
)
_LABEL = re.compile(r"(?i)speaker[\s_]*\d+$")
#: Weights of the evidence kinds (see the module docstring).
INTRO_WEIGHT = 3.0
TURN_WEIGHT = 1.0


@dataclass(frozen=True)
class LearntName:
    """The name a voice was given, how sure (0–1), and why, for the user to check."""

    name: str
    confidence: float
    evidence: tuple[str, ...]


@dataclass
class People:
    """The people of one meeting: names per voice, and every name said as a person."""

    voices: dict[str, LearntName] = field(default_factory=dict)
    names: frozenset[str] = frozenset()
    #: spelling heard -> the person's name as written in the minutes
    spellings: dict[str, str] = field(default_factory=dict)
    #: capitalised words said inside sentences that may be names ("Omar will …")
    proper: frozenset[str] = frozenset()

    def voice(self, label: str | None) -> str | None:
        """What to call the speaker ``label``: the learnt name, else the label itself."""
        if label is None:
            return None
        learnt = self.voices.get(label)
        return learnt.name if learnt else label

    def person(self, word: str) -> str | None:
        """The person ``word`` names (an ASR spelling of one of ``names``), if any."""
        if word in self.spellings:
            return self.spellings[word]
        for name in self.names:
            if same_name(word, name):
                return name
        return None


def is_label(speaker: str | None) -> bool:
    """Whether ``speaker`` is an anonymous voice ("Speaker 2", "SPEAKER_01")."""
    return bool(speaker and _LABEL.match(speaker))


def same_name(a: str, b: str) -> bool:
    """Two spellings of one name, as ASR writes them ("Lucas"/"Lukas", "Farrah"/"Farah")."""
    a, b = a.lower(), b.lower()
    return a == b or SequenceMatcher(None, a, b).ratio() >= 0.8


def name_word(word: str) -> bool:
    """Whether a capitalised ``word`` can be a person's name at all."""
    return bool(re.fullmatch(_NAME, word)) and word.lower() not in _NOT_NAMES


@dataclass
class _Evidence:
    scores: dict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    why: dict[tuple[str, str], list[str]] = field(default_factory=lambda: defaultdict(list))
    vetoes: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    heard: Counter[str] = field(default_factory=Counter)

    def add(self, label: str | None, name: str, weight: float, why: str) -> None:
        self.scores[label or ""][name] += weight
        self.why[(label or "", name)].append(why)


def learn_people(sentences: list[Sentence]) -> People:
    """Names for the anonymous voices of one meeting, and the people it names."""
    ev = _Evidence()
    turns = _turns(sentences)
    for t, turn in enumerate(turns):
        before = turns[t - 1][0].speaker if t > 0 else None
        after = turns[t + 1][0].speaker if t + 1 < len(turns) else None
        reply = turns[t + 1][0].text if t + 1 < len(turns) else ""
        _read_turn([s.text for s in turn], turn[0].speaker, before, after, ev, reply)
    enrolled = {s.speaker for s in sentences if s.speaker and not is_label(s.speaker)}
    spellings = _spellings(ev.heard, enrolled)
    return People(
        voices=_assign(ev, spellings, enrolled),
        names=frozenset(spellings.values()) | frozenset(enrolled),
        spellings=spellings,
        proper=frozenset(w for s in sentences for w in _proper_words(s.text)),
    )


def vocatives(text: str) -> list[str]:
    """Names ``text`` addresses someone by: "Dana, can you …", "…, Callum?", "Thanks, Zoe"."""
    found = [m.group("name") for m in (THANKS.match(text), _VOCATIVE_START.match(text)) if m]
    if m := VOCATIVE_END.search(text):
        found.append(m.group("name"))
    return list(dict.fromkeys(n for n in found if name_word(n)))


def _read_turn(
    texts: list[str],
    speaker: str | None,
    before: str | None,
    after: str | None,
    ev: _Evidence,
    reply: str = "",
) -> None:
    """Collect the name evidence of one turn: ``texts`` said by ``speaker`` between
    the turns of ``before`` and ``after``.

    A question or a "you" that ends the turn hands the word to the next speaker,
    so a name in it, or in the sentence just before it ("Okay, Felix. When can
    you …?"), names that speaker; a plain request ("Jules, please update …")
    does not, as nobody need answer it, unless the next voice takes it on (``reply``
    "Will do."). A turn that opens by thanking or answering someone by
    name ("Thanks, Zoe", "Not at all, Harriet.") names the previous speaker.
    """
    for text in texts:
        for m in INTRO.finditer(text):
            name = m.group("name") or m.group("here") or m.group("its")
            if name_word(name):
                ev.heard[name] += 1
                if speaker is not None:
                    ev.add(speaker, name, INTRO_WEIGHT, f'said "{m.group(0).strip()}"')
    said = [vocatives(t) for t in texts]
    for names in said:
        for name in names:
            ev.heard[name] += 1
            if speaker is not None:
                ev.vetoes[speaker].add(name)
    asked: list[str] = []
    if ASKING.search(texts[-1]):
        asked = said[-1] or (said[-2] if len(texts) > 1 else [])
    elif TAKES_IT.match(reply):
        asked = [n for names in said[-2:] for n in names]
    if len(asked) == 1 and after is not None and after != speaker:
        ev.add(after, asked[0], TURN_WEIGHT, f'answered "{_quote(texts[-2:], asked[0])}"')
    first = texts[0]
    thanked = THANKS.match(first)
    answered = VOCATIVE_END.search(first)
    replied = [
        m.group("name")
        for m in (thanked, answered if answered and not ASKING.search(first) else None)
        if m and name_word(m.group("name"))
    ]
    if len(set(replied)) == 1 and len(said[0]) == 1 and before is not None and before != speaker:
        ev.add(before, replied[0], TURN_WEIGHT, f'was answered "{first.strip()}"')


def _quote(texts: list[str], name: str) -> str:
    return next((t.strip() for t in texts if name in t), texts[-1].strip())


def _proper_words(text: str) -> list[str]:
    """Capitalised words inside a sentence (not its first word): proper nouns, when
    they can be names ("with me are Tom and Grace")."""
    return [
        m.group(0) for m in re.finditer(rf"(?<=[a-z,;:] ){_NAME}\b", text) if name_word(m.group(0))
    ]


def _turns(sentences: list[Sentence]) -> list[list[Sentence]]:
    turns: list[list[Sentence]] = []
    for s in sentences:
        if turns and turns[-1][0].speaker == s.speaker:
            turns[-1].append(s)
        else:
            turns.append([s])
    return turns


def sound(word: str) -> str:
    """Consonant skeleton with repeats collapsed: Farah, Farrah, Ferrer -> "fr"."""
    skeleton = re.sub(r"[aeiouyhw]", "", word.lower())
    return re.sub(r"(.)\1+", r"\1", skeleton)


def alike_name(word: str, names: list[str]) -> str | None:
    """The one name in ``names`` that ``word`` may be ASR's spelling of: the same
    consonants ("Ferrer" for Farah), else the same first letter and most of the
    consonants ("Payful" for Pavel); None when no name, or several, fit."""
    alike = [n for n in names if sound(n) == sound(word)]
    if not alike:
        alike = [
            n
            for n in names
            if n[:1].lower() == word[:1].lower()
            and min(len(sound(n)), len(sound(word))) >= 3  # "Paul" is not "Pavel"
            and SequenceMatcher(None, sound(n), sound(word)).ratio() >= 0.6
        ]
    return alike[0] if len(alike) == 1 else None


def _spellings(heard: Counter[str], enrolled: set[str]) -> dict[str, str]:
    """Each spelling heard -> its person's name: enrolled spelling, else the most heard.

    A spelling that matches no enrolled name letter by letter but has the
    consonants of exactly one ("Ferrer" for an enrolled Farah) is that person:
    the meeting's people are known, and ASR bends names towards common words.
    """
    groups: list[list[str]] = [[e] for e in sorted(enrolled)]
    for word, _ in heard.most_common():
        group = next((g for g in groups if any(same_name(word, w) for w in g)), None)
        alike = alike_name(word, [g[0] for g in groups[: len(enrolled)]])
        if group is None and alike is not None:
            group = next(g for g in groups if g[0] == alike)
        if group is None:
            groups.append([word])
        elif word not in group:
            group.append(word)
    return {w: g[0] for g in groups for w in g}


def _assign(ev: _Evidence, spellings: dict[str, str], enrolled: set[str]) -> dict[str, LearntName]:
    scores: dict[str, Counter[str]] = defaultdict(Counter)
    why: dict[tuple[str, str], list[str]] = defaultdict(list)
    for label, names in ev.scores.items():
        if not is_label(label):
            continue
        vetoed = {spellings.get(v, v) for v in ev.vetoes.get(label, set())}
        for heard, score in names.items():
            person = spellings.get(heard, heard)
            if person not in enrolled and person not in vetoed:
                scores[label][person] += score
                why[(label, person)] += ev.why[(label, heard)]
    pairs = sorted(
        ((score, label, person) for label, c in scores.items() for person, score in c.items()),
        key=lambda p: (-p[0], p[1], p[2]),
    )
    out: dict[str, LearntName] = {}
    taken: set[str] = set()
    for score, label, person in pairs:
        if label in out or person in taken or score < TURN_WEIGHT:
            continue
        rival_names = max((s for p, s in scores[label].items() if p != person), default=0.0)
        rival_voices = max(
            (c[person] for lab, c in scores.items() if lab != label and person in c), default=0.0
        )
        if score < 2 * rival_names or score <= rival_voices:
            continue
        total = sum(scores[label].values())
        confidence = round(min(1.0, score / INTRO_WEIGHT) * score / total, 3)
        out[label] = LearntName(person, confidence, tuple(why[(label, person)]))
        taken.add(person)
    return out
