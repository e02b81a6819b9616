"""The least number of people a meeting has, read off its transcript (talk_count.py)."""

from __future__ import annotations

from meetingapp.domain.transcript import Segment
from meetingapp.engine.speakers.talk_count import (
    INTRO,
    people_present,
    speaker_floor,
)


def talk(*lines: str) -> list[Segment]:
    """One Whisper segment per line, as a pause between people gives."""
    return [Segment(2.0 * i, 2.0 * i + 1.5, text) for i, text in enumerate(lines)]


def names(segments: list[Segment], **kw: object) -> list[str]:
    return [p.name for p in people_present(segments, **kw)]  # type: ignore[arg-type]


def test_an_absent_person_mentioned_does_not_count() -> None:
    segments = talk(
        "We should ask Helen when she's back.",
        "Yes, and Irene sent the figures to Marcus on Monday.",
        "Okay.",
    )
    assert names(segments) == []
    assert speaker_floor(segments) is None


def test_self_introductions_count_once_per_person() -> None:
    segments = talk(
        "Hi everyone, I'm Lena.",
        "Omar here, thanks for having me.",
        "My name's Dana.",
        "As I said, I'm Lena and I host this show.",
    )
    assert names(segments) == ["Lena", "Omar", "Dana"]
    assert speaker_floor(segments) == 3


def test_addressed_and_answered_counts() -> None:
    segments = talk(
        "Priya, can you take the first case?",
        "Sure, the spaniel is doing better.",
        "Sam, what did the bloods show?",
        "Normal, nothing worrying.",
    )
    assert names(segments) == ["Priya", "Sam"]
    assert names(segments, kinds=frozenset({INTRO})) == []


def test_addressed_without_an_answer_does_not_count() -> None:
    # the question ends the meeting: nobody answered it
    assert names(talk("That's all from me.", "Ruth, any questions?")) == []
    # a name mid-segment, the speaker talking on, hands nothing over
    assert names(talk("Ruth, any questions? No? Then we move on.", "Right.")) == []


def test_thanks_opening_a_turn_counts_the_one_who_spoke() -> None:
    assert names(talk("The pass is clean and stocked.", "Thanks, Kai. Next one.")) == ["Kai"]


def test_spellings_of_one_name_are_one_person() -> None:
    segments = talk("I'm Lukas.", "Lucas, could you check the kennels?", "Will do.")
    assert names(segments) == ["Lukas"]


def test_the_users_counts_win_and_the_floor_stays_under_the_most() -> None:
    segments = talk("I'm Lena.", "I'm Omar.", "I'm Dana.")
    assert speaker_floor(segments, num_speakers=2) is None
    assert speaker_floor(segments, min_speakers=2) == 2
    assert speaker_floor(segments, max_speakers=2) == 2
    assert speaker_floor(talk("I'm Lena.")) is None  # one person is no floor


def test_a_reply_said_to_someone_counts_the_one_who_spoke() -> None:
    segments = talk("Can I switch to the left wing?", "Good idea, Mark.")
    assert names(segments) == ["Mark"]
    # said first, it answers nobody
    assert names(talk("Good idea, Mark.")) == []
