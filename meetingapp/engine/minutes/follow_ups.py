"""One action item per task when its owner says it again in the same exchange.

People agree to a task and then add to it a line later: "Would you put the set
list together?" "Sure." "… and I'll send it to the group chat by Sunday", or
"Can you chase Hyun-woo?" "I'll ping him after stand-up tomorrow". Each line
is a commitment on its own, so the extractor finds two items where minutes
have one: one with the task, the other with the date. An item that follows its
owner's previous item and points back to it (a pronoun, or the same words)
is folded into it; two items with different dates stay two tasks. A closing sum-up
in the first person ("I send the photos tonight and book the room") repeats items
already taken and adds none.
"""

from __future__ import annotations

from dataclasses import replace

from meetingapp.domain.minutes import ActionItem
from meetingapp.engine.minutes.text import tokens, word_set
from meetingapp.engine.minutes.topics import STOP_WORDS

#: How far apart (seconds) two lines of one exchange can be.
EXCHANGE_S = 45.0
#: Object pronouns that point back at the task just agreed ("send it", "ping him").
_BACK = word_set("it them him her that this one those these")
#: Verbs any task can take; sharing one says nothing about being the same task.
_LIGHT = word_set("do get make have put take go sort send look")


def merge_follow_ups(items: list[ActionItem]) -> list[ActionItem]:
    """``items`` (in the order said) with each follow-up folded into the item before it,
    and without the ones that only say again what their owner took on earlier."""
    out: list[ActionItem] = []
    for item in items:
        last = out[-1] if out else None
        if last and _follows(last, item):
            out[-1] = _fold(last, item)
        else:
            out.append(item)
    return _without_repeats(out)


def _without_repeats(items: list[ActionItem]) -> list[ActionItem]:
    """A sum-up said as commitments ("I send the photos tonight and book the room")
    repeats items already taken: an item each of whose "and" parts has only words of
    one earlier item of the same owner ("book the rehearsal room for the next four
    Wednesdays") is dropped, its date kept where the earlier item had none, unless its
    date is none of theirs."""
    out: list[ActionItem] = []
    for item in items:
        earlier = [i for i, a in enumerate(out) if a.owner and a.owner == item.owner]
        parts = [_stems(p) for p in item.task.split(" and ")]
        said = [next((i for i in earlier if p and p <= _stems(out[i].task)), None) for p in parts]
        redated = item.due and all(
            out[i].due not in (None, item.due) for i in said if i is not None
        )
        if not earlier or None in said or redated:  # "email it again on Thursday" is new
            out.append(item)
            continue
        for i in said:
            if i is not None and out[i].due is None:
                out[i] = replace(out[i], due=item.due, due_text=item.due_text)
    return out


def _follows(first: ActionItem, then: ActionItem) -> bool:
    if not first.owner or first.owner != then.owner:
        return False
    if then.start - first.start > EXCHANGE_S:
        return False
    if first.due and then.due and first.due != then.due:
        return False
    return _restates(first.task, then.task) or _points_back(then.task)


def _points_back(task: str) -> bool:
    """A pronoun in the task's first clause: "send it to the group chat", "have a date
    agreed with him"; not one after an "and" that stands for the task's own object
    ("write up the report and share it")."""
    return bool(_BACK & set(tokens(task.split(" and ")[0])))


def _restates(first: str, then: str) -> bool:
    """The same task said again: the same verb ("move him over" / "move bed twelve
    to the side room") or two words in common ("update the form" / "have the form
    updated"); one shared noun is not enough ("run a usability test" / "share the
    test results" are two tasks)."""
    same_verb = _verb(first) is not None and _verb(first) == _verb(then)
    return same_verb or len(_stems(first) & _stems(then)) >= 2


def _verb(task: str) -> str | None:
    words = tokens(task)
    return words[0][:5] if words and words[0] not in _LIGHT else None


def _fold(first: ActionItem, then: ActionItem) -> ActionItem:
    """The restatement with more to say keeps its words; a continuation ("and send
    it …") is joined on; the date is whichever line gave one."""
    if _restates(first.task, then.task):
        task = then.task if _says(then.task) >= _says(first.task) else first.task
    else:
        task = f"{first.task.rstrip(' ,.')} and {then.task}"
    dated = first if first.due else then
    return replace(first, task=task, due=dated.due, due_text=dated.due_text)


def _stems(text: str) -> set[str]:
    return {w[:5] for w in tokens(text) if w not in STOP_WORDS and w not in _LIGHT}


def _says(task: str) -> int:
    """Content words less pronouns: "move bed twelve to the side room" says more
    than "move him over"."""
    words = tokens(task)
    return sum(w not in STOP_WORDS for w in words) - sum(w in _BACK for w in words)
