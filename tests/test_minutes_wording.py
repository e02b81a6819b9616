"""How the offline minutes read: a topic is a noun, not a verb that recurred, and a key
point is "X noted that ..." only where that makes a sentence."""

from __future__ import annotations

import datetime as dt

from meetingapp.domain.transcript import Segment
from meetingapp.engine.minutes import build_minutes
from meetingapp.engine.minutes.text import split_sentences
from meetingapp.engine.minutes.topics import extract_topics


def segments(lines: list[tuple[str, str]]) -> list[Segment]:
    return [Segment(5.0 * i, 5.0 * i + 4, t, speaker=who) for i, (who, t) in enumerate(lines)]


def test_a_word_is_a_topic_only_where_it_is_said_as_a_noun() -> None:
    said = segments(
        [
            ("Uma", "I'm running the stall again, and the marquee is booked."),
            ("Raf", "Who is running the raffle, then?"),
            ("Uma", "Sorry, I haven't seen the marquee yet."),
            ("Raf", "I've seen it, the marquee is fine."),
        ]
    )
    topics = extract_topics(split_sentences(said))
    assert "marquee" in topics
    assert "running" not in topics and "seen" not in topics


def test_key_points_say_noted_that_only_before_a_statement() -> None:
    said = segments(
        [
            ("Uma", "The allotment committee has approved the new water tanks for the spring."),
            ("Raf", "Just tanks for the water on the east side plots and the polytunnel."),
            ("Uma", "The water tanks will need a concrete base before they arrive."),
        ]
    )
    points = [p.text for p in build_minutes(said, dt.date(2028, 3, 1)).key_points]
    assert any(p.startswith("Uma noted that the") for p in points), points
    assert "Raf: Just tanks for the water on the east side plots and the polytunnel" in points
