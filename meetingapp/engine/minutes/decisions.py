"""Decisions from a meeting's talk, with plain rules, no LLM.

A decision is an outcome the room settled: said outright ("we decided...",
"let's...", "X is not in the beta", "X waits until after Y", "Saturday it is"),
given as the answer to "should we...?", or a proposal the room agrees to
(:mod:`.agreement`). Dates to meet, requests, meeting procedure and remarks that
only point back ("that is carried") are not decisions. The rules are on the
grammar of deciding, not on the words of particular meetings.
"""

from __future__ import annotations

import re

from meetingapp.domain.minutes import Item
from meetingapp.engine.minutes.agreement import agreed_proposals
from meetingapp.engine.minutes.commitments import CLAUSE_SPLIT, COURTESY, NOT_TASKS, PROCEDURE
from meetingapp.engine.minutes.people import People, learn_people
from meetingapp.engine.minutes.rewrite import third_person
from meetingapp.engine.minutes.tasks import clean_sentence, pronouns_only
from meetingapp.engine.minutes.text import Sentence, tokens, word_set
from meetingapp.engine.minutes.topics import content_word_count, text_match

_DECISION_CUES = (
    r"\bwe(?:'ve| have)? (?:decided|agreed|settled on)\b",
    r"\bthe plan is (?:to|that)\b|\boff the table\b|^\W*no more\b",
    r"\b(?:decided|agreed) (?:to|that|on)\b",
    r"\b(?:it is|it's) agreed\b",
    r"\b(?:that|it)(?:'s| is) (?:decided|settled|final)\b",
    r"\bhold(?:ing)? off (?:on|until)\b|\bon hold\b",
    r"\bdecision\b",
    r"\bwe(?: will|'ll| are|'re) not\b|\bwe won't\b",
    r"\bwe(?:'re| are) (?:keeping|going with|sticking with|dropping|using|moving|switching"
    r"|changing|replacing|cancell?ing|postponing|pausing|stopping|adopting)\b",
    r"\b(?:we're|we are|we're all|we are all|all) agreed\b|\b(?:the )?consensus is\b",
    r"\b(?:moves?|moved|postponed|pushed|rescheduled|delayed) (?:to|until|back)\b",
    r"\bwaits? (?:until|till)\b",  # "the backfill waits until after the inspection"
    r"\bwe(?:'re| are) \w+ing\b[^?]*\b(?:instead|rather than)\b",  # "we're submitting to X instead"
    r"\b(?:is|are|was|were|has been|have been|got) (?:approved|signed off|cancelled|dropped"
    r"|withdrawn|carried|adopted|rejected)\b",
    r"\b(?:approves|adopts)\b",  # "the committee approves progression"
    r"\b(?:is|are) not being \w+ed\b",
    r"\b(?:is|are)(?: not|n't) (?:in|part of|included in|going into)\b",
    r"\b(?:will|'ll) be (?:cut|kept|held|put|set|shut|\w+ed)\b",
    r"\bout of scope\b",
    r"\b(?:stays?|remains?) (?:in|out|at|on|with|as|inside|outside|within|below|under|above"
    r"|the same|unchanged|open|closed|shut)\b",
    r"\bit is\W*$",  # "a pilot with two partners it is"
    # "the barbecue is off", "the new menu is a go" (a thing, not "Tom is off")
    r"\b(?:the|our|this|that)\b[^,.]*\b(?:is|are|'s) (?:off|a go)\W*$",
    r"^\W*no \w+ (?:this|next) (?:year|month|week|time)\b",  # "No raffle this year"
    r"\b(?:approved|confirmed|cancell?ed)\W*$",  # "Budget approved."
    r"\bfrom now on\b|\bgoing forward\b",
)
_DECISION_RE = re.compile("|".join(_DECISION_CUES), re.IGNORECASE)
#: A verdict on what was said before it: "Saturday it is", "the barbecue is off".
_VERDICT = re.compile(r"\bit is\W*$|\b(?:is|are|'s) (?:off|a go)\W*$", re.IGNORECASE)
_FILLERS = word_set("right ok okay so then well fine the a an and yes yeah")
#: Dates to meet and requests are not decisions ("the deadline is Friday"), nor is
#: when a thing just taken on will be done ("they'll be printed by Tuesday").
_NOT_DECISION = re.compile(
    r"\bdeadline\b|\bdue (?:on|by)\b|\b(?:needs?|has|have) to be\b|\bmust be\b"
    r"|^\W*(?:they|it)(?:'ll|’ll| will) be\b"
    r"|\b(?:can|could|would|will) you\b|\bplease\b|^\W*(?:I|you)\b",
    re.IGNORECASE,
)
_LETS = re.compile(r"\blet(?:'s|’s| us)\s+(?P<verb>[a-z]+)", re.IGNORECASE)
#: "Fine, we cut the travel budget in half": a plain present said as the outcome.
_WE_DO = re.compile(
    r"(?:^|:\s*)\W*(?:(?:fine|ok|okay|so|right|good|then|and|yes|no|agreed)\W+)*"  # "final answer:"
    r"(?P<we>we)\s+(?P<verb>[a-z]+)",
    re.IGNORECASE,
)
_NOT_WE_DO = word_set(
    "will won't are aren't were was have haven't had need should could would might can can't "
    "do don't did didn't still also just may must got all both really probably"
)
#: Decisions are split at "..., we'll" too: "X is not part of it, we'll focus on Y" is two.
_DECISION_SPLIT = re.compile(
    CLAUSE_SPLIT.pattern + r"|,\s*(?=we(?: will|'ll|’ll| are|'re|’re)\b)", re.IGNORECASE
)
#: A noun phrase said as the topic before a comma: "And the rain machine, ..."
_TOPIC = re.compile(
    r"^\W*(?:(?:and|so|as for|now|then)\s+)?(?P<np>(?:the|this|that|our) [a-z][a-z -]+?),\s*$",
    re.IGNORECASE,
)
#: An outcome said only of "that" ("That is carried unanimously") restates the
#: decision just recorded.
_BACK_REFERENCE = re.compile(
    r"^\W*(?:that|it|this|the motion)(?:'s|’s| is| was| has been) \w+ed(?:\s+\w+ly)?\W*$",
    re.IGNORECASE,
)
#: "Will do" (ASR: "We'll do") answering a request, not a plan of the team's.
_WILL_DO = re.compile(r"^\W*(?:we(?:'ll|’ll| will) |will )do\b[,.!]\s*", re.IGNORECASE)
#: "Shall we say we submit by the 19th?": the proposal inside the question.
_SHALL_WE = re.compile(
    r"\b(?:should|shall) we\s+(?:(?P<say>say)\s+(?:that\s+)?(?P<we>we\s+)?)?(?P<rest>[^?,]+)",
    re.IGNORECASE,
)
_SHOULD_WE = re.compile(r"\b(?:should|shall) we\b[^?]*\?", re.IGNORECASE)
_YES_NO = re.compile(r"^\W*(?:yes|yeah|no|nope)\b[,.!]?\s*", re.IGNORECASE)
_WE_WILL = re.compile(
    r"\bwe(?: will|'ll|’ll| are going to|'re going to)\s+(?P<verb>[a-z]+)", re.IGNORECASE
)
#: "let's have Dana look at it", "let's ask finance": delegating is a request.
_DELEGATING = word_set("have get ask")
#: "let's do introductions", "let's do a quick round": running the meeting.
_LETS_DO = word_set("do")


