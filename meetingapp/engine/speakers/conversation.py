"""Names for a meeting's unnamed voices, from what people said to each other.

engine/minutes/people.py learns them (self-introductions, being addressed and
answering, being thanked) for the minutes' owners; this turns its evidence into
a proposal per voice for the user. A voice an enrolled profile named keeps that
name: its name is known to the learner as a person, so no other voice gets it.
A proposal counts as the voice's name only when it reaches ``APPLY_CONFIDENCE``
and someone else confirmed it (the voice answered when addressed by that name, or
was thanked by it); otherwise the name is offered as a question. On the issue-15
scripted meetings (espeak-ng voices, Whisper base; benchmarks/diarization.py
--names) no proposal was ever another participant's name (0 of 28), but 4 of
the 7 self-introductions nobody confirmed were misheard ("I'm Quame" for Kwame,
"I'm Marlou" for Olu) while the 3 confirmed ones were all right. That rule was chosen
on those same meetings: the third set ("fresh") gave no name above 0.33.

No name is applied when the voice itself says the name besides introducing itself,
as people do not speak of themselves in the third person: the voice is two people
(alike voices the diarization merged; tests/data/voices, pairs of alike voices: the
residents' merged Helen+Irene voice asked "Can Helen put that in the minutes?").
An earlier guard, no name when more people were named than voices were found, went
when the pipeline began to take the people the talk shows present as a floor on the
speaker count (talk_count.py): with it, leave one meeting out over 28 meetings (14
synthetic, 14 scripted; benchmarks/diarization.py --voices) chose, in every fold,
``APPLY_CONFIDENCE`` 0.67, someone else confirming, the says-it guard and no crowd
guard: held out 9 names right and 0 wrong. Four synthetic meetings written after that
choice, scored once: 2 right, 0 wrong (with the scripted meetings, 6 and 0). Recall
stays low (a name needs a confirmation), which is the price of never naming wrongly.

The import pipeline applies such names (:func:`apply_heard_names`); the others stay
offers for the window and ``speakers list --meeting``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from meetingapp.domain.speakers import MeetingSpeaker
from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes.people import is_label, learn_people, same_name
from meetingapp.engine.minutes.text import split_sentences

#: A self-introduction nobody contradicts scores 1.0; being answered after a question by
#: name (or thanked) scores by how much of the voice's evidence names that person (twice
#: alone is 0.667, just under: the grid's steps were 1.0, 0.67 and 0.33).
APPLY_CONFIDENCE = 0.67
#: How people.py's evidence of a self-introduction begins.
SELF_EVIDENCE = "said "


@dataclass(frozen=True)
class ProposedName:
    """A name for the voice ``label`` (as shown: "Speaker 2"), how sure, and why."""

    label: str
    name: str
    confidence: float
    evidence: tuple[str, ...]
    #: more people were named in the meeting than voices were found: no longer a bar to
    #: applying (see the module docstring), kept so benchmarks/diarization.py's rule grid
    #: can weigh that guard again
    crowded: bool = False
    #: the voice itself says the name besides introducing itself ("Can Helen put that in
    #: the minutes?"): people do not speak of themselves so, so the voice is someone
    #: else too (two alike voices merged)
    says_it: bool = False
    #: the user undid this name on this voice: it stays an offer, never shown as sure
    declined: bool = False

    @property
    def applied(self) -> bool:
        """Sure enough to be shown as the voice's name rather than as a question."""
        return (
            self.confidence >= APPLY_CONFIDENCE
            and self.confirmed
            and not self.says_it
            and not self.declined
        )

    @property
    def confirmed(self) -> bool:
        """Someone else used the name for this voice: people.py words a self-introduction
        'said "…"', every other kind of evidence comes from another speaker."""
        return any(not e.startswith(SELF_EVIDENCE) for e in self.evidence)


def proposed_names(
    segments: list[Segment], speakers: list[MeetingSpeaker]
) -> dict[str, ProposedName]:
    """Speaker name as shown -> proposal, for the voices no profile or user named."""
    people = learn_people(split_sentences(segments))
    crowded = len(people.names) > len(speakers)
    out: dict[str, ProposedName] = {}
    for s in speakers:
        learnt = people.voices.get(s.name)
        if learnt is None or not is_label(s.name) or s.status in ("auto", "confirmed"):
            continue
        intros = sum(e.startswith(SELF_EVIDENCE) for e in learnt.evidence)
        says_it = _mentions(segments, s.name, learnt.name) > intros
        out[s.name] = ProposedName(
            s.name,
            learnt.name,
            learnt.confidence,
            learnt.evidence,
            crowded,
            says_it,
            declined=s.declined is not None and same_name(s.declined, learnt.name),
        )
    return out


def _mentions(segments: list[Segment], speaker: str, name: str) -> int:
    """How often ``speaker`` says ``name`` (in any spelling ASR gives it)."""
    return sum(
        same_name(word, name)
        for seg in segments
        if seg.speaker == speaker
        for word in re.findall(r"[A-Z][a-z]+", seg.text)
    )


def apply_heard_names(
    segments: list[Segment], speakers: list[MeetingSpeaker], profiles: set[str]
) -> tuple[list[Segment], list[MeetingSpeaker]]:
    """Name each voice whose proposal is applied (:attr:`ProposedName.applied`), in the
    segments and its words too, recording why in ``MeetingSpeaker.heard``.

    Enrolled people still win: only a voice no profile named or resembles
    (status "unknown") takes a name, never one that is a profile's (``profiles``,
    lower case): that person's own voice did not match this one, so the name is
    left as an offer for the user to confirm, which also teaches the profile.
    """
    proposals = proposed_names(segments, speakers)
    taken = {s.name.lower() for s in speakers} | profiles
    names: dict[str, str] = {}
    out: list[MeetingSpeaker] = []
    for s in speakers:
        p = proposals.get(s.name)
        if p is None or not p.applied or s.status != "unknown" or p.name.lower() in taken:
            out.append(s)
            continue
        taken.add(p.name.lower())
        names[s.name] = p.name
        out.append(replace(s, name=p.name, heard="; ".join(p.evidence)))
    renamed = [
        replace(
            seg,
            speaker=names.get(seg.speaker or "", seg.speaker),
            words=[replace(w, speaker=names.get(w.speaker or "", w.speaker)) for w in seg.words],
        )
        for seg in segments
    ]
    return renamed, out
