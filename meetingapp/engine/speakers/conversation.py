"""Names for a meeting's unnamed voices, from what people said to each other.

engine/minutes/people.py learns them (self-introductions, being addressed and
answering, being thanked) for the minutes' owners; this turns its evidence into
a proposal per voice for the user. A voice an enrolled profile named keeps that
name: its name is known to the learner as a person, so no other voice gets it.
A proposal counts as the voice's name only at ``APPLY_CONFIDENCE`` or above;
below it the name is offered as a question. On the standup transcribed by
tiny.en the proposals were 0.33 ("Mom, you first": Bob, misheard) and 0.67
(Carol, right): both under the right voice, one wrongly spelt, so answers alone
never name a voice; an uncontradicted self-introduction does (1.0).
"""

from __future__ import annotations

from dataclasses import dataclass

from meetingapp.domain.speakers import MeetingSpeaker
from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes.people import is_label, learn_people
from meetingapp.engine.minutes.text import split_sentences

#: A self-introduction nobody contradicts scores 1.0; being answered after a question by
#: name (or thanked) once scores 0.33, twice 0.67, three times 1.0.
APPLY_CONFIDENCE = 1.0


@dataclass(frozen=True)
class ProposedName:
    """A name for the voice ``label`` (as shown: "Speaker 2"), how sure, and why."""

    label: str
    name: str
    confidence: float
    evidence: tuple[str, ...]

    @property
    def applied(self) -> bool:
        """Sure enough to be shown as the voice's name rather than as a question."""
        return self.confidence >= APPLY_CONFIDENCE


def proposed_names(
    segments: list[Segment], speakers: list[MeetingSpeaker]
) -> dict[str, ProposedName]:
    """Speaker name as shown -> proposal, for the voices no profile or user named."""
    people = learn_people(split_sentences(segments))
    out: dict[str, ProposedName] = {}
    for s in speakers:
        learnt = people.voices.get(s.name)
        if learnt is None or not is_label(s.name) or s.status in ("auto", "confirmed"):
            continue
        out[s.name] = ProposedName(s.name, learnt.name, learnt.confidence, learnt.evidence)
    return out