def extract_decisions(sentences: list[Sentence], people: People | None = None) -> list[Item]:
    """Agreements and outcomes ("we decided", "let's...", "X is not in the beta"), as minutes."""
    people = people or learn_people(sentences)
    proposals = agreed_proposals(sentences)
    out: list[Item] = []
    for k, s in enumerate(sentences):
        # "The demo moved to Tuesday, so we decided to skip X" records two decisions
        # a clause beside another decision needs only one content word ("X is not
        # part of it, we'll focus on Y")
        clauses = [c for c in _DECISION_SPLIT.split(s.text) if _is_decision(c, 1)]
        if len(clauses) < 2:
            clauses = _contrasts(s.text) if _is_decision(s.text) else []
        if not clauses and (answer := _answered(sentences, k)):
            clauses = [answer]
        clauses += [text for j, text in proposals if j == k]
        for c in clauses:
            text = clean_sentence(third_person(_with_topic(c), people.voice(s.speaker)))
            if not any(text_match(text, d.text) >= 0.7 for d in out):
                out.append(Item(text, s.start, s.segment_index))
    return out


def _answered(sentences: list[Sentence], k: int) -> str | None:
    """ "Should we pause deployments?" - "No, deployments carry on as normal.": the
    answer, from another voice, is the outcome (the rest after its yes or no)."""
    if k == 0 or not _SHOULD_WE.search(sentences[k - 1].text):
        return None
    s = sentences[k]
    m = _YES_NO.match(s.text)
    if s.speaker == sentences[k - 1].speaker or not m or s.text.rstrip().endswith("?"):
        return None
    rest = s.text[m.end() :]
    if content_word_count(rest) < 2 and m.group(0).strip(" ,.!").lower() in ("yes", "yeah"):
        # a bare "Yes." takes the question's own proposal
        asked = _SHALL_WE.search(sentences[k - 1].text)
        if asked is None:
            return None
        plan = asked.group("rest").strip()
        if asked.group("we") or not asked.group("say"):
            plan = f"we will {plan}"
            return plan if _is_decision(plan) else None
        return plan  # "Shall we say the 19th?" - "Yes.": the option itself
    if _NOT_DECISION.search(rest) or content_word_count(rest) < 2:
        return None
    return rest


