"""Offline extraction of action items with plain rules, no LLM (decisions:
:mod:`.decisions`).

Meetings phrase commitments in a few recurring ways ("I'll...", "can you...",
"it would be good if you could...", "Bob will...", "Action for Tom:",
"Grace to revise...", hedged: "I guess I should... before Friday", "maybe you
could...", volunteered: "Count me in for...", "Leave the flyers with me", an
order the next voice takes on: "Mo, restock it." - "Will do.", a bargain: "if
you find the letter, I'll compare quotes", on a condition: "If legal signs off,
I'll send it Friday", told: "Priya, you'll update the site by Friday", what a
thing needs: "the skip needs emptying" - "No problem.", an offer asked: "Can I
take the minutes?" - "Please do."). Rules on those cues, with filters for the
look-alikes (stative verbs, conditional offers, negations, meeting procedure,
bare acceptances such as "I can do that", undated obligations, refused
requests, deadlines, acknowledgements), give usable minutes on any machine and
a candidate list an LLM can refine. The rules are on the grammar of commitment (who says which
modal to whom, who answers yes), not on the words of particular meetings, so
that they carry over to meetings nobody tuned them for.

Owners are people: the one addressed ("Dana, can you..." is Dana's, whoever
speaks), else the one who takes an unnamed request on ("Maybe you could..." -
"Happy to."), else the speaker's name when the meeting taught it
(:mod:`.people`), else the voice label. A reply that accepts a request ("Yes,
I'll get that done by Friday") completes that request instead of becoming a
second item, and a closing recap ("So to recap: Ines finishes the screens
today, ...") confirms, completes or adds items but never repeats them.

This module runs the pass over the talk; the cues are in :mod:`.commitments`,
owners in :mod:`.owners`, replies to requests in :mod:`.replies`, the recap in
:mod:`.recap` and a task's wording in :mod:`.tasks`.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.anaphora import resolve_one, resolve_person, resolve_pronoun
from meetingapp.engine.minutes.commitments import (
    COURTESY,
    FIRST_PERSON,
    NOT_TASKS,
    PROCEDURE,
    clauses,
    commitment,
)
from meetingapp.engine.minutes.dates import find_due
from meetingapp.engine.minutes.follow_ups import merge_follow_ups
from meetingapp.engine.minutes.found import Found, said_at
from meetingapp.engine.minutes.owners import addressee, name_by_also, possessive, vocative
from meetingapp.engine.minutes.people import People, learn_people
from meetingapp.engine.minutes.recap import merge_recap, recap_items, recap_sentences
from meetingapp.engine.minutes.replies import (
    ACCEPT,
    REFUSE,
    accepted_by,
    asked_to,
    merge_replies,
    reply_turn,
    takes_on,
)
from meetingapp.engine.minutes.rewrite import gerund_base, participle_base
from meetingapp.engine.minutes.tasks import (
    clean_task,
    duplicate,
    pointing,
    pronouns_only,
    task_and_due,
)
from meetingapp.engine.minutes.text import Sentence, tokens, word_set

#: "..., they'll be printed by Tuesday": what "leave it with me" takes on.
_WILL_BE_DONE = re.compile(r"\b(?:they|it)(?:'ll|’ll| will) be (?P<done>[a-z]+ed)\b", re.IGNORECASE)
#: "would you be able to ring them": the ability or willingness, not the task.
_ABLE = re.compile(
    r"^(?:be able to|be happy to|have time to|find time to|get a chance to|need to|have to"
    r"|try to|try and)\s+",
    re.IGNORECASE,
)
#: Going somewhere is not a task: "I need to leave early", "I have to go".
_MOVES = word_set("leave go come fly travel arrive head")
_OBJECT_START = word_set("the a an my our your this that these those it them")
#: "I should", "I need to": an obligation is a commitment only with a date to it
#: ("I guess I should rerun it before Friday"), not "I should mention that...".
_OBLIGED = re.compile(r"\bI\s*(?:should|need to|have to|'d better|had better|ought to)\b", re.I)
#: "I'm happy to help if anyone needs it", "I'll look at it if I have time", "..., unless
#: Cal wants them": an offer left open or a condition after the task, not a task.
_OPEN_OFFER = re.compile(
    r"\bif (?:anyone|anybody|someone|needed|necessary|you (?:want|need|like))\b"
    r"|\bif I (?:have|get|find) (?:the )?(?:time|a chance|a minute)\b|\bunless\b",
    re.IGNORECASE,
)
_PARTICIPLES = word_set("been had made got sent seen done told said thought known heard")
#: A verb with only a pronoun after its preposition reacts to what was said.
_ABOUT_IT = re.compile(r"^[a-z]+ (?:with|about|on|over|into) (?:that|this|it)$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|would|could|might|maybe|perhaps)\b", re.IGNORECASE)
#: "If legal signs off, " / "Kofi, if the quote is in, ": a condition before the cue.
_IF_CLAUSE = re.compile(r"(?:^|,\s*)\W*(?:and\s+|so\s+)?(?P<cond>if\b[^,]+),\s*$", re.IGNORECASE)
#: "The minutes, I'll ...": a noun phrase said first, as the topic.
#: Not one with :mod:`.decisions`' ``_TOPIC``: each matches noun phrases the other does not.
_TOPIC_FIRST = re.compile(
    r"^\W*(?:and |so |as for )?(?:the|this|that|our|those|these) [^,]+,\s*$", re.I
)
#: "If you have a minute, check the logs": a courtesy, not a condition.
_POLITE_IF = re.compile(
    r"\bif you (?:have|get|'ve got) (?:a (?:minute|moment|second|sec|chance)|(?:the )?time)\b",
    re.IGNORECASE,
)


def extract_actions(
    sentences: list[Sentence], meeting_date: dt.date, people: People | None = None
) -> list[ActionItem]:
    """Commitments, requests and recap lines as action items, one per task (a task
    its owner adds to a line later is folded in: :mod:`.follow_ups`)."""
    people = people or learn_people(sentences)
    recap = recap_sentences(sentences)
    found: list[Found] = []
    for k, s in enumerate(sentences):
        if k in recap:
            continue
        if len(s.text.split()) > 3 and any(s.text == x.text for x in sentences[max(0, k - 8) : k]):
            continue  # ASR wrote the same segment twice
        for clause in clauses(s.text):
            f = _action_in(clause, sentences, k, people, meeting_date)
            if f:
                found.append(f)
        if f := asked_to(sentences, k, people, meeting_date):
            found.append(f)
    found = merge_replies(found, sentences, people)
    found = name_by_also(found, sentences)
    found = merge_recap(found, recap_items(sentences, recap, people, meeting_date))
    items: list[ActionItem] = []
    for f in found:
        if not pronouns_only(f.item.task) and not duplicate(f.item, items):
            items.append(f.item)
    return merge_follow_ups(items)


def _action_in(
    clause: str, sentences: list[Sentence], k: int, people: People, meeting_date: dt.date
) -> Found | None:
    s = sentences[k]
    speaker = people.voice(s.speaker)
    cue = commitment(clause, speaker, addressee(sentences, k, people), people)
    if cue is None:
        return None
    owner, swap, m, kind = cue
    before = clause[: m.start()]
    if kind == "suggest":  # a suggestion is hedged by nature; only a condition voids it
        if re.search(r"\b(?:if|unless)\b", before, re.IGNORECASE):
            return None
    elif cond := _if_clause(before, kind):
        # "If the board approves it on Monday, I'll sign the form": the commitment
        # stands on its condition, kept with the task; a date said in the condition
        # is not its due date
        f = _action_in(clause[m.start() :], sentences, k, people, meeting_date)
        if f is not None:
            condition = clean_task(cond, {"me": speaker, "my": possessive(speaker)})
            f.item = replace(f.item, task=f"{f.item.task}, {condition}")
        return f
    elif kind not in ("polite", "anyone") and _CONDITIONAL.search(_POLITE_IF.sub("", before)):
        return None  # "polite" and "anyone" cues are conditional themselves ("if someone could")
    asked = kind in (
        "request",
        "suggest",
        "polite",
        "mind",
        "handover",
        "anyone",
        "imperative",
        "told",
        "needs",
    )
    turn = reply_turn(sentences, k)
    answer = turn[0] if turn else None
    if asked and answer is not None and REFUSE.match(answer.text):
        return None  # "Could you call the landlord?" - "No, sorry, I'm away."
    if kind in ("request", "suggest", "polite", "mind", "handover") and not vocative(
        clause, speaker, people
    ):
        owner = accepted_by(sentences, k, people) or owner
    if kind in ("anyone", "imperative"):  # only someone's yes makes it their task
        owner = accepted_by(sentences, k, people, said_yes=kind == "imperative")
        if owner is None:
            return None
    if kind == "needs" and owner is None:  # "The printer needs fixing." - "I'll do it."
        if answer is None or not (ACCEPT.match(answer.text) or FIRST_PERSON.search(answer.text)):
            return None
        owner = people.voice(answer.speaker)
    if kind == "leave":
        rest, rest_at = _left_with(m, clause), len(clause)
    else:
        rest, rest_at = m.group("rest"), m.start("rest")
    if kind == "imperative":  # "Book the room": the verb opened the sentence
        rest = rest[:1].lower() + rest[1:]
    if kind == "handover":  # "you're on the login bug": the task is handling it
        rest, rest_at = f"handle {rest}", rest_at - len("handle ")
    if able := _ABLE.match(rest):
        rest, rest_at = rest[able.end() :], rest_at + able.end()
    if kind == "needs":  # "the skip needs emptying" -> "empty the skip"
        np = m.group("np")
        rest = f"{gerund_base(m.group('verb'))} {np[:1].lower()}{np[1:]}{m.group('rest')}"
        rest_at = m.end() - len(rest)  # aligned at the end, where a due phrase would be
    if kind in ("mind", "volunteer", "progressive", "named_ing"):
        first = rest.split()[0]
        base = gerund_base(first)
        rest = base + rest[len(first) :]
        rest_at += len(first) - len(base)  # the due phrase's span is in the clause's terms
    words = tokens(rest)
    if len(words) < 2 or words[0] in ("not", "never") or words[0] in NOT_TASKS:
        return None
    if words[0] in _MOVES and words[1] not in _OBJECT_START:  # "leave early", not "leave the keys"
        return None
    if words[:2] == ["tell", "you"]:  # "I'll tell you what..."
        return None
    if COURTESY.match(rest):  # "I'll keep you posted", "I'll make a note of that"
        return None
    if words[0] == "have" and (
        words[1] in _PARTICIPLES or words[1].endswith(("ed", "en", "wn"))
    ):  # "I should have checked", "you should have seen": regrets, not tasks
        return None
    if words[:2] == ["let", "you"] and words[2:3] in (["go"], ["get"]):
        return None  # "I'll let you get on with your day"
    if _OPEN_OFFER.search(rest):
        return None
    dated = find_due(clause) is not None
    if kind == "self" and _OBLIGED.search(clause[: m.start("rest")]) and not dated:
        return None
    if kind == "suggest" and not dated and not accepted_by(sentences, k, people):
        return None  # a suggestion nobody took up and nobody dated
    if re.match(r"do\b\s*(?:[,.!?]|$)", rest, re.IGNORECASE):  # "Please do, can you?"
        return None
    if words[0] in PROCEDURE and words[1] in ("us", "ahead", "around", "on", "through"):
        return None
    task, due = task_and_due(rest, clause, rest_at, swap, people)
    if _ABOUT_IT.match(task):  # "I can live with that", "I'll sleep on it"
        return None
    if asked and due is None and answer is not None and takes_on(answer.text):
        # "Any chance you could...?" - "Yes, by tomorrow." / "Sure. Thursday." (a date
        # on its own, not the next request: "Of course. And please book it by Friday.")
        dated = [turn[0], *(x for x in turn[1:] if len(x.text.split()) <= 3)]
        said = next((d for d in (find_due(x.text) for x in dated) if d), None)
        due = said.phrase if said else None
    if kind == "imperative":  # "The fridge is warm." - "Log it.": what was just reported
        for x in sentences[max(0, k - 2) : k][::-1]:
            task = resolve_person(task, x.text, ("it", "them"))
        if pointing(task):
            return None  # "Ship it!": no telling what
    elif kind != "self":
        task = resolve_pronoun(task, sentences, k, people, before)
    task = resolve_person(task, before)
    if kind != "self":
        task = resolve_one(task, [before, *(x.text for x in sentences[max(0, k - 2) : k][::-1])])
    said_before = s.text[: max(0, s.text.find(clause))]
    if kind == "self" and FIRST_PERSON.search(said_before):
        # "I'll tidy the slides, I'll email them round": the first task's object
        task = resolve_person(task, said_before, ("it", "them"))
    elif kind == "self" and _TOPIC_FIRST.match(before):
        # "The minutes, I'll circulate them": the topic said first
        task = resolve_person(task, before, ("it", "them"))
    item = said_at(s, owner, task, due, meeting_date)
    mine = kind in ("self", "volunteer", "leave", "progressive")
    found = "self" if mine else "named" if kind in ("named", "named_ing") else "request"
    return Found(item, k, found, s.speaker, to_anyone=kind == "anyone")


def _if_clause(before: str, kind: str) -> str | None:
    """The plain "if ..." condition a first-person commitment follows, if any (not a
    hypothetical "would", nor an open offer "if anyone needs...")."""
    m = _IF_CLAUSE.search(before)
    if (
        kind != "self"
        or m is None
        or re.search(r"\b(?:would|could|might|maybe|perhaps)\b", before, re.IGNORECASE)
        or _OPEN_OFFER.search(before)
    ):
        return None
    return "if" + m.group("cond")[2:]


def _left_with(m: re.Match[str], clause: str) -> str:
    """The task in "Leave the flyers with me, they'll be printed by Tuesday":
    "print the flyers", from the passive that follows, else "take care of" it."""
    thing = m.group("thing")
    done = _WILL_BE_DONE.search(clause, m.end())
    if done:
        return f"{participle_base(done.group('done'))} {thing}"
    return f"take care of {thing}"
