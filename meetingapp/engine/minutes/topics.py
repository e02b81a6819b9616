"""Key phrases of a meeting: frequent content-word runs, a RAKE-style method.

No tagger or model is needed: runs of words between stop words are noun-phrase
candidates in conversational English, and how often a phrase and its words
recur is a good proxy for what the meeting was about.

ASR noise makes one-off phrases ("the only big smashboard"), so a topic must
recur: a phrase said twice or whose words recur, a single word said by two
people at least. Words Whisper itself was unsure of never start a topic, and spellings
of one phrase ("pull request", "pull requests", "poll requests") are merged.
"""

from __future__ import annotations

import re
from collections import Counter
from difflib import SequenceMatcher

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes.text import Sentence, numbers_as_digits, tokens, word_set

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


#: A word said after a determiner is a noun there ("the interview", "our budget"): a
#: single word becomes a topic only if it is, so verbs ASR or speech leave recurring
#: ("running", "seen") are not topics.
_AFTER_DETERMINER = re.compile(
    r"\b(?:the|a|an|this|that|these|those|our|your|my|their|his|her|its|some|any|no|every"
    r"|each|new|next)\s+([A-Za-z][A-Za-z-]*)",
    re.IGNORECASE,
)
#: Nouns said in passing ("this year", "the end") that name no subject on their own.
_GENERIC_NOUNS = word_set("year years end start rest other others case fact")

#: Below this word probability, Whisper was guessing.
UNSURE = 0.4


def unsure_words(segments: list[Segment]) -> frozenset[str]:
    """Words Whisper was unsure of every time it wrote them (lower case)."""
    best: dict[str, float] = {}
    for seg in segments:
        for w in seg.words:
            key = w.word.strip(" .,!?;:").lower()
            best[key] = max(best.get(key, 0.0), w.probability)
    return frozenset(k for k, p in best.items() if p < UNSURE)


def extract_topics(
    sentences: list[Sentence],
    names: set[str] | None = None,
    limit: int = 8,
    unsure: frozenset[str] = frozenset(),
) -> list[str]:
    """Up to ``limit`` key phrases, most salient first; ``names`` (people) are never topics."""
    stop = STOP_WORDS | {n.lower() for n in names or ()}
    phrases: Counter[str] = Counter()
    display: dict[str, str] = {}
    voices: dict[str, set[str | None]] = {}
    for s in sentences:
        for run in candidate_runs(s.text, stop):
            key = " ".join(w.lower() for w in run)
            if any(w in unsure for w in key.split()):
                continue
            key = _same_phrase(key, display)
            phrases[key] += 1
            display.setdefault(key, " ".join(run))
            voices.setdefault(key, set()).add(s.speaker)
    phrases = _shared_cores(phrases, display, voices)
    nouns = {m.lower() for s in sentences for m in _AFTER_DETERMINER.findall(s.text)}
    words: Counter[str] = Counter(
        _stem(w) for key, n in phrases.items() for w in key.split() for _ in range(n)
    )
    scored = {
        key: (n + 0.5 * sum(words[_stem(w)] - n for w in key.split()))
        * (1 + 0.5 * (len(key.split()) - 1))
        for key, n in phrases.items()
    }
    chosen: list[str] = []
    for key in sorted(scored, key=lambda k: (-scored[k], k)):
        stems = {_stem(w) for w in key.split()}
        if any(stems <= {_stem(w) for w in c.split()} or {_stem(w) for w in c.split()} <= stems
               for c in chosen):  # fmt: skip
            continue
        if len(stems) == 1:  # one word: a noun several people use ("the interview")
            noun = key in nouns and key not in _GENERIC_NOUNS
            recurring = phrases[key] >= 2 and len(voices[key]) >= 2 and noun
        else:
            recurring = phrases[key] >= 2 or sum(words[w] >= 2 for w in stems) >= 2
        if not recurring:
            continue
        chosen.append(key)
        if len(chosen) == limit:
            break
    return [display[k] for k in chosen]


def _stem(word: str) -> str:
    """Plural and singular as one: "requests" -> "request", "tests" -> "test"."""
    return word[:-1] if len(word) > 3 and word.endswith("s") and not word.endswith("ss") else word


def _shared_cores(
    phrases: Counter[str], display: dict[str, str], voices: dict[str, set[str | None]]
) -> Counter[str]:
    """Three-word runs that share a two-word core with another phrase, counted as
    that core: "winter food drive" and "food drive moves" are both "food drive"
    (a run of content words often takes in a neighbour, or a verb ASR left bare)."""
    pairs = Counter(
        " ".join(k.split()[i : i + 2]) for k in phrases for i in range(len(k.split()) - 1)
    )
    out: Counter[str] = Counter()
    for key, n in phrases.items():
        words = key.split()
        cores = [" ".join(words[i : i + 2]) for i in range(len(words) - 1)]
        core = next((c for c in cores if len(words) == 3 and pairs[c] >= 2), key)
        if core != key:
            at = words.index(core.split()[0])
            display.setdefault(core, " ".join(display[key].split()[at : at + 2]))
            voices.setdefault(core, set()).update(voices[key])
        out[core] += n
    return out


def _same_phrase(key: str, seen: dict[str, str]) -> str:
    """``key``, or the phrase already seen that it spells ("poll requests" for
    "pull requests"): same number of words, each alike."""
    mine = [_stem(w) for w in key.split()]
    for other in seen:
        theirs = [_stem(w) for w in other.split()]
        if len(theirs) == len(mine) and all(
            a == b or (len(a) > 3 and SequenceMatcher(None, a, b).ratio() >= 0.8)
            for a, b in zip(mine, theirs)
        ):
            return other
    return key


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


def content_word_count(text: str) -> int:
    """How many of ``text``'s words say something (not stop words): the rules ask for a
    few before a clause counts as a task or a decision."""
    return sum(1 for w in tokens(text) if w not in STOP_WORDS)