def _is_decision(text: str, min_words: int = 2) -> bool:
    text = _WILL_DO.sub("", text)  # "We'll do, I'll send it": taking a request on
    if text.rstrip().endswith("?") or re.match(r"\s*(?:if|when|whether)\b", text, re.IGNORECASE):
        return False
    if _NOT_DECISION.search(_from_cue(text)):  # "I agree, from now on we ..." is one
        return False
    if _BACK_REFERENCE.match(_from_cue(text)):  # "That is carried unanimously."
        return False
    lets = _LETS.search(text) or _WE_WILL.search(text)
    if lets and COURTESY.match(text[lets.start("verb") :]):
        return False  # "let's take five minutes", "we'll take a quick break"
    if _DECISION_RE.search(text) and not re.search(
        r"\b(?:would|could|might)\b", text, re.IGNORECASE
    ):
        if verdict := _VERDICT.search(text):  # "Saturday it is": one word is the choice
            return bool(set(tokens(text[: verdict.start()])) - _FILLERS)
        return content_word_count(text) >= min_words
    for m in (_LETS.search(text), _WE_WILL.search(text), _WE_DO.search(text)):
        if not m:
            continue
        if m.re is _WE_DO and (
            m.group("verb").lower() in _NOT_WE_DO or m.group("verb").lower().endswith("ed")
        ):
            continue
        verb, after = m.group("verb").lower(), tokens(text[m.end() :])
        # "let's go with X", "we're going to go ahead with X"
        choosing = verb == "go" and after[:1] in (["with"], ["for"], ["ahead"])
        if verb in _DELEGATING or (m.re is _LETS and verb in _LETS_DO):
            return False
        if choosing or verb not in PROCEDURE | NOT_TASKS:
            return len(after) >= 2 and not pronouns_only(" ".join(["x", *after]))
    return False


def _from_cue(text: str) -> str:
    """The decision without what was said before it in the same sentence:
    "Sorry, not for now, we won't support X" -> "we won't support X"."""
    cues = [m.start() for m in (_DECISION_RE.search(text), _LETS.search(text)) if m]
    cues += [m.start() for m in (_WE_WILL.search(text),) if m]
    cues += [m.start("we") for m in (_WE_DO.search(text),) if m]
    if not cues:
        return text
    comma = max(text.rfind(", ", 0, min(cues)), text.rfind(": ", 0, min(cues)))
    return text[comma + 2 :] if comma >= 0 else text


def _with_topic(text: str) -> str:
    """ "And the rain machine, we're not using it" -> "we're not using the rain
    machine": a topic said first and taken up by "it" after the cue fills the "it"."""
    decision = _from_cue(text)
    topic = text[: len(text) - len(decision)]
    det = _TOPIC.search(topic)
    it = re.search(r"(?<=\s)(?:it|them)\b", decision)
    if det is None or it is None:
        return decision
    return f"{decision[: it.start()]}{det.group('np')}{decision[it.end() :]}"


def _contrasts(text: str) -> list[str]:
    """A decision with a contrasting outcome ("We're keeping X, but Y will wait") is two."""
    head, sep, tail = text.partition(", but ")
    if sep and re.search(r"\b(?:will|won't|is|are|stays?)\b", tail):
        return [head, tail]
    return [text]
