"""Sentence splitting over transcript segments, keeping each sentence's source.

Minutes cite where a claim was said, so every sentence carries its segment
index, speaker and start time (from word timestamps when present). A Whisper
segment may hold two voices ("Should I ping the vendor? Yeah, go for it."):
when its words carry speakers, each sentence takes the speaker of most of its
words, so a question and its answer are not put in one mouth.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from meetingapp.domain.transcript import Segment

_SENT_END = re.compile(r"(?<=[.!?])\s+")
_WORD = re.compile(r"[a-z][a-z'’]*", re.IGNORECASE)
_UNITS = re.findall(
    r"\w+",
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen",
)
_TENS = re.findall(r"\w+", "twenty thirty forty fifty sixty seventy eighty ninety")
_ORDINALS = {
    "first": "one", "second": "two", "third": "three", "fifth": "five", "eighth": "eight",
    "ninth": "nine", "twelfth": "twelve", "twentieth": "twenty", "thirtieth": "thirty",
}  # fmt: skip
_NUMBER_WORD = re.compile(
    r"\b(?:(?:"
    + "|".join(_UNITS + _TENS + list(_ORDINALS) + [u + "th" for u in _UNITS[4:]])
    + "|".join(["", *(t[:-1] + "ieth" for t in _TENS)])
    + r"|hundred|thousand)"
    r"(?:[\s-]+(?:and\s+)?)?)+\b",
    re.IGNORECASE,
)


@dataclass
class Sentence:
    text: str
    segment_index: int
    start: float
    speaker: str | None


def split_sentences(segments: list[Segment]) -> list[Sentence]:
    """Sentences of all segments, in order, each with its segment and start time."""
    out: list[Sentence] = []
    for i, seg in enumerate(segments):
        text = seg.text.strip()
        offset = len(seg.text) - len(seg.text.lstrip())
        pos = 0
        for part in _SENT_END.split(text):
            at = text.find(part, pos)
            pos = at + len(part)
            if part.strip():
                start = _time_at(seg, offset + at)
                speaker = _speaker_of(seg, offset + at, offset + pos) or seg.speaker
                out.append(Sentence(part.strip(), i, start, speaker))
    return out


def word_set(text: str) -> frozenset[str]:
    """A word list written as one string, for readable lexicons."""
    return frozenset(text.split())


def tokens(text: str) -> list[str]:
    """Lower-case word tokens ("pull", "bob's")."""
    return [t.lower().replace("’", "'") for t in _WORD.findall(text)]


def numbers_as_digits(text: str) -> str:
    """Numbers said in words written as ASR writes them: "two hundred" -> "200",
    "the seventeenth" -> "the 17", "12%" -> "12 percent"; so said and heard compare."""
    text = re.sub(r"(\d+)(?:st|nd|rd|th)\b", r"\1", text)
    text = re.sub(r"(\d)%", r"\1 percent", text)
    return _NUMBER_WORD.sub(lambda m: _spoken_number(m.group(0)), text)


def _spoken_number(words: str) -> str:
    total = current = 0
    seen = False
    for w in re.split(r"[\s-]+", words.lower()):
        w = _ORDINALS.get(w, w)
        if w.endswith("th") and w[:-2] in _UNITS + _TENS:
            w = w[:-2]
        elif w.endswith("ieth") and w[:-4] + "y" in _TENS:
            w = w[:-4] + "y"
        if w in _UNITS:
            current += _UNITS.index(w)
        elif w in _TENS:
            current += 20 + 10 * _TENS.index(w)
        elif w == "hundred":
            current = max(current, 1) * 100
        elif w == "thousand":
            total += max(current, 1) * 1000
            current = 0
        elif w == "and" or not w:
            continue
        else:
            return words
        seen = True
    return f"{total + current}{' ' if words[-1:].isspace() else ''}" if seen else words


def _speaker_of(seg: Segment, begin: int, end: int) -> str | None:
    """The speaker of most of the words in characters [begin, end) of ``seg.text``."""
    time: dict[str, float] = {}
    seen = 0
    for w in seg.words:
        middle = seen + len(w.word) / 2
        seen += len(w.word)
        if w.speaker is not None and begin <= middle < end:
            time[w.speaker] = time.get(w.speaker, 0.0) + max(w.end - w.start, 1e-3)
    return max(time, key=time.__getitem__) if time else None


def _time_at(seg: Segment, char: int) -> float:
    """Start time of the word at character ``char`` of ``seg.text``."""
    if char <= 0:
        return seg.start
    if not seg.words:
        return seg.start + (seg.end - seg.start) * char / max(1, len(seg.text))
    seen = 0
    for w in seg.words:
        seen += len(w.word)
        if seen > char:
            return w.start
    return seg.words[-1].start
