"""Key phrases of a meeting: frequent content-word runs, a RAKE-style method.

No tagger or model is needed: runs of words between stop words are noun-phrase
candidates in conversational English, and how often a phrase and its words
recur is a good proxy for what the meeting was about.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from meetingapp.engine.minutes.text import Sentence, numbers_as_digits, word_set

#: Conversation words that are never a topic on their own.
_SPOKEN = word_set(
    """
    yeah yes ok okay hi hello thanks thank sure right good great fine cool alright um uh
    oh well just really actually basically honestly maybe guess think know want need like
    going gonna got get gets getting let lets today tomorrow yesterday week weeks month
    day days time times lot lots thing things stuff way bit kind sort guys everyone
    everybody people today's quick quickly new old say said tell told talk talked ask
    asked make made work working worked start started finish finished look looks looked
    happy sorry agree point idea sounds works did does doing done will shall can could
    would should might must also still really pretty quite very much many first next
    last item update updates one two three four five six seven eight nine ten hour
    hours minute minutes morning afternoon evening meeting call team monday tuesday
    wednesday thursday friday saturday sunday went go goes come came help helps helped
    ready set sets write writes send sends fix fixes review reviews run runs share shares
    cover covers detect detects enable enables book books ship ships skip skips focus
    tell tells limit limits bring brings proud sorry glad
    """
)
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | _SPOKEN
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]*|[.,!?;:]")


def extract_topics(
    sentences: list[Sentence], names: set[str] | None = None, limit: int = 8
) -> list[str]:
    """Up to ``limit`` key phrases, most salient first; ``names`` (people) are never topics."""
    stop = STOP_WORDS | {n.lower() for n in names or ()}
    phrases: Counter[str] = Counter()
    display: dict[str, str] = {}
    for s in sentences:
        for run in candidate_runs(s.text, stop):
            key = " ".join(w.lower() for w in run)
            phrases[key] += 1
            display.setdefault(key, " ".join(run))
    words: Counter[str] = Counter(
        w for key, n in phrases.items() for w in key.split() for _ in range(n)
    )
    scored = {
        key: (n + 0.5 * sum(words[w] - n for w in key.split())) * (1 + 0.5 * (len(key.split()) - 1))
        for key, n in phrases.items()
    }
    chosen: list[str] = []
    for key in sorted(scored, key=lambda k: (-scored[k], k)):
        if any(
            set(key.split()) <= set(c.split()) or set(c.split()) <= set(key.split()) for c in chosen
        ):
            continue
        if len(key.split()) == 1 and words[key] < 2:
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [display[k] for k in chosen]


def candidate_runs(text: str, stop: frozenset[str]) -> list[list[str]]:
    """Maximal runs (1-3 words) of content words; longer runs are cut into threes."""
    runs: list[list[str]] = []
    run: list[str] = []
    for tok in [*_TOKEN.findall(text), "."]:
        word = tok.lower().replace("’", "'")
        base = word.removesuffix("'s")
        content = (
            tok[0].isalpha()
            and (len(base) > 2 or tok.isupper())
            and base not in stop
            and "'" not in base
            and not base.endswith(("ed", "ly"))
        )
        if content:
            run.append(tok.removesuffix("'s").removesuffix("’s"))
            continue
        runs.extend(run[i : i + 3] for i in range(0, len(run), 3))
        run = []
    return [r for r in runs if r]


def text_match(reference: str, hypothesis: str) -> float:
    """Share of the reference's content words found (spelled alike) in the hypothesis."""
    ref = [w for w in _words(reference) if w not in STOP_WORDS] or _words(reference)
    words = _words(hypothesis)
    # ASR splits compounds ("post-mortem" for postmortem): pairs count as one word too
    hyp = words + [a + b for a, b in zip(words, words[1:])]
    if not ref:
        return 0.0
    found = sum(
        any(r == h if r.isdigit() else SequenceMatcher(None, r, h).ratio() >= 0.8 for h in hyp)
        for r in ref
    )
    return found / len(ref)


def _words(text: str) -> list[str]:
    """Word and number tokens, numbers in digits ("two hundred" and "200" are one)."""
    return re.findall(r"[a-z][a-z'’]*|\d+", numbers_as_digits(text).lower().replace("’", "'"))
