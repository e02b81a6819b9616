"""Where a clause commits someone to work, and whose it is.

The cues are the grammar of commitment, not the words of particular meetings:
a first-person modal ("I'll...", hedged "I guess I should..."), volunteering
("Count me in for..."), a request ("can you...", "it would be good if you
could...", "maybe you could..."), a task told or handed over ("Priya, you'll
update the site", "Sam, you're on the login bug"), a named plan ("Bob will...",
"Grace to revise..."), what a thing needs ("the skip needs emptying") and an
order ("Mo, restock it."). Each cue gives the kind that :mod:`.extract` filters
on; the verb lists here say which look-alikes are states, procedure or courtesy.
"""

from __future__ import annotations

import re

from meetingapp.engine.minutes.dates import find_due
from meetingapp.engine.minutes.owners import NAME, named, possessive, vocative
from meetingapp.engine.minutes.people import People, name_word
from meetingapp.engine.minutes.text import word_set

#: "I'll", "I can", and the hedged or obliged forms people commit with ("I guess I
#: should rerun...", "I need to", "I'm happy to").
_MODAL_1P = (
    r"(?:will|'ll|’ll|can|shall|am going to|'m going to|am gonna|'m gonna|should|"
    r"need to|have to|'d better|had better|ought to|am happy to|'m happy to|'d be happy to|"
    r"would be happy to)"
)
FIRST_PERSON = re.compile(rf"\b(?:I\s*{_MODAL_1P}|let me)\s+(?P<rest>.+)", re.IGNORECASE)
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
NOT_BARE = word_set(
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
#: "Would you mind letting them know", "will you mind...": the task is the -ing verb's
#: plain form, whichever auxiliary (or none) ASR wrote before "you mind".
_MIND = re.compile(
    r"(?:\b(?:[a-z]+\s+)?you mind|^\W*mind)\s+(?P<rest>[a-z]+ing\b.*)", re.IGNORECASE
)
_ACTION_FOR = re.compile(
    rf"\baction(?: item)?s? for (?P<name>{NAME})\s*[:,]?\s+(?P<rest>.+)", re.IGNORECASE
)
_NAME_TO = re.compile(
    rf"^(?:(?:and|so|then|also|ok|okay|(?i:action(?: item)?)),?:?\s+)*(?P<name>{NAME}) to "
    r"(?P<rest>.+)"
)
_NAMED_MODAL = re.compile(
    rf"\b(?P<name>{NAME})(?:\s+(?:will|can|is going to)|'ll|'s going to|’s going to)\s+"
    r"(?:also\s+)?(?P<rest>.+)"
)
#: "Aisha's doing the risk assessment by Thursday": a named plan in the present.
_NAMED_PROGRESSIVE = re.compile(
    rf"\b(?P<name>{NAME})(?:'s|’s| is)\s+(?P<rest>(?P<verb>[a-z]+ing)\s.+)"
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
#: Verbs after a modal that state or perceive rather than commit to work.
NOT_TASKS = word_set(
    "be been say admit see hear think guess imagine remember bet need like love agree "
    "believe wonder know mean feel hope understand suppose confess repeat mention argue claim"
)
#: Talk that sounds like a task and is courtesy or the meeting's own running.
COURTESY = re.compile(
    r"(?:keep \w+ (?:posted|updated|informed|in the loop)|have a think|make a note"
    r"|keep an eye on (?:it|that|this|them)"
    r"|take (?:that|it) as|take (?:a|five|ten|\w+ minutes?)(?: short| quick)? ?(?:break|minutes?)"
    r"|leave it (?:there|at that))\b",
    re.IGNORECASE,
)
#: Verbs of running the meeting itself: "let's go around", "can you walk us through it".
PROCEDURE = word_set(
    "go start begin kick move wrap recap review see look talk discuss continue jump dive "
    "hear turn circle call get finish walk hold bear proceed introduce welcome thank come "
    "speak meet reconvene regroup sync summarise summarize sum"
)
CLAUSE_SPLIT = re.compile(
    r"(?:,\s*|\s+)(?:and|but|so|then)\s+(?=(?:i|we|you|he|she|they|today|tomorrow|also)\b)"
    r"|;\s*",
    re.IGNORECASE,
)
_NEXT_COMMITMENT = re.compile(r",\s*(?=I(?:'ll|’ll| will)\b)", re.IGNORECASE)


def clauses(text: str) -> list[str]:
    """Clauses that may each hold a task: split at "and/but/so/then" before a new
    subject, and between two commitments ("I'll do it, I'll send it round") or a
    request and the commitment it buys ("if you can find it, I'll fill it in")."""
    out: list[str] = []
    for clause in CLAUSE_SPLIT.split(text):
        current, *parts = _NEXT_COMMITMENT.split(clause)
        for part in parts:
            if FIRST_PERSON.search(current) or _IF_YOU.search(current):
                out.append(current)
                current = part
            else:  # "Great, I'll ...": no task before the comma
                current = f"{current}, {part}"
        out.append(current)
    return out


def commitment(
    clause: str, speaker: str | None, addressee: str | None, people: People
) -> tuple[str | None, dict[str, str | None], re.Match[str], str] | None:
    """Owner, pronoun replacements, the cue match and its kind, if ``clause`` commits."""
    question = clause.rstrip().endswith("?")
    to_them = {"me": speaker, "my": possessive(speaker), "your": "the"}
    mine = {"you": addressee, "your": possessive(addressee)}
    if not question and (m := FIRST_PERSON.search(clause) or _GLAD_TO.search(clause)):
        return speaker, mine, m, "self"
    for pattern, kind in ((_COUNT_ME_IN, "volunteer"), (_LEAVE_WITH_ME, "leave")):
        if not question and (m := pattern.search(clause)):
            return speaker, mine, m, kind
    if m := _NEEDS_DOING.search(clause):
        return vocative(clause, speaker, people), to_them, m, "needs"
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
            return vocative(clause, speaker, people) or addressee, to_them, m, kind
    m = _YOU_WILL.search(clause)
    told = vocative(clause, speaker, people)
    if m and told and m.group("verb").lower() not in _FORETOLD | NOT_TASKS:
        return told, to_them, m, "told"
    if question:
        return None
    m = _BARE_1P.search(clause)
    if m and _bare_commitment(m, clause):
        return speaker, {"you": addressee, "your": possessive(addressee)}, m, "self"
    m = _PROGRESSIVE_1P.search(clause)
    if m and m.group("verb").lower() not in _NOT_PROGRESSIVE and _dated_after(m, clause):
        return speaker, {"you": addressee, "your": possessive(addressee)}, m, "progressive"
    for pattern in (_ACTION_FOR, _NAME_TO):
        m = pattern.search(clause)
        if m and name_word(m.group("name")):
            return named(m.group("name"), people, speaker), to_them, m, "named"
    for m in _NAMED_MODAL.finditer(clause):
        name = m.group("name")
        if name_word(name) and (people.person(name) or name in people.proper):
            return named(name, people, speaker), to_them, m, "named"
    m = _NAMED_PROGRESSIVE.search(clause)
    if m and m.group("verb").lower() not in _NOT_PROGRESSIVE and _dated_after(m, clause):
        name = m.group("name")
        if name_word(name) and (people.person(name) or name in people.proper):
            return named(name, people, speaker), to_them, m, "named_ing"
    m = _IMPERATIVE.search(clause)
    verbs = _NOT_IMPERATIVE | NOT_TASKS | NOT_BARE | PROCEDURE - {"call", "review"}
    verb = m.group("verb").lower() if m else ""
    past = verb.endswith("ed") or (verb.endswith("s") and not verb.endswith("ss"))
    if m and verb not in verbs and not past and not _ANSWER.match(clause):
        return addressee, to_them, m, "imperative"  # not "Yeah, ship it": an answer
    return None


def _bare_commitment(m: re.Match[str], clause: str) -> bool:
    """Whether "I <verb> ..." is a commitment: a plain verb of work, then a due phrase."""
    verb = m.group("verb").lower()
    if verb in NOT_BARE or verb in NOT_TASKS or verb.endswith(("ed", "s")):
        return False
    due = find_due(clause)
    return due is not None and due.span[0] > m.start("rest")


def _dated_after(m: re.Match[str], clause: str) -> bool:
    due = find_due(clause)
    return due is not None and due.span[0] > m.start("rest")
