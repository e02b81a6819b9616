"""How many people a meeting has at least, from what they said (issue 14).

Alike voices (two people on one base voice, a pitch apart) sit closer than the
diarization's median cut, so it merges them and finds too few speakers; told the
right count, Ward over whole turns brings the synthetic meetings' DER from 33.5% to
23.8% (benchmarks/results/diarization.txt). The
transcript is ready before the speakers are clustered (the pipeline transcribes
first), and people say who is there: each name below is someone present, so the
number of distinct ones is a floor on the number of voices.

The transcript has no speakers yet, so this reads only the words, in Whisper's
segments (a pause between people nearly always ends one):

- a self-introduction ("I'm Lena", "Lena here", "my name's Lena"; people.py's
  pattern) is someone present;
- a name someone is addressed by (people.py's vocatives: "Lena, can you …?",
  "…, Lena?") in a sentence that hands over the word (a question, a "you", or a
  request the next segment takes on: "Sure.") is someone present when the talk goes
  on in a later segment: they were there to answer;
- a reply opening a segment, after one, said to a name ("Thanks, Lena", "Good
  idea, Lena."): Lena just spoke.

A name mentioned in passing ("ask Helen when she's back") is none of these, so
absent people do not count. Who answered cannot be checked before the voices are
known: one person asking someone absent a question and talking on ("Jo, can you
send it? Also, …" in a voice memo) counts Jo, and the floor then splits that voice.
On the AMI clips no name counted at all (benchmarks/results/diarization.txt).

ASR spells one name several ways ("Lucas", "Lukas", "Man" and "Men" for Ben):
spellings that match (people.same_name) or share their consonants (people.sound) are
one person; a misheard name can still count twice ("Manor" for Omar).
"""

from __future__ import annotations

from dataclasses import dataclass

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes import people as said
from meetingapp.engine.minutes.people import name_word, same_name, sound, vocatives
from meetingapp.engine.minutes.text import Sentence, split_sentences

#: The evidence kinds :func:`people_present` can count.
INTRO = "introduced"
ANSWERED = "answered"
THANKED = "thanked"
#: What the pipeline counts, chosen leave-one-meeting-out (benchmarks/diarization.py
#: --count-from-talk): self-introductions and people addressed who answered.
DEFAULT_KINDS: frozenset[str] = frozenset({INTRO, ANSWERED, THANKED})


@dataclass(frozen=True)
class PresentPerson:
    """A name the talk shows is someone in the meeting, and the sentences that show it."""

    name: str
    evidence: tuple[str, ...]


def people_present(
    segments: list[Segment], kinds: frozenset[str] = DEFAULT_KINDS
) -> list[PresentPerson]:
    """The people the talk in ``segments`` shows are present (see the module docstring),
    in order of first evidence; ``kinds`` picks which evidence counts."""
    sentences = split_sentences(segments)
    found: list[tuple[str, str]] = []
    for i, s in enumerate(sentences):
        later = next((t for t in sentences[i + 1 :] if t.segment_index != s.segment_index), None)
        if INTRO in kinds:
            for m in said.INTRO.finditer(s.text):
                name = m.group("name") or m.group("here")
                if name_word(name):
                    found.append((name, f'said "{m.group(0).strip()}"'))
        if ANSWERED in kinds and later is not None and _hands_over(sentences, i, later):
            found += [(n, f'asked "{s.text}"') for n in _addressed(sentences, i)]
        if THANKED in kinds and i > 0 and _opens_segment(sentences, i):
            found += [(n, f'replied "{s.text}"') for n in _replied_to(s.text)]
    people: list[PresentPerson] = []
    for name, why in found:
        if name.lower() in _TITLES:
            continue
        at = next((k for k, p in enumerate(people) if _one_name(p.name, name)), None)
        if at is None:
            people.append(PresentPerson(name, (why,)))
        else:
            people[at] = PresentPerson(people[at].name, (*people[at].evidence, why))
    return people


def _replied_to(text: str) -> list[str]:
    """The name a reply opening a segment is said to: "Thanks, Kai", or a statement
    ending in one ("Good idea, Mark."; people.py's 'was answered')."""
    thanked = said.THANKS.match(text)
    if thanked:
        return [thanked.group("name")] if name_word(thanked.group("name")) else []
    end = said.VOCATIVE_END.search(text)
    if end and not said.ASKING.search(text) and name_word(end.group("name")):
        return [end.group("name")]
    return []


#: Words of address that are no one's name on their own ("Me and one, Mr." cut short).
_TITLES = frozenset({"mr", "mrs", "ms", "miss", "dr", "sir", "madam"})


def _one_name(a: str, b: str) -> bool:
    """Two spellings ASR may give one name: close letters, or the same consonants
    ("Man" and "Men" for Ben, people.sound)."""
    return same_name(a, b) or sound(a) == sound(b)


def _opens_segment(sentences: list[Sentence], i: int) -> bool:
    return i == 0 or sentences[i - 1].segment_index != sentences[i].segment_index


def _closes_segment(sentences: list[Sentence], i: int) -> bool:
    return i + 1 == len(sentences) or sentences[i + 1].segment_index != sentences[i].segment_index


def _hands_over(sentences: list[Sentence], i: int, later: Sentence) -> bool:
    """Sentence ``i`` ends its segment handing the word over: a question or a "you", or a
    request that the next segment (``later``) takes on."""
    if not _closes_segment(sentences, i):
        return False
    return bool(said.ASKING.search(sentences[i].text) or said.TAKES_IT.match(later.text))


def _addressed(sentences: list[Sentence], i: int) -> list[str]:
    """Names sentence ``i`` is said to, else the one before in its segment ("Okay, Felix.
    When can you …?")."""
    names = vocatives(sentences[i].text)
    if not names and i > 0 and sentences[i - 1].segment_index == sentences[i].segment_index:
        names = vocatives(sentences[i - 1].text)
    return names


def speaker_floor(
    segments: list[Segment],
    num_speakers: int | None = None,
    min_speakers: int | None = None,
    max_speakers: int | None = None,
    kinds: frozenset[str] = DEFAULT_KINDS,
) -> int | None:
    """The least number of speakers to cluster into: the people the talk shows present,
    when that is two or more and the user gave no count or floor of their own (theirs
    win); never above ``max_speakers``. The diarization uses it only when its own count
    is lower (diarize.py)."""
    if num_speakers is not None or min_speakers is not None:
        return min_speakers
    n = len(people_present(segments, kinds))
    if n < 2:
        return None
    return min(n, max_speakers) if max_speakers is not None else n
