"""What the next voice says to a request: taking it on ("Happy to.", "Yes, I'll
get that done by Friday"), turning it down ("No, sorry, I'm away."), or saying
yes to an offer asked ("Can I take the minutes?" - "Please do."). The one who
says yes owns an unnamed request, and an accepting reply completes the request
instead of becoming a second item."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import replace

from meetingapp.engine.minutes.anaphora import echoed_object
from meetingapp.engine.minutes.commitments import FIRST_PERSON
from meetingapp.engine.minutes.dates import find_due
from meetingapp.engine.minutes.found import Found, said_at
from meetingapp.engine.minutes.people import People
from meetingapp.engine.minutes.tasks import pointing, task_and_due
from meetingapp.engine.minutes.text import Sentence, tokens, word_set
from meetingapp.engine.minutes.topics import STOP_WORDS

_SHOULD_I = re.compile(r"\b(?:should|shall|can|could|may) I (?P<rest>[^?]+)\?", re.IGNORECASE)
#: "Can I ask a question?", "Could I just say...": asking leave to speak, not offering.
_LEAVE_TO_SPEAK = word_set(
    "ask say add just interrupt jump mention borrow go leave come have get check see hear "
    "make be share raise"
)
#: Taking a request on without a "yes": "Happy to.", "Will do.", "On it."
ACCEPT = re.compile(
    r"^\W*(?:happy to|will do|(?:I'm |I am )?on it|no problem|leave it with me|consider it done"
    r"|can do"
    r"|not at all|I can|I will|I'll|me|we can(?!['’]t|not)|we(?:'ll|’ll| will)(?! not)"
    r"|done (?=by|before))\b"  # "Done by end of day."
    # "not at all" answers "would you mind"; "we can" answers "can you two"
    r"|^\W*we(?:'ll|’ll| will) do\W*(?:,|$)",  # ASR's "Will do."
    re.IGNORECASE,
)
#: Promising the asker the result: "You'll have a draft by Tuesday."
_YOU_WILL_HAVE = re.compile(r"\byou(?:'ll|’ll| will) (?:have|get)\b", re.IGNORECASE)
#: Turning a request down: "No, sorry, I'm away.", "I can't this week."
REFUSE = re.compile(
    r"^\W*(?:no\b(?!\s+(?:problem|worries|bother))|sorry\b|(?:I|we) (?:can't|cannot|won't)"
    r"|unfortunately|not (?:this|that|today|tomorrow)\b)",
    re.IGNORECASE,
)
_YES = re.compile(
    r"^\W*(?:yes|yeah|yep|sure|please|of course|absolutely|definitely|go ahead|go for it|"
    r"ok|okay|good idea)\b",
    re.IGNORECASE,
)
#: Verbs that say a request is taken on, not how it is done ("I'll do it").
_GENERIC_VERBS = word_set("do get have handle take sort make grab manage cover finish try")
_PARTICLES = word_set("out up off over in back down on through")


def reply_turn(sentences: list[Sentence], k: int) -> list[Sentence]:
    """The turn that answers sentence ``k`` (its first two sentences): the next voice's,
    after at most one more sentence of the asker's that asks nothing new ("Rafael, can
    you write to them? It carries more weight." - "Okay. I'll do it today.")."""
    for j in range(k + 1, min(k + 3, len(sentences))):
        if sentences[j].speaker == sentences[k].speaker and sentences[j].text.endswith("?"):
            return []  # the asker moved on to another question: its answer is not this one's
        if sentences[j].speaker != sentences[k].speaker:
            turn = sentences[j : j + 2]
            return turn[:1] if turn[-1].speaker != turn[0].speaker else turn
    return []


def accepted_by(
    sentences: list[Sentence], k: int, people: People, said_yes: bool = False
) -> str | None:
    """Who a request without a name went to, when the next turn accepts it ("Happy
    to.", "Sure, I'll..."): the one who says yes is the one who was asked. With
    ``said_yes`` only a yes counts, not a commitment of the replier's own."""
    s = sentences[k]
    later = next((x for x in sentences[k + 1 : k + 3] if x.speaker != s.speaker), None)
    if later is None or sentences[k + 1].speaker != later.speaker:
        return None
    own = not said_yes and FIRST_PERSON.search(later.text)
    if _YES.match(later.text) or ACCEPT.match(later.text) or own:
        return people.voice(later.speaker)
    return None


def takes_on(answer: str) -> bool:
    """Whether an answer to a request takes it on ("Sure.", "Not at all, you'll have
    it by Tuesday.", "I'll do it tonight."), so a date in it is the request's."""
    return bool(
        _YES.match(answer)
        or ACCEPT.match(answer)
        or FIRST_PERSON.search(answer)
        or _YOU_WILL_HAVE.search(answer)
    )


def asked_to(
    sentences: list[Sentence], k: int, people: People, meeting_date: dt.date
) -> Found | None:
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
    task, due = task_and_due(m.group("rest"), s.text, m.start("rest"), swap, people)
    if due is None:  # "Should I ping the vendor?" - "Yes, today."
        said = next((d for d in (find_due(x.text) for x in answer) if d), None)
        due = said.phrase if said else None
    item = said_at(s, speaker, task, due, meeting_date)
    return Found(item, k, "request", s.speaker)


def merge_replies(found: list[Found], sentences: list[Sentence], people: People) -> list[Found]:
    """A first-person reply that accepts a request just made ("Yes, I'll get that
    done", "Sure thing, I'll grab them after standup") completes it: its due date
    is kept, the reply is not a second item, and a verb of its own rewords the task
    (:func:`_restating`). A reply that only points back ("get that done") and answers
    no request says nothing on its own and is dropped, unless what was said just
    before says what "it" is (:func:`.anaphora.echoed_object`). A request to anyone
    that the taker answers with a task in their own words gives way to that task
    (:func:`_open_call`)."""
    out: list[Found] = []
    for f in found:
        said = sentences[f.sentence].text
        if f.kind == "self" and not pointing(f.item.task) and (open_call := _open_call(out, f)):
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
        elif not pointing(f.item.task):
            out.append(f)
        elif echoed := echoed_object(f.item.task, sentences, f.sentence):
            f.item = replace(f.item, task=echoed)
            out.append(f)
        elif f.item.due and _own_verb(f.item.task):
            out.append(f)  # "I'll submit it through the portal on the 19th" says enough
    return out


def _open_call(found: list[Found], f: Found) -> Found | None:
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
    if len(words) < 3 or words[0].lower() in _GENERIC_VERBS or not pointing(task):
        return False
    return any(w not in STOP_WORDS for w in tokens(" ".join(words[2:])))


def _answers(sentences: list[Sentence], request: Found, reply: Found, people: People) -> bool:
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
    return len(after_verb) <= 1 and (pointing(task) or bool(_YES.match(said)))
