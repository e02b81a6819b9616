"""Offline extraction of action items and decisions with plain rules, no LLM.

Meetings phrase commitments in a few recurring ways ("I'll...", "can you...",
"Bob will...") and decisions likewise ("we decided...", "let's..."). Rules on
those cues, with filters for the look-alikes (stative verbs, conditionals,
negations, meeting procedure, bare acceptances such as "I can do that"), give
usable minutes on any machine and a candidate list an LLM can refine.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from meetingapp.domain.minutes import ActionItem, Item
from meetingapp.engine.minutes.dates import find_due, resolve_due
from meetingapp.engine.minutes.text import Sentence, tokens, word_set

_MODAL_1P = r"(?:will|'ll|’ll|can|shall|am going to|'m going to|am gonna|'m gonna)"
_FIRST_PERSON = re.compile(rf"\b(?:I\s*{_MODAL_1P}|let me)\s+(?P<rest>.+)", re.IGNORECASE)
_SECOND_PERSON = re.compile(
    r"\b(?:(?:can|could|would|will) you|please)\s+(?:please\s+)?(?P<rest>.+)", re.IGNORECASE
)
#: Verbs after a modal that state or perceive rather than commit to work.
_NOT_TASKS = word_set(
    "be been say admit see hear think guess imagine remember bet need like love agree "
    "believe wonder know mean feel hope understand suppose confess repeat"
)
#: Verbs of running the meeting itself: "let's go around", "can you walk us through it".
_PROCEDURE = word_set(
    "go start begin kick move wrap recap review see look talk discuss continue jump dive "
    "hear turn circle call get finish walk hold bear proceed introduce welcome thank come"
)
_PRONOUN_OBJECTS = word_set("it that this so them those these")
_CONDITIONAL = re.compile(r"\b(?:if|unless|would|could|might|maybe|perhaps)\b", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(
    r"(?:,\s*|\s+)(?:and|but|so|then)\s+(?=(?:i|we|you|he|she|they|today|tomorrow|also)\b)"
    r"|;\s*",
    re.IGNORECASE,
)
_LEADING_FILLER = re.compile(
    r"^(?:(?:so|then|and|also|ok|okay|right|good|great|alright|well|yes|sure|just|"
    r"definitely|probably|quickly|actually|after some discussion),?\s+)+",
    re.IGNORECASE,
)
_DECISION_CUES = (
    r"\bwe(?:'ve| have)? (?:decided|agreed)\b",
    r"\b(?:decided|agreed) (?:to|that|on)\b",
    r"\bdecision\b",
    r"\bwe(?: will|'ll| are|'re) not\b|\bwe won't\b",
    r"\b(?:moved|postponed|pushed|rescheduled|delayed) (?:to|until|back)\b",
    r"\b(?:is|are|was|were|has been|have been|got) (?:approved|signed off|cancelled|dropped)\b",
    r"\bout of scope\b",
    r"\bfrom now on\b|\bgoing forward\b",
)
_DECISION_RE = re.compile("|".join(_DECISION_CUES), re.IGNORECASE)
_LETS = re.compile(r"\blet(?:'s|’s| us)\s+(?P<verb>[a-z]+)", re.IGNORECASE)
_NAMED_MODAL = re.compile(
    r"\b(?P<name>[A-Z][a-z]+)\s+(?:will|'ll|can|is going to)\s+(?:also\s+)?(?P<rest>.+)"
)
_WE_WILL = re.compile(
    r"\bwe(?: will|'ll|’ll| are going to|'re going to)\s+(?P<verb>[a-z]+)", re.IGNORECASE
)


@dataclass
class _Turn:
    """Who is speaking, to whom, and which names the meeting knows."""

    speaker: str | None
    addressee: str | None
    names: frozenset[str]


def extract_actions(
    sentences: list[Sentence], meeting_date: dt.date, names: set[str] | None = None
) -> list[ActionItem]:
    """Commitments ("I'll...") and requests ("can you...", "Bob will...") as action items."""
    known = frozenset(names if names is not None else speaker_names(sentences))
    items: list[ActionItem] = []
    for k, s in enumerate(sentences):
        turn = _Turn(s.speaker, _addressee(sentences, k, known), known)
        for clause in _CLAUSE_SPLIT.split(s.text):
            item = _action_in(clause, s, turn, meeting_date)
            if item and not _duplicate(item, items):
                items.append(item)
    return items


def extract_decisions(sentences: list[Sentence]) -> list[Item]:
    """Sentences that record a decision ("we decided", "let's...", "moved to"...)."""
    out: list[Item] = []
    for s in sentences:
        # "The demo moved to Tuesday, so we decided to skip X" records two decisions
        clauses = [c for c in _CLAUSE_SPLIT.split(s.text) if _is_decision(c)]
        if len(clauses) < 2:
            clauses = [s.text] if _is_decision(s.text) else []
        out += [Item(_clean_sentence(c), s.start, s.segment_index) for c in clauses]
    return out


def _is_decision(text: str) -> bool:
    if text.rstrip().endswith("?") or re.match(r"\s*(?:if|when|whether)\b", text, re.IGNORECASE):
        return False
    if _DECISION_RE.search(text) and not re.search(
        r"\b(?:would|could|might)\b", text, re.IGNORECASE
    ):
        return True
    for m in (_LETS.search(text), _WE_WILL.search(text)):
        if not m:
            continue
        verb, after = m.group("verb").lower(), tokens(text[m.end() :])
        choosing = verb == "go" and after[:1] in (["with"], ["for"])  # "let's go with X"
        if choosing or verb not in _PROCEDURE | _NOT_TASKS:
            return len(after) >= 2
    return False


def _action_in(clause: str, s: Sentence, turn: _Turn, meeting_date: dt.date) -> ActionItem | None:
    cue = _commitment(clause, turn)
    if cue is None:
        return None
    owner, swap, m = cue
    if _CONDITIONAL.search(clause[: m.start()]):
        return None
    rest = m.group("rest")
    words = tokens(rest)
    if len(words) < 2 or words[0] in ("not", "never") or words[0] in _NOT_TASKS:
        return None
    if words[:2] == ["tell", "you"]:  # "I'll tell you what..."
        return None
    if words[0] in _PROCEDURE and words[1] in ("us", "ahead", "around", "on", "through"):
        return None
    due = find_due(clause)
    task = rest
    if due and due.span[0] >= m.start("rest"):
        a, b = due.span[0] - m.start("rest"), due.span[1] - m.start("rest")
        task = rest[:a] + rest[b:]
    task = _clean_task(task, swap)
    if all(w in _PRONOUN_OBJECTS for w in tokens(task)[1:]):
        return None
    return ActionItem(
        owner=owner,
        task=task,
        due=resolve_due(due.phrase, meeting_date) if due else None,
        due_text=due.phrase if due else None,
        start=s.start,
        segment_index=s.segment_index,
    )


def _commitment(
    clause: str, turn: _Turn
) -> tuple[str | None, dict[str, str | None], re.Match[str]] | None:
    """Owner, pronoun replacements for the task, and the cue match, if ``clause`` commits."""
    if clause.rstrip().endswith("?") and not _SECOND_PERSON.search(clause):
        return None
    if m := _FIRST_PERSON.search(clause):
        return turn.speaker, {"you": turn.addressee, "your": _possessive(turn.addressee)}, m
    if m := _SECOND_PERSON.search(clause):
        swap = {"me": turn.speaker, "my": _possessive(turn.speaker), "your": "the"}
        return _vocative(clause, turn) or turn.addressee, swap, m
    for m in _NAMED_MODAL.finditer(clause):
        if name := known_name(m.group("name"), turn.names):
            return name, {}, m
    return None


def _vocative(clause: str, turn: _Turn) -> str | None:
    """A known name the request is addressed to ("Farah, could you...").

    A capitalised word opening the request before a comma is a name even when ASR
    misspelled it ("Ferrer, could you..."), so there a name that sounds alike
    (same consonant skeleton) is accepted too.
    """
    for name in _mentions(clause, turn.names):
        if name != turn.speaker:
            return name
    opening = re.match(r"\s*([A-Z][a-z]+),", clause)
    if opening:
        key = _sound(opening.group(1))
        alike = [n for n in turn.names if n != turn.speaker and _sound(n) == key]
        if len(alike) == 1:
            return alike[0]
    return None


def _sound(word: str) -> str:
    """Consonant skeleton with repeats collapsed: Farah, Farrah, Ferrer -> "fr"."""
    skeleton = re.sub(r"[aeiouyhw]", "", word.lower())
    return re.sub(r"(.)\1+", r"\1", skeleton)


def _mentions(text: str, names: frozenset[str]) -> list[str]:
    """Known names said in ``text``, tolerating ASR spelling ("Farrah" for Farah)."""
    found = (known_name(w, names) for w in re.findall(r"\b[A-Z][a-z]+\b", text))
    return [n for n in found if n]


def known_name(word: str, names: frozenset[str]) -> str | None:
    for name in names:
        if SequenceMatcher(None, word.lower(), name.lower()).ratio() >= 0.8:
            return name
    return None


def _addressee(sentences: list[Sentence], k: int, names: frozenset[str]) -> str | None:
    """Whom "you" means: a name said in this turn, else the previous, else the next speaker."""
    s = sentences[k]
    j = k
    while j >= 0 and sentences[j].speaker == s.speaker:
        for name in _mentions(sentences[j].text, names):
            if name != s.speaker:
                return name
        j -= 1
    if j >= 0:
        return sentences[j].speaker
    later = (x.speaker for x in sentences[k + 1 :] if x.speaker != s.speaker)
    return next(later, None)


def speaker_names(sentences: list[Sentence]) -> set[str]:
    """Speaker labels that are names (not "Speaker 1" / "SPEAKER_00")."""
    return {
        s.speaker
        for s in sentences
        if s.speaker and not re.match(r"(?i)speaker[\s_]*\d+$", s.speaker)
    }


def _possessive(name: str | None) -> str | None:
    return f"{name}'s" if name else None


def _clean_task(task: str, swap: dict[str, str | None]) -> str:
    task = _LEADING_FILLER.sub("", task.strip())
    for word, repl in swap.items():
        if repl:
            task = re.sub(rf"\b{word}\b", repl, task, flags=re.IGNORECASE)
    task = re.sub(r"\s+", " ", task).strip(" ,.;:!?")
    return task


def _clean_sentence(text: str) -> str:
    text = _LEADING_FILLER.sub("", text.strip()).rstrip(" ,;.")
    return text[:1].upper() + text[1:]


def _duplicate(item: ActionItem, items: list[ActionItem]) -> bool:
    """Same owner, mostly the same words: said twice, written once."""
    new = set(tokens(item.task))
    for old in items:
        both = set(tokens(old.task))
        if old.owner == item.owner and len(new & both) >= 0.7 * min(len(new), len(both)):
            return True
    return False
