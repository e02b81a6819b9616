"""Decisions made across turns: a proposal that the room agrees to.

"I think we should drop the third dataset." - "Does everyone agree?" - "Yes,
that makes sense." - "Agreed." is a decision although no sentence in it says
"we decided": the proposal holds the content and the other voices' assent makes
it an outcome. A proposal nobody answers, or one answered with a "no" or a
"but", stays a proposal.

Proposals come as "we should X", "I suggest we X", "I'd propose X-ing", a
question on the plan ("Are we all happy to X?", "All in favour of X-ing?"), a
formal motion ("I move that we X" - "Seconded."), a bare option ("How about
Wednesdays?" - "Wednesdays work.") or a statement put to the room with a tag
("We ask for fifty thousand. Does that work for everyone?").
"""

from __future__ import annotations

import re

from meetingapp.engine.minutes.rewrite import gerund_base
from meetingapp.engine.minutes.text import Sentence

#: "I think we should drop X", "I suggest we move to Y", "why don't we keep Z",
#: "I move that we adopt X" (a motion).
_PROPOSAL = re.compile(
    r"\b(?:(?:I think|I suggest|I propose|I'd suggest|I would suggest|maybe|perhaps)"
    r"(?: that)?\s+)?we (?:should|ought to)\s+(?P<rest>[^?]+)\??$"
    r"|\b(?:I (?:suggest|propose|move)(?: that)? we|why don't we|how about we|what if we)\s+"
    r"(?P<rest2>[^?]+)\??$",
    re.IGNORECASE,
)
#: "I'd propose dropping X, and keeping Y": the gerunds are what we will do.
_GERUND_PROPOSAL = re.compile(
    r"\bI(?:'d| would)? (?:propose|suggest|recommend)\s+(?P<rest>[a-z]+ing\b[^?]*?)[.!]?$",
    re.IGNORECASE,
)
#: "Are we all happy to drop X?", "Can we agree to meet monthly?": the plan asked about.
_ASKED_PLAN = re.compile(
    r"\b(?:(?:are we|is everyone|is everybody|are you) (?:all |both )?"
    r"(?:happy|ok|okay|fine|good|agreed) to|(?:can|shall|could) we (?:all )?agree to)"
    r"\s+(?P<rest>[^?]+)\?",
    re.IGNORECASE,
)
#: "All in favour of moving the launch to May?": a vote on the gerund's plan.
_VOTE = re.compile(r"\ball in favou?r of\s+(?P<rest>[a-z]+ing\b[^?]*)", re.IGNORECASE)
#: "How about Wednesdays from next week?": an option put forward, said as it stands.
_OPTION = re.compile(r"\b(?:how about|what about)\s+(?!we\b)(?P<rest>[^?]+)\?\s*$", re.I)
#: Asking the room: "Does everyone agree?", "Any objections?", "Are we all okay with that?"
_ASKING_ROOM = re.compile(
    r"\b(?:(?:does|do) (?:everyone|everybody|we all|you all) agree|any objections?"
    r"|(?:(?:is|are) )?(?:everyone|everybody|we all|you all) (?:ok|okay|happy|fine)"
    r"|does (?:that|this) work for (?:everyone|everybody|you all|all of you|you)"
    r"|all agreed|agreed)\b[^.]*\?\s*$",
    re.IGNORECASE,
)
_ASSENT = re.compile(
    r"^\W*(?:yes|yeah|yep|yup|agreed|agree|i agree|sounds good|makes sense|fine|fair enough"
    r"|good idea|that works|works for me|definitely|absolutely|of course|sure|no objections?"
    r"|none from me|happy with that|i can live with (?:that|it)|seconded|second|aye"
    r"|(?:all )?in favou?r|carried)\b"
    r"|^\W*(?:\w+\s+){1,2}works?(?: for (?:me|us|everyone))?\W*$",  # "Wednesdays work."
    re.IGNORECASE,
)
_DISSENT = re.compile(r"^\W*(?:no\b|not sure|i disagree|i don't think|hmm|wait)", re.IGNORECASE)
#: What turns a "yes" lukewarm or conditional: "Yeah, maybe.", "Sure, but not now."
_LUKEWARM = re.compile(r"\bbut\b|\bmaybe\b|\bperhaps\b|\bnot sure\b|\bI guess\b", re.IGNORECASE)
#: How many sentences after the proposal the room's answer may come.
_WINDOW = 4


def agreed_proposals(sentences: list[Sentence]) -> list[tuple[int, str]]:
    """(index, the outcome) for each proposal another voice assents to and nobody
    rejects within the next few sentences: "we will <proposal>", or the option or
    statement as said."""
    out: list[tuple[int, str]] = []
    for k, s in enumerate(sentences):
        said, end = _said_on(sentences, k)
        proposal = _proposal(said)
        if proposal is None and (tag := _ASKING_ROOM.search(s.text)):
            proposal = _put_to_room(sentences, k, s.text[: tag.start()])
        if proposal and _assented(sentences, end):
            out.append((k, proposal))
    return out


def _said_on(sentences: list[Sentence], k: int) -> tuple[str, int]:
    """Sentence ``k`` and what the same voice runs on with when ASR broke it
    unpunctuated ("I move that we adopt the report" / "for a new crossing."), and
    the index of its last sentence."""
    text, end = sentences[k].text.strip(), k
    while (
        not re.search(r"[.?!]$", text)
        and end + 1 < len(sentences)
        and sentences[end + 1].speaker == sentences[k].speaker
    ):
        end += 1
        text = f"{text} {sentences[end].text.strip()}"
    return text, end


def _proposal(text: str) -> str | None:
    if m := _PROPOSAL.search(text):
        return "we will " + (m.group("rest") or m.group("rest2")).strip().rstrip(".!")
    if m := _ASKED_PLAN.search(text):
        return f"we will {m.group('rest').strip()}"
    if m := _GERUND_PROPOSAL.search(text) or _VOTE.search(text):
        verbs = re.sub(r"\b[a-z]+ing\b", lambda g: gerund_base(g.group(0)), m.group("rest"))
        return f"we will {verbs.strip().rstrip('.!')}"
    if m := _OPTION.search(text):
        return m.group("rest").strip()
    return None


def _put_to_room(sentences: list[Sentence], k: int, before: str) -> str | None:
    """The statement a tag question puts to the room: said before the tag in the same
    sentence, else the same voice's sentence before it."""
    statement = before.strip(" ,;")
    if len(statement.split()) < 3 and k and sentences[k - 1].speaker == sentences[k].speaker:
        statement = sentences[k - 1].text.strip()
    if len(statement.split()) < 3 or statement.endswith("?"):
        return None
    return statement.rstrip(".!")


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
            if len(s.text.split()) <= 1:
                continue  # a word ASR could not make out ("Read." for "Agreed.")
            break  # the talk moved on
        yes = True
    return yes
