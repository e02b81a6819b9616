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
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.anaphora import (
    PRONOUN_OBJECTS,
    echoed_object,
    resolve_one,
    resolve_person,
    resolve_pronoun,
)
from meetingapp.engine.minutes.dates import DueMatch, find_due, resolve_due
from meetingapp.engine.minutes.people import (
    People,
    alike_name,
    is_label,
    learn_people,
    name_word,
    vocatives,
)
from meetingapp.engine.minutes.rewrite import (
    base_verb,
    gerund_base,
    participle_base,
)
from meetingapp.engine.minutes.text import Sentence, tokens, word_set
from meetingapp.engine.minutes.topics import STOP_WORDS, content_word_count, text_match

_NAME = r"[A-Z][a-z]+"
#: "I'll", "I can", and the hedged or obliged forms people commit with ("I guess I
#: should rerun...", "I need to", "I'm happy to").
_MODAL_1P = (
    r"(?:will|'ll|’ll|can|shall|am going to|'m going to|am gonna|'m gonna|should|"
    r"need to|have to|'d better|had better|ought to|am happy to|'m happy to|'d be happy to|"
    r"would be happy to)"
)
_FIRST_PERSON = re.compile(rf"\b(?:I\s*{_MODAL_1P}|let me)\s+(?P<rest>.+)", re.IGNORECASE)
#: "Happy to draft the letter by Friday": the "I'm" left unsaid.
_GLAD_TO = re.compile(r"^\W*(?:happy|glad) to\s+(?P<rest>\w.+)", re.IGNORECASE)
#: "Then I write the design by Monday", "..., I renew the certificate today": a
#: commitment whose "'ll" the ASR dropped; taken only with a due phrase after it.
_BARE_1P = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:then|so|and|ok|okay|fine|right)\W+)*I\s+(?P<rest>(?P<verb>[a-z]+)\s.+)",
    re.IGNORECASE,
)
#: "I'm booking the room for Thursday": a plan in the present, taken with a due phrase.
_PROGRESSIVE_1P = re.compile(r"\bI(?:'m|’m| am)\s+(?P<rest>(?P<verb>[a-z]+ing)\s.+)", re.I)
_NOT_PROGRESSIVE = word_set(
    "going thinking hoping wondering feeling trying looking saying guessing meaning getting "
    "having being struggling waiting working travelling traveling flying leaving coming heading "
    "staying visiting"
)
#: Verbs after a bare "I" that are states, habits or moves, not work taken on.
_NOT_BARE = word_set(
    "am was have had do did don't didn't just also really still only never always usually "
    "could would should might must may can will shall won't can't leave go come fly travel "
    "arrive work start stay live get got"
)
#: "Count me in for driving the van", "Sign me up for the Saturday shift": volunteering.
_COUNT_ME_IN = re.compile(
    r"\b(?:count|sign|put) me (?:in|up|down) for\s+(?P<rest>.+)", re.IGNORECASE
)
#: "Leave the flyers with me" (or "to me"): taking something on; the task is in a passive that
#: follows ("they'll be printed by Tuesday"), else the thing is taken care of.
_LEAVE_WITH_ME = re.compile(
    r"\bleave (?P<thing>(?:the|this|that|those|these|my|our) [^,.;]+?) (?:with|to) me\b",
    re.IGNORECASE,
)
_WILL_BE_DONE = re.compile(r"\b(?:they|it)(?:'ll|’ll| will) be (?P<done>[a-z]+ed)\b", re.IGNORECASE)
_SECOND_PERSON = re.compile(
    r"\b(?:(?:can|could|would|will) you(?: two| both| all| and [A-Z][a-z]+)?|please)\s+"
    r"(?:please\s+)?(?P<rest>.+)",
    re.IGNORECASE,
)
#: "Kofi, if you can find me the letter, I'll compare quotes": the other half of a
#: bargain is a request.
_IF_YOU = re.compile(r"\bif you (?:can|could)\s+(?P<rest>[^,]+)", re.IGNORECASE)
#: "Sam, you're on the login bug": a task handed over.
_YOURE_ON = re.compile(
    r"\byou(?:'re| are) (?:on|taking|handling|in charge of|responsible for) (?P<rest>the .+)",
    re.IGNORECASE,
)
#: "Can someone update the wiki?", "Who can book the venue?", "Would anyone like to
#: present?": a request to whoever takes it on.
_ANYONE = re.compile(
    r"\b(?:(?:would|does|do) (?:someone|somebody|anyone|anybody) (?:want|like) to"
    r"|(?:someone|somebody) (?:needs to|has to|should)"
    r"|who (?:can|could|will|wants to|would like to|is able to)|any volunteers? to"
    r"|(?:can|could|would) (?:someone|somebody|anyone|anybody)"
    r"|if (?:someone|somebody|anyone|anybody) could)\s+(?P<rest>[^?]+)",
    re.IGNORECASE,
)
#: Indirect requests: the cue itself is conditional ("would", "if"), the request is not.
_POLITE = re.compile(
    r"\b(?:it(?:'d| would) be (?:good|great|helpful|nice|ideal|useful) if you could"
    r"|(?:could|can|may) I ask you to|I(?:'d| would) like you to|I (?:need|want) you to"
    r"|would it be possible for you to|(?:I was|I'm|I am) wondering if you could"
    r"|I wonder if you could|do you think you could|any chance you could"
    r"|(?:could|can) I get you to|are you able to|is it possible for you to"
    r"|do you have (?:the )?(?:time|a chance|capacity) to|would you like to)\s+(?P<rest>.+)",
    re.IGNORECASE,
)
#: "Maybe you could take a look at...", "you might want to...": a hedged request.
_SUGGEST = re.compile(
    r"\b(?:(?:maybe|perhaps)\s+)?you\s+(?:could|should|might want to|may want to)\s+(?P<rest>.+)",
    re.IGNORECASE,
)
#: "would you be able to ring them": the ability or willingness, not the task.
_ABLE = re.compile(
    r"^(?:be able to|be happy to|have time to|find time to|get a chance to|need to|have to"
    r"|try to|try and)\s+",
    re.IGNORECASE,
)
#: Going somewhere is not a task: "I need to leave early", "I have to go".
_MOVES = word_set("leave go come fly travel arrive head")
_OBJECT_START = word_set("the a an my our your this that these those it them")
#: "Would you mind letting them know", "will you mind...": the task is the -ing verb's
#: plain form, whichever auxiliary (or none) ASR wrote before "you mind".
_MIND = re.compile(
    r"(?:\b(?:[a-z]+\s+)?you mind|^\W*mind)\s+(?P<rest>[a-z]+ing\b.*)", re.IGNORECASE
)
_ACTION_FOR = re.compile(
    rf"\baction(?: item)?s? for (?P<name>{_NAME})\s*[:,]?\s+(?P<rest>.+)", re.IGNORECASE
)
_NAME_TO = re.compile(
    rf"^(?:(?:and|so|then|also|ok|okay|(?i:action(?: item)?)),?:?\s+)*(?P<name>{_NAME}) to "
    r"(?P<rest>.+)"
)
_NAMED_MODAL = re.compile(
    rf"\b(?P<name>{_NAME})(?:\s+(?:will|can|is going to)|'ll|'s going to|’s going to)\s+"
    r"(?:also\s+)?(?P<rest>.+)"
)
#: "Aisha's doing the risk assessment by Thursday": a named plan in the present.
_NAMED_PROGRESSIVE = re.compile(
    rf"\b(?P<name>{_NAME})(?:'s|’s| is)\s+(?P<rest>(?P<verb>[a-z]+ing)\s.+)"
)
#: "Priya, you'll update the website by Friday": a task handed to the one addressed.
_YOU_WILL = re.compile(
    r"\byou(?:'ll|’ll| will| are going to|'re going to|’re going to)\s+"
    r"(?P<rest>(?P<verb>[a-z]+)\s.+)",
    re.IGNORECASE,
)
#: Verbs after "you'll" that foretell rather than assign: "you'll have it by Tuesday".
_FORETOLD = word_set("have get see find need be love like know hear notice remember want enjoy")
#: "The skip needs emptying before Monday": the work a thing needs, as a task.
_NEEDS_DOING = re.compile(
    r"(?P<np>\b(?:the|this|that|these|those|our|my|your)\s+[a-z][a-z -]*?)\s+needs?\s+"
    r"(?P<verb>[a-z]+ing)\b(?P<rest>[^,?]*)",
    re.IGNORECASE,
)
_SHOULD_I = re.compile(r"\b(?:should|shall|can|could|may) I (?P<rest>[^?]+)\?", re.IGNORECASE)
#: "Can I ask a question?", "Could I just say...": asking leave to speak, not offering.
_LEAVE_TO_SPEAK = word_set(
    "ask say add just interrupt jump mention borrow go leave come have get check see hear "
    "make be share raise"
)
#: Taking a request on without a "yes": "Happy to.", "Will do.", "On it."
_ACCEPT = re.compile(
    r"^\W*(?:happy to|will do|(?:I'm |I am )?on it|no problem|leave it with me|consider it done"
    r"|can do"
    r"|not at all|I can|I will|I'll|me|we can(?!['’]t|not)|we(?:'ll|’ll| will)(?! not))\b"
    # "not at all" answers "would you mind"; "we can" answers "can you two"
    r"|^\W*we(?:'ll|’ll| will) do\W*(?:,|$)",  # ASR's "Will do."
    re.IGNORECASE,
)
#: "Thuy, log it and check it every hour": an imperative (a verb, then its object),
#: said at the start or after a comma; a task only when the next voice takes it on.
_IMPERATIVE = re.compile(
    r"(?:^|,\s+)\W*(?P<rest>(?P<verb>[A-Za-z][a-z]+)\s+(?:it|them|the|a|an|this|that|these|those"
    r"|your|everything)\b[^?]*)$"
)
_ANSWER = re.compile(r"^\W*(?:yes|yeah|yep|yup|sure|absolutely|definitely)\b", re.IGNORECASE)
#: Words that open such a clause without being a verb of work.
_NOT_IMPERATIVE = word_set(
    "in on at for with about from of by to into onto over under after before than as like "
    "and or but so then if when while because just also only even still all both each every "
    "is was are were be have has had do does did get got know think mean see say let thank "
    "enjoy take welcome found made sent took saw said went came gave told brought bought left "
    "ran wrote read put"
)
#: Promising the asker the result: "You'll have a draft by Tuesday."
_YOU_WILL_HAVE = re.compile(r"\byou(?:'ll|’ll| will) (?:have|get)\b", re.IGNORECASE)
#: Turning a request down: "No, sorry, I'm away.", "I can't this week."
_REFUSE = re.compile(
    r"^\W*(?:no\b(?!\s+(?:problem|worries|bother))|sorry\b|(?:I|we) (?:can't|cannot|won't)"
    r"|unfortunately|not (?:this|that|today|tomorrow)\b)",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|please|of course|absolutely|definitely|go ahead|go for it|"
    r"ok|okay|good idea)\b",
    re.IGNORECASE,
)
#: Verbs after a modal that state or perceive rather than commit to work.
NOT_TASKS = word_set(
    "be been say admit see hear think guess imagine remember bet need like love agree "
    "believe wonder know mean feel hope understand suppose confess repeat mention argue claim"
)
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
#: Talk that sounds like a task and is courtesy or the meeting's own running.
COURTESY = re.compile(
    r"(?:keep \w+ (?:posted|updated|informed|in the loop)|have a think|make a note"
    r"|keep an eye on (?:it|that|this|them)"
    r"|take (?:that|it) as|take (?:a|five|ten|\w+ minutes?)(?: short| quick)? ?(?:break|minutes?)"
    r"|leave it (?:there|at that))\b",
    re.IGNORECASE,
)
_PARTICIPLES = word_set("been had made got sent seen done told said thought known heard")
#: Verbs of running the meeting itself: "let's go around", "can you walk us through it".
PROCEDURE = word_set(
    "go start begin kick move wrap recap review see look talk discuss continue jump dive "
    "hear turn circle call get finish walk hold bear proceed introduce welcome thank come "
    "speak meet reconvene regroup sync summarise summarize sum"
)
#: A verb with only a pronoun after its preposition reacts to what was said.
#: Verbs that say a request is taken on, not how it is done ("I'll do it").
_GENERIC_VERBS = word_set("do get have handle take sort make grab manage cover finish try")
_PARTICLES = word_set("out up off over in back down on through")
_ABOUT_IT = re.compile(r"^[a-z]+ (?:with|about|on|over|into) (?:that|this|it)$", re.IGNORECASE)
_CONDITIONAL = re.compile(r"\b(?:if|unless|would|could|might|maybe|perhaps)\b", re.IGNORECASE)
#: "If legal signs off, " / "Kofi, if the quote is in, ": a condition before the cue.
_IF_CLAUSE = re.compile(r"(?:^|,\s*)\W*(?:and\s+|so\s+)?(?P<cond>if\b[^,]+),\s*$", re.IGNORECASE)
#: "The minutes, I'll ...": a noun phrase said first, as the topic.
_TOPIC_FIRST = re.compile(
    r"^\W*(?:and |so |as for )?(?:the|this|that|our|those|these) [^,]+,\s*$", re.I
)
#: "If you have a minute, check the logs": a courtesy, not a condition.
_POLITE_IF = re.compile(
    r"\bif you (?:have|get|'ve got) (?:a (?:minute|moment|second|sec|chance)|(?:the )?time)\b",
    re.IGNORECASE,
)
#: "..., but it depends on the auditor": a contrast after the task is not part of it.
_BUT_TAIL = re.compile(r"\s*,\s*but\b.*$|\s+but (?:it|that|this) depends\b.*$", re.IGNORECASE)
CLAUSE_SPLIT = re.compile(
    r"(?:,\s*|\s+)(?:and|but|so|then)\s+(?=(?:i|we|you|he|she|they|today|tomorrow|also)\b)"
    r"|;\s*",
    re.IGNORECASE,
)
_NEXT_COMMITMENT = re.compile(r",\s*(?=I(?:'ll|’ll| will)\b)", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:(?:so|then|and|also|ok|okay|right|good|great|alright|well|yes|sure|just|"
    r"definitely|probably|quickly|actually|after some discussion),?\s+)+",
    re.IGNORECASE,
)
_RECAP = re.compile(
    r"\b(?:to recap|recap|(?:to|let me|let's) (?:summari[sz]e|sum up)|in summary|to sum up"
    r"|summing up|to wrap up|(?:the )?action(?: item)?s (?:are|were)"
    r"|(?:to )?confirm(?:ing)? the actions?"
    r"|^\W*(?:(?:so|ok|okay)\W+)?just to confirm)\b[,:.]?\s*",  # not "I'll call to confirm"
    re.IGNORECASE,
)
_RECAP_ITEM = re.compile(
    rf"^(?:(?i:and|also|then|plus)\s+)?(?P<name>{_NAME})\s+"
    r"(?:(?P<modal>will|'ll|is going to|to|is)\s+)?"
    r"(?P<verb>[A-Za-z][a-z]+)\s+(?P<rest>.+)"  # ASR capitalises a verb now and then
)


@dataclass
class _Found:
    """An action item and where it came from, while items are merged."""

    item: ActionItem
    sentence: int
    kind: str  # "self" (first person), "request", "named", "recap"
    voice: str | None  # the speaker's label
    to_anyone: bool = False  # a request to whoever takes it ("if someone could ...")


def extract_actions(
    sentences: list[Sentence], meeting_date: dt.date, people: People | None = None
) -> list[ActionItem]:
    """Commitments, requests and recap lines as action items, one per task."""
    people = people or learn_people(sentences)
    recap = recap_sentences(sentences)
    found: list[_Found] = []
    for k, s in enumerate(sentences):
        if k in recap:
            continue
        if len(s.text.split()) > 3 and any(s.text == x.text for x in sentences[max(0, k - 8) : k]):
            continue  # ASR wrote the same segment twice
        for clause in _clauses(s.text):
            f = _action_in(clause, sentences, k, people, meeting_date)
            if f:
                found.append(f)
        if f := _asked_to(sentences, k, people, meeting_date):
            found.append(f)
    found = _merge_replies(found, sentences, people)
    found = _name_by_also(found, sentences)
    found = _merge_recap(found, _recap_items(sentences, recap, people, meeting_date))
    items: list[ActionItem] = []
    for f in found:
        if not pronouns_only(f.item.task) and not _duplicate(f.item, items):
            items.append(f.item)
    return items


def _clauses(text: str) -> list[str]:
    """Clauses that may each hold a task: split at "and/but/so/then" before a new
    subject, and between two commitments ("I'll do it, I'll send it round") or a
    request and the commitment it buys ("if you can find it, I'll fill it in")."""
    out: list[str] = []
    for clause in CLAUSE_SPLIT.split(text):
        current, *parts = _NEXT_COMMITMENT.split(clause)
        for part in parts:
            if _FIRST_PERSON.search(current) or _IF_YOU.search(current):
                out.append(current)
                current = part
            else:  # "Great, I'll ...": no task before the comma
                current = f"{current}, {part}"
        out.append(current)
    return out


def recap_sentences(sentences: list[Sentence]) -> set[int]:
    """Indexes of the closing recap ("So to recap: ..."): the rest of that speaker's turn."""
    for k, s in enumerate(sentences):
        if _RECAP.search(s.text) and k >= len(sentences) // 2:
            span = {k}
            j = k + 1
            while j < len(sentences) and sentences[j].speaker == s.speaker and j - k < 5:
                span.add(j)
                j += 1
            return span
    return set()


def known_name(word: str, names: frozenset[str]) -> str | None:
    """The name in ``names`` that ``word`` spells, tolerating ASR spelling."""
    for name in names:
        if SequenceMatcher(None, word.lower(), name.lower()).ratio() >= 0.8:
            return name
    return None


def _action_in(
    clause: str, sentences: list[Sentence], k: int, people: People, meeting_date: dt.date
) -> _Found | None:
    s = sentences[k]
    speaker = people.voice(s.speaker)
    cue = _commitment(clause, speaker, _addressee(sentences, k, people), people)
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
            condition = _clean_task(cond, {"me": speaker, "my": _possessive(speaker)})
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
    answer = _answer(sentences, k)
    if asked and answer is not None and _REFUSE.match(answer.text):
        return None  # "Could you call the landlord?" - "No, sorry, I'm away."
    if kind in ("request", "suggest", "polite", "mind", "handover") and not _vocative(
        clause, speaker, people
    ):
        owner = _accepted_by(sentences, k, people) or owner
    if kind in ("anyone", "imperative"):  # only someone's yes makes it their task
        owner = _accepted_by(sentences, k, people, said_yes=kind == "imperative")
        if owner is None:
            return None
    if kind == "needs" and owner is None:  # "The printer needs fixing." - "I'll do it."
        if answer is None or not (_ACCEPT.match(answer.text) or _FIRST_PERSON.search(answer.text)):
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
    if kind == "suggest" and not dated and not _accepted_by(sentences, k, people):
        return None  # a suggestion nobody took up and nobody dated
    if re.match(r"do\b\s*(?:[,.!?]|$)", rest, re.IGNORECASE):  # "Please do, can you?"
        return None
    if words[0] in PROCEDURE and words[1] in ("us", "ahead", "around", "on", "through"):
        return None
    task, due = _task_and_due(rest, clause, rest_at, swap, people)
    if _ABOUT_IT.match(task):  # "I can live with that", "I'll sleep on it"
        return None
    if asked and due is None and answer is not None and _takes_on(answer.text):
        said = find_due(answer.text)  # "Any chance you could...?" - "Yes, by tomorrow."
        due = said.phrase if said else None
    if kind == "imperative":  # "The fridge is warm." - "Log it.": what was just reported
        for x in sentences[max(0, k - 2) : k][::-1]:
            task = resolve_person(task, x.text, ("it", "them"))
        if _pointing(task):
            return None  # "Ship it!": no telling what
    elif kind != "self":
        task = resolve_pronoun(task, sentences, k, people, before)
    task = resolve_person(task, before)
    if kind != "self":
        task = resolve_one(task, [before, *(x.text for x in sentences[max(0, k - 2) : k][::-1])])
    said_before = s.text[: max(0, s.text.find(clause))]
    if kind == "self" and _FIRST_PERSON.search(said_before):
        # "I'll tidy the slides, I'll email them round": the first task's object
        task = resolve_person(task, said_before, ("it", "them"))
    elif kind == "self" and _TOPIC_FIRST.match(before):
        # "The minutes, I'll circulate them": the topic said first
        task = resolve_person(task, before, ("it", "them"))
    item = ActionItem(
        owner=owner,
        task=task,
        due=resolve_due(due, meeting_date) if due else None,
        due_text=due,
        start=s.start,
        segment_index=s.segment_index,
    )
    mine = kind in ("self", "volunteer", "leave", "progressive")
    found = "self" if mine else "named" if kind in ("named", "named_ing") else "request"
    return _Found(item, k, found, s.speaker, to_anyone=kind == "anyone")


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


def _takes_on(answer: str) -> bool:
    """Whether an answer to a request takes it on ("Sure.", "Not at all, you'll have
    it by Tuesday.", "I'll do it tonight."), so a date in it is the request's."""
    return bool(
        _YES.match(answer)
        or _ACCEPT.match(answer)
        or _FIRST_PERSON.search(answer)
        or _YOU_WILL_HAVE.search(answer)
    )


def _left_with(m: re.Match[str], clause: str) -> str:
    """The task in "Leave the flyers with me, they'll be printed by Tuesday":
    "print the flyers", from the passive that follows, else "take care of" it."""
    thing = m.group("thing")
    done = _WILL_BE_DONE.search(clause, m.end())
    if done:
        return f"{participle_base(done.group('done'))} {thing}"
    return f"take care of {thing}"


def _answer(sentences: list[Sentence], k: int) -> Sentence | None:
    """The sentence that answers sentence ``k``: the next one, said by another voice."""
    if k + 1 < len(sentences) and sentences[k + 1].speaker != sentences[k].speaker:
        return sentences[k + 1]
    return None


def _accepted_by(
    sentences: list[Sentence], k: int, people: People, said_yes: bool = False
) -> str | None:
    """Who a request without a name went to, when the next turn accepts it ("Happy
    to.", "Sure, I'll..."): the one who says yes is the one who was asked. With
    ``said_yes`` only a yes counts, not a commitment of the replier's own."""
    s = sentences[k]
    later = next((x for x in sentences[k + 1 : k + 3] if x.speaker != s.speaker), None)
    if later is None or sentences[k + 1].speaker != later.speaker:
        return None
    own = not said_yes and _FIRST_PERSON.search(later.text)
    if _YES.match(later.text) or _ACCEPT.match(later.text) or own:
        return people.voice(later.speaker)
    return None


def _task_and_due(
    rest: str, clause: str, rest_at: int, swap: dict[str, str | None], people: People
) -> tuple[str, str | None]:
    """The task without its due phrase or a trailing vocative, and the due phrase:
    the first said after the cue ("Ana reviews it by the 22nd, I'll write the report
    this week" is due this week), else one said before it ("By Friday, I'll ...")."""
    due = _due_from(clause, rest_at)
    task = rest
    # "take the Saturday morning shift": a date inside a noun phrase stays in the task
    attributive = (
        due
        and re.match(r"\s+[a-z]+", clause[due.span[1] :])
        and not re.match(
            r"\s+(?:and|or|so|then|if|as|at|after|before|when|because|but|to|for|please)\b",
            clause[due.span[1] :],
        )
        and not _due_from(clause[due.span[1] :], 0, at_start=True)  # "before ten this morning"
    )
    if due and due.span[0] >= rest_at and not attributive:
        a, b = due.span[0] - rest_at, due.span[1] - rest_at
        while more := _due_from(clause, b + rest_at, at_start=True):  # "before ten this morning"
            b = more.span[1] - rest_at
        task = re.sub(r",?\s+(?:so|and|then)\s*$", "", rest[:a]) + rest[b:]
        # "before the next meeting, which is [on the 12th]": what is left of the date
        task = re.sub(r",?\s*which (?:is|are|was|will be)\s*(?:on|at|by)?[\s.!?]*$", "", task)
    task = _BUT_TAIL.sub("", task)
    task = re.sub(r",?\s*\b(?:yes|right|ok|okay|yeah|alright|then)\W*$", "", task)  # ", yes?"
    tail = re.search(rf",\s*(?P<name>{_NAME})\W*$", task)
    if tail and people.person(tail.group("name")):
        task = task[: tail.start()]
    return _clean_task(task, swap), due.phrase if due else None


def _due_from(text: str, at: int, at_start: bool = False) -> DueMatch | None:
    """The first due phrase in ``text`` from ``at`` on (``at_start``: right there),
    with its span in ``text``'s terms; else, unless ``at_start``, the first before."""
    after = find_due(text[at:])
    if after and (not at_start or not text[at : at + after.span[0]].strip()):
        return replace(after, span=(after.span[0] + at, after.span[1] + at))
    return None if at_start else find_due(text)


def _commitment(
    clause: str, speaker: str | None, addressee: str | None, people: People
) -> tuple[str | None, dict[str, str | None], re.Match[str], str] | None:
    """Owner, pronoun replacements, the cue match and its kind, if ``clause`` commits."""
    question = clause.rstrip().endswith("?")
    to_them = {"me": speaker, "my": _possessive(speaker), "your": "the"}
    mine = {"you": addressee, "your": _possessive(addressee)}
    if not question and (m := _FIRST_PERSON.search(clause) or _GLAD_TO.search(clause)):
        return speaker, mine, m, "self"
    for pattern, kind in ((_COUNT_ME_IN, "volunteer"), (_LEAVE_WITH_ME, "leave")):
        if not question and (m := pattern.search(clause)):
            return speaker, mine, m, kind
    if m := _NEEDS_DOING.search(clause):
        return _vocative(clause, speaker, people), to_them, m, "needs"
    requests = (
        (_POLITE, "polite"),
        (_MIND, "mind"),
        (_IF_YOU, "request"),
        (_SECOND_PERSON, "request"),
        (_YOURE_ON, "handover"),
        (_ANYONE, "anyone"),
        (_SUGGEST, "suggest"),
    )
    for pattern, kind in requests:
        if m := pattern.search(clause):
            return _vocative(clause, speaker, people) or addressee, to_them, m, kind
    m = _YOU_WILL.search(clause)
    told = _vocative(clause, speaker, people)
    if m and told and m.group("verb").lower() not in _FORETOLD | NOT_TASKS:
        return told, to_them, m, "told"
    if question:
        return None
    m = _BARE_1P.search(clause)
    if m and _bare_commitment(m, clause):
        return speaker, {"you": addressee, "your": _possessive(addressee)}, m, "self"
    m = _PROGRESSIVE_1P.search(clause)
    if m and m.group("verb").lower() not in _NOT_PROGRESSIVE and _dated_after(m, clause):
        return speaker, {"you": addressee, "your": _possessive(addressee)}, m, "progressive"
    for pattern in (_ACTION_FOR, _NAME_TO):
        m = pattern.search(clause)
        if m and name_word(m.group("name")):
            return _named(m.group("name"), people, speaker), to_them, m, "named"
    for m in _NAMED_MODAL.finditer(clause):
        name = m.group("name")
        if name_word(name) and (people.person(name) or name in people.proper):
            return _named(name, people, speaker), to_them, m, "named"
    m = _NAMED_PROGRESSIVE.search(clause)
    if m and m.group("verb").lower() not in _NOT_PROGRESSIVE and _dated_after(m, clause):
        name = m.group("name")
        if name_word(name) and (people.person(name) or name in people.proper):
            return _named(name, people, speaker), to_them, m, "named_ing"
    m = _IMPERATIVE.search(clause)
    verbs = _NOT_IMPERATIVE | NOT_TASKS | _NOT_BARE | PROCEDURE - {"call", "review"}
    verb = m.group("verb").lower() if m else ""
    past = verb.endswith("ed") or (verb.endswith("s") and not verb.endswith("ss"))
    if m and verb not in verbs and not past and not _ANSWER.match(clause):
        return addressee, to_them, m, "imperative"  # not "Yeah, ship it": an answer
    return None


def _dated_after(m: re.Match[str], clause: str) -> bool:
    due = find_due(clause)
    return due is not None and due.span[0] > m.start("rest")


def _bare_commitment(m: re.Match[str], clause: str) -> bool:
    """Whether "I <verb> ..." is a commitment: a plain verb of work, then a due phrase."""
    verb = m.group("verb").lower()
    if verb in _NOT_BARE or verb in NOT_TASKS or verb.endswith(("ed", "s")):
        return False
    due = find_due(clause)
    return due is not None and due.span[0] > m.start("rest")


def _asked_to(
    sentences: list[Sentence], k: int, people: People, meeting_date: dt.date
) -> _Found | None:
    """ "Should I ping the vendor?" answered "Yeah, go for it" is the asker's action, and
    so is "Can I take the minutes?" answered "Please do"."""
    s = sentences[k]
    m = _SHOULD_I.search(s.text)
    if (
        not m
        or k + 1 >= len(sentences)
        or tokens(m.group("rest"))[:1] in ([w] for w in _LEAVE_TO_SPEAK)
    ):
        return None
    answer = [x for x in sentences[k + 1 : k + 3] if x.speaker == sentences[k + 1].speaker]
    if sentences[k + 1].speaker == s.speaker or not _YES.match(answer[0].text):
        return None
    speaker = people.voice(s.speaker)
    swap = {"you": people.voice(sentences[k + 1].speaker)}
    task, due = _task_and_due(m.group("rest"), s.text, m.start("rest"), swap, people)
    if due is None:  # "Should I ping the vendor?" - "Yes, today."
        said = next((d for d in (find_due(x.text) for x in answer) if d), None)
        due = said.phrase if said else None
    item = ActionItem(
        owner=speaker,
        task=task,
        due=resolve_due(due, meeting_date) if due else None,
        due_text=due,
        start=s.start,
        segment_index=s.segment_index,
    )
    return _Found(item, k, "request", s.speaker)


def _vocative(clause: str, speaker: str | None, people: People) -> str | None:
    """The person a request is addressed to ("Farah, could you...", "..., Daniel?").

    A name opening or closing the request is a person even when the meeting
    never heard it before, and ASR's spelling of a known person ("Ferrer" for
    Farah) is taken as that person when the consonants agree. ASR often drops
    the comma: "Dana can you..." opening the request names Dana too.
    """
    bare = re.match(rf"^\W*(?P<name>{_NAME})\s+(?:can|could|would|will) you\b", clause)
    said = [bare.group("name")] if bare and name_word(bare.group("name")) else []
    for word in [*vocatives(clause), *said]:
        person = people.person(word) or _sounds_like(word, people.names, speaker) or word
        if person != speaker:
            return person
    for name in _mentions(clause, people):
        if name != speaker:
            return name
    return None


def _named(word: str, people: People, speaker: str | None) -> str:
    """The person a name said in the meeting stands for (ASR's spelling mapped to a
    known person), else the name as said."""
    return people.person(word) or _sounds_like(word, people.names, speaker) or word


def _sounds_like(word: str, names: frozenset[str], speaker: str | None) -> str | None:
    """The one known person other than the speaker ``word`` may be ASR's spelling of
    (someone addressed or named is nearly always in the room)."""
    return alike_name(word, sorted(n for n in names if n != speaker))


def _mentions(text: str, people: People) -> list[str]:
    """People said in ``text``, tolerating ASR spelling ("Farrah" for Farah)."""
    found = (people.person(w) for w in re.findall(rf"\b{_NAME}\b", text) if name_word(w))
    return [n for n in found if n]


def _addressee(sentences: list[Sentence], k: int, people: People) -> str | None:
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


def _merge_replies(found: list[_Found], sentences: list[Sentence], people: People) -> list[_Found]:
    """A first-person reply that accepts a request just made ("Yes, I'll get that
    done", "Sure thing, I'll grab them after standup") completes it: its due date
    is kept, the reply is not a second item, and a verb of its own rewords the task
    (:func:`_restating`). A reply that only points back ("get that done") and answers
    no request says nothing on its own and is dropped, unless what was said just
    before says what "it" is (:func:`.anaphora.echoed_object`). A request to anyone
    that the taker answers with a task in their own words gives way to that task
    (:func:`_open_call`)."""
    out: list[_Found] = []
    for f in found:
        said = sentences[f.sentence].text
        if f.kind == "self" and not _pointing(f.item.task) and (open_call := _open_call(out, f)):
            # "If someone could ask the school..." - "I know the head, I'll ask her":
            # the volunteer's own words are the task
            out.remove(open_call)
            if f.item.due is None:
                f.item = replace(f.item, due=open_call.item.due, due_text=open_call.item.due_text)
        if f.kind != "self" or not _accepting(f.item.task, said):
            out.append(f)
            continue
        request = next(
            (r for r in reversed(out) if r.kind == "request" and _answers(sentences, r, f, people)),
            None,
        )
        if request is not None:
            if request.item.due is None and f.item.due is not None:
                request.item = replace(request.item, due=f.item.due, due_text=f.item.due_text)
            if restated := _restating(f.item.task, request.item.task):
                request.item = replace(request.item, task=restated)
        elif not _pointing(f.item.task):
            out.append(f)
        elif echoed := echoed_object(f.item.task, sentences, f.sentence):
            f.item = replace(f.item, task=echoed)
            out.append(f)
        elif f.item.due and _own_verb(f.item.task):
            out.append(f)  # "I'll submit it through the portal on the 19th" says enough
    return out


def _open_call(found: list[_Found], f: _Found) -> _Found | None:
    """The request to anyone that ``f``, a commitment in its own words, takes on: the
    last one made, whose taker is ``f``'s owner."""
    calls = [r for r in found if r.to_anyone and r.sentence < f.sentence]
    if calls and calls[-1].item.owner == f.item.owner and f.sentence - calls[-1].sentence <= 2:
        return calls[-1]
    return None


def _restating(reply: str, request: str) -> str | None:
    """ "Would you mind sorting out the cake?" - "Fine, I'll order it from the bakery":
    a reply that names its own verb of work and adds to it says what the task is, with
    the request's object for its "it"."""
    words, asked = reply.split(), request.split()
    if not _own_verb(reply):
        return None
    i = 1
    while i < len(asked) and asked[i].lower() in _PARTICLES:
        i += 1
    if i >= len(asked):
        return None
    return " ".join([words[0], *asked[i:], *words[2:]])


def _own_verb(task: str) -> bool:
    """Whether a task on "it" says how it is done: a verb of work, not "do" or "get",
    and more words after the pronoun ("order it from the bakery", not "do it today")."""
    words = task.split()
    if len(words) < 3 or words[0].lower() in _GENERIC_VERBS or not _pointing(task):
        return False
    return any(w not in STOP_WORDS for w in tokens(" ".join(words[2:])))


def _answers(sentences: list[Sentence], request: _Found, reply: _Found, people: People) -> bool:
    """Whether ``reply`` answers ``request``: said in the next turn, or a little later
    by the very person asked."""
    asked, said = request.sentence, reply.sentence
    if said <= asked or sentences[said].speaker == sentences[asked].speaker:
        return False
    between = sentences[asked + 1 : said]
    if all(x.speaker == sentences[said].speaker for x in between):
        return True
    turns = 1 + sum(a.speaker != b.speaker for a, b in zip(between, between[1:]))
    return turns <= 2 and request.item.owner == people.voice(sentences[said].speaker)


def _accepting(task: str, said: str) -> bool:
    """A reply about the request itself: "get that done", "have a draft" after "Yes,"."""
    after_verb = [w for w in tokens(task)[1:] if w not in STOP_WORDS]
    return len(after_verb) <= 1 and (_pointing(task) or bool(_YES.match(said)))


def _pointing(task: str) -> bool:
    """Whether the task's object is a pronoun ("get that done", "grab them")."""
    return any(w in PRONOUN_OBJECTS for w in tokens(task)[1:2])


def _name_by_also(found: list[_Found], sentences: list[Sentence]) -> list[_Found]:
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
            out = [_rename(x, voice, f.item.owner) for x in out]
    return out


def _turn_before(sentences: list[Sentence], earlier: int, later: int) -> bool:
    """Whether sentence ``earlier`` is in the turn just before the one holding ``later``."""
    voices = [x.speaker for x in sentences[earlier : later + 1]]
    runs = [v for i, v in enumerate(voices) if i == 0 or voices[i - 1] != v]
    return len(runs) == 2


def _recap_items(
    sentences: list[Sentence], recap: set[int], people: People, meeting_date: dt.date
) -> list[_Found]:
    """Action items a recap states: "Marcus prepares the load test plan by Wednesday"."""
    out: list[_Found] = []
    lines = sorted(recap)
    for n, k in enumerate(lines):
        s = sentences[k]
        text = s.text
        if n and sentences[lines[n - 1]].text.rstrip().endswith(","):
            continue  # said as the end of the line before
        if n + 1 < len(lines) and text.rstrip().endswith(","):
            # "Pete gets quotes before the next meeting, / which is on the 12th"
            text = f"{text} {sentences[lines[n + 1]].text}"
        if m := _RECAP.search(text):
            text = text[m.end() :]
        speaker = people.voice(s.speaker)
        # a relative clause ("..., which is on the 12th") belongs to the item before it
        named: _Found | None = None
        for part in re.split(r",(?!\s*(?:which|when)\b)\s*|;\s*|\s+and\s+|:\s*", text):
            f = _recap_item(part.strip(), s, k, speaker, people, meeting_date)
            if f is None and named and re.match(r"[a-z]+s\s", part.strip()):
                # "Ana drafts the plan and sends it round": the second verb is hers too
                part = f"{named.item.owner} {part.strip()}"
                f = _recap_item(part, s, k, speaker, people, meeting_date)
            if f:
                out.append(f)
                named = f if f.kind == "recap" else None
    return out


def _recap_item(
    part: str, s: Sentence, k: int, speaker: str | None, people: People, meeting_date: dt.date
) -> _Found | None:
    owner: str | None
    bare = re.match(r"(?:(?i:and|also|then|plus)\s+)?I\s+(?P<rest>(?P<verb>[a-z]+)\s.+)", part)
    if m := _FIRST_PERSON.search(part):
        owner, rest, kind = speaker, m.group("rest"), "self"
    elif bare and bare.group("verb") not in _NOT_BARE | NOT_TASKS:
        # in a recap, "and I chase the printer" is a commitment even without a date
        owner, rest, kind = speaker, bare.group("rest"), "self"
    elif (m := _RECAP_ITEM.match(part)) and name_word(m.group("name")):
        verb = m.group("verb").lower()
        if m.group("modal") == "is":  # "Ben is drafting the letter"
            if not verb.endswith("ing"):
                return None
            verb = gerund_base(verb)
        elif not m.group("modal"):
            if not verb.endswith("s") or verb in ("is", "was", "has"):
                return None
            verb = base_verb(verb)
        owner = _named(m.group("name"), people, speaker)
        rest, kind = f"{verb} {m.group('rest')}", "recap"
    else:
        return None
    task, due = _task_and_due(rest, rest, 0, {"me": speaker, "my": _possessive(speaker)}, people)
    if len(tokens(task)) < 2 or tokens(task)[0] in NOT_TASKS:
        return None
    item = ActionItem(
        owner=owner,
        task=task,
        due=resolve_due(due, meeting_date) if due else None,
        due_text=due,
        start=s.start,
        segment_index=s.segment_index,
    )
    return _Found(item, k, kind, s.speaker)


def _merge_recap(found: list[_Found], recap: list[_Found]) -> list[_Found]:
    """Fold each recap line into the item it restates, else add it.

    A match fills what the item lacks (the owner's name for a "Speaker N", the
    due date); an owner named in the recap for a voice's own commitment also
    names that voice's other items.
    """
    out = list(found)
    for r in recap:
        match = _restated(r.item, [f.item for f in out])
        if match is None:
            out.append(r)
            continue
        f = out[match]
        owner = f.item.owner
        if (owner is None or is_label(owner)) and r.item.owner and not is_label(r.item.owner):
            if f.kind == "self":
                out = [_rename(x, owner, r.item.owner) for x in out]
                f = out[match]
            f.item = replace(f.item, owner=r.item.owner)
        if f.item.due is None and r.item.due is not None:
            f.item = replace(f.item, due=r.item.due, due_text=r.item.due_text)
    return out


def _restated(item: ActionItem, items: list[ActionItem]) -> int | None:
    """The index of the item ``item`` restates: most alike in words, same owner first;
    a task of one content word ("call the hall") must share its verb too."""
    best, best_score = None, 0.0
    for i, x in enumerate(items):
        score = max(text_match(item.task, x.task), text_match(x.task, item.task))
        if min(content_word_count(item.task), content_word_count(x.task)) < 2 and (
            tokens(item.task)[:1] != tokens(x.task)[:1]
        ):
            continue
        if x.owner == item.owner:
            score += 0.25
        if score > best_score and score >= 0.5:
            best, best_score = i, score
    return best


def _rename(f: _Found, old: str | None, new: str) -> _Found:
    if old is not None and f.item.owner == old:
        f.item = replace(f.item, owner=new)
    return f


def pronouns_only(task: str) -> bool:
    return all(w in PRONOUN_OBJECTS for w in tokens(task)[1:])


def _possessive(name: str | None) -> str | None:
    return f"{name}'s" if name else None


def _clean_task(task: str, swap: dict[str, str | None]) -> str:
    task = _LEADING_FILLER.sub("", task.strip())
    for word, repl in swap.items():
        if repl:
            task = re.sub(rf"\b{word}\b", repl, task, flags=re.IGNORECASE)
    task = re.sub(r"\s+", " ", task).strip(" ,.;:!?")
    return task


def clean_sentence(text: str) -> str:
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
