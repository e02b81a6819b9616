"""Minutes from a diarized transcript with the offline extractors (no LLM)."""

from __future__ import annotations

import datetime as dt

from meetingapp.domain.minutes import MEETING_TYPES, Minutes
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.minutes.decisions import extract_decisions
from meetingapp.engine.minutes.extract import extract_actions
from meetingapp.engine.minutes.highlights import pick_highlights
from meetingapp.engine.minutes.people import learn_people
from meetingapp.engine.minutes.recap import recap_sentences
from meetingapp.engine.minutes.sentiment import meeting_mood, segment_sentiment
from meetingapp.engine.minutes.summary import (
    EmbedFn,
    pick_key_points,
    rank_sentences,
    write_summary,
)
from meetingapp.engine.minutes.text import split_sentences
from meetingapp.engine.minutes.topics import extract_topics, unsure_words


def build_minutes(
    segments: list[Segment],
    meeting_date: dt.date,
    meeting_type: str = "general",
    *,
    embed: EmbedFn | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Minutes:
    """Summary, key points, decisions, action items, topics, highlights and mood."""
    if meeting_type not in MEETING_TYPES:
        raise ValueError(f"unknown meeting type {meeting_type!r}; expected one of {MEETING_TYPES}")
    steps = 5

    def step(k: int) -> None:
        if cancel:
            cancel.check()
        if progress:
            progress(k / steps)

    sentences = split_sentences(segments)
    people = learn_people(sentences)
    actions = extract_actions(sentences, meeting_date, people)
    decisions = extract_decisions(sentences, people)
    step(1)
    known = set(people.names) | set(people.spellings)
    topics = extract_topics(sentences, known, unsure=unsure_words(segments))
    step(2)
    voices = [people.voice(s.speaker) for s in sentences if s.speaker]
    who = list(dict.fromkeys(v for v in voices if v))
    summary = write_summary(meeting_type, who, topics, decisions, actions)
    cited = {a.segment_index for a in actions} | {d.segment_index for d in decisions}
    skip = recap_sentences(sentences) | {
        i for i, s in enumerate(sentences) if s.segment_index in cited
    }
    scores = rank_sentences(sentences, embed)
    taken = [a.task for a in actions] + [d.text for d in decisions]
    n_points = max(2, min(6, len(sentences) // 6))
    key_points = pick_key_points(scores, sentences, people.voice, taken, skip, n_points)
    step(3)
    sentiment = [round(segment_sentiment(s.text), 3) for s in segments]
    step(4)
    highlights = pick_highlights(segments, decisions, actions, topics, sentiment)
    step(5)
    return Minutes(
        summary=summary,
        key_points=key_points,
        decisions=decisions,
        action_items=actions,
        topics=topics,
        highlights=highlights,
        sentiment=sentiment,
        mood=meeting_mood(segments, sentiment),
    )
