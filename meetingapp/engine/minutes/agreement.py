"""Decisions made across turns: a proposal that the room agrees to.

"I think we should drop the third dataset." - "Does everyone agree?" - "Yes,
that makes sense." - "Agreed." is a decision although no sentence in it says
"we decided": the proposal holds the content and the other voices' assent makes
it an outcome. A proposal nobody answers, or one answered with a "no" or a
"but", stays a proposal.
"""

from __future__ import annotations

import re

from meetingapp.engine.minutes.text import Sentence

#: "I think we should drop X", "I suggest we move to Y", "why don't we keep Z".
_PROPOSAL = re.compile(
    r"\b(?:(?:I think|I suggest|I propose|I'd suggest|I would suggest|maybe|perhaps)"
    r"(?: that)?\s+)?we (?:should|ought to)\s+(?P<rest>[^?]+)\??$"
    r"|\b(?:I (?:suggest|propose)(?: that)? we|why don't we|how about we|what if we)\s+"
    r"(?P<rest2>[^?]+)\??$",
    re.IGNORECASE,
)
#: Asking the room: "Does everyone agree?", "Any objections?", "Are we all okay with that?"
_ASKING_ROOM = re.compile(
    r"\b(?:(?:does|do) (?:everyone|everybody|we all|you all) agree|any objections?"
    r"|(?:is|are) (?:everyone|everybody|we all|you all) (?:ok|okay|happy|fine)"
    r"|all agreed|agreed)\b[^.]*\?\s*$",
    re.IGNORECASE,
)
_ASSENT = re.compile(
    r"^\W*(?:yes|yeah|yep|agreed|agree|i agree|sounds good|makes sense|fine by me|fair enough"
    r"|good idea|that works|works for me|definitely|absolutely|of course|sure|no objections?"
    r"|none from me|happy with that)\b",
    re.IGNORECASE,
)
_DISSENT = re.compile(r"^\W*(?:no\b|not sure|i disagree|i don't think|hmm|wait)", re.IGNORECASE)
#: What turns a "yes" lukewarm or conditional: "Yeah, maybe.", "Sure, but not now."
_LUKEWARM = re.compile(r"\bbut\b|\bmaybe\b|\bperhaps\b|\bnot sure\b|\bI guess\b", re.IGNORECASE)
#: How many sentences after the proposal the room's answer may come.
_WINDOW = 4


def agreed_proposals(sentences: list[Sentence]) -> list[tuple[int, str]]:
    """(index, "we will <proposal>") for each proposal another voice assents to and
    nobody rejects within the next few sentences."""
    out: list[tuple[int, str]] = []
    for k, s in enumerate(sentences):
        m = _PROPOSAL.search(s.text.strip())
        if not m:
            continue
        rest = (m.group("rest") or m.group("rest2")).strip().rstrip(".!")
        if _assented(sentences, k):
            out.append((k, f"we will {rest}"))
    return out


def _assented(sentences: list[Sentence], k: int) -> bool:
    """Whether other voices agree with sentence ``k`` before the talk moves on."""
    proposer = sentences[k].speaker
    yes = False
    for s in sentences[k + 1 : k + 1 + _WINDOW]:
        if s.speaker == proposer:
            if _ASKING_ROOM.search(s.text):
                continue
            break  # the proposer carries on: the room's answer, if any, has been given
        if _DISSENT.match(s.text) or (_ASSENT.match(s.text) and _LUKEWARM.search(s.text)):
            return False
        if not _ASSENT.match(s.text):
            break  # the talk moved on
        yes = True
    return yes
