"""Minutes on real ASR output: the eval standup and scripted meetings synthesised here."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest

from evaluation.minutes_scoring import score_actions, score_decisions
from meetingapp.domain.minutes import MEETING_TYPES, Minutes, action_sentence
from meetingapp.domain.transcript import Segment
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.minutes import build_minutes
from meetingapp.engine.minutes.dates import resolve_due
from meetingapp.engine.minutes.highlights import export_clips
from meetingapp.engine.minutes.sentiment import segment_sentiment
from meetingapp.engine.minutes.templates import load_template, render_markdown
from meetingapp.errors import Cancelled
from tests import minutes_data
from tests.minutes_data import Meeting

MONDAY = dt.date(2026, 11, 16)


@pytest.fixture(scope="session")
def standup() -> Meeting:
    return minutes_data.standup()


@pytest.fixture(scope="session")
def scripted(tmp_path_factory: pytest.TempPathFactory) -> list[Meeting]:
    if not minutes_data.can_synthesise():
        pytest.skip("espeak-ng and sox are needed to synthesise the scripted meetings")
    work = tmp_path_factory.mktemp("meetings")
    return [minutes_data.scripted(name, work) for name in minutes_data.SCRIPTED]


@pytest.mark.parametrize(
    ("phrase", "iso"),
    [
        ("right after this call", "2026-11-16"),
        ("today", "2026-11-16"),
        ("by tomorrow", "2026-11-17"),
        ("on Tuesday", "2026-11-17"),
        ("by Monday", "2026-11-23"),
        ("this Monday", "2026-11-16"),
        ("by the end of the week", "2026-11-20"),
        ("end of next week", "2026-11-27"),
        ("next week", "2026-11-23"),
        ("Friday next week", "2026-11-27"),
        ("before the end of the month", "2026-11-30"),
        ("in two weeks", "2026-11-30"),
        ("by March 3rd", "2027-03-03"),
        ("within the hour", "2026-11-16"),
        ("before the weekend", "2026-11-20"),
        ("in a fortnight", "2026-11-30"),
        ("within ten days", "2026-11-26"),
        ("by the fifteenth", "2026-12-15"),
        ("before Christmas", "2026-12-24"),
        ("the second on January", "2027-01-02"),
        ("once the vendor replies", "once the vendor replies"),
        ("before three", "2026-11-16"),
        ("by 11 am", "2026-11-16"),
        ("straight away", "2026-11-16"),
        ("right after the briefing", "2026-11-16"),
        ("by the end of June", "2027-06-30"),
        ("before ten people", "before ten people"),
        ("by close of business", "2026-11-16"),
        ("by half past four", "2026-11-16"),
        ("in the next couple of days", "2026-11-18"),
        ("by the end of next month", "2026-12-31"),
        ("by the weekend", "2026-11-20"),
        ("by Thursday week", "2026-11-26"),
        ("tomorrow week", "2026-11-24"),
        ("a week today", "2026-11-23"),
        ("a week on Friday", "2026-11-27"),
        ("by end of day Wednesday", "2026-11-18"),
        ("by lunchtime tomorrow", "2026-11-17"),
        ("over the weekend", "2026-11-22"),
        ("by 4 December", "2026-12-04"),
        ("on Friday", "2026-11-20"),
    ],
)
def test_due_phrases_resolve_against_the_meeting_date(phrase: str, iso: str) -> None:
    assert resolve_due(phrase, MONDAY) == iso


def test_standup_yields_every_action_item_and_decision(standup: Meeting) -> None:
    minutes = build_minutes(standup.segments, standup.date, "standup")
    actions = score_actions(minutes.action_items, standup.expected["action_items"], standup.date)
    decisions = score_decisions(minutes.decisions, standup.expected["decisions"])
    assert actions.recall == 1.0, minutes.action_items
    assert decisions.recall == 1.0, minutes.decisions
    assert actions.precision >= 0.8 and decisions.precision >= 0.66
    for item in [*minutes.action_items, *minutes.decisions]:
        seg = standup.segments[item.segment_index]
        assert seg.start - 0.01 <= item.start <= seg.end


def test_standup_minutes_are_complete_and_round_trip(standup: Meeting) -> None:
    minutes = build_minutes(standup.segments, standup.date, "standup")
    assert Minutes.from_dict(minutes.to_dict()) == minutes
    assert len(minutes.sentiment) == len(standup.segments)
    assert all(-1.0 <= s <= 1.0 for s in minutes.sentiment)
    assert minutes.summary and minutes.key_points and minutes.highlights
    topics = " ".join(minutes.topics).lower()
    hits = sum(t.lower() in topics for t in ("offline sync", "API keys", "client demo"))
    assert hits >= 2, minutes.topics
    assert all(h.segment_index >= 0 for h in minutes.highlights)


@pytest.mark.slow
def test_scripted_meetings_precision_and_recall(scripted: list[Meeting]) -> None:
    """Other meeting types, other phrasing, and distractors that must not become items."""
    total_a = total_d = None
    for m in scripted:
        assert m.meeting_type in MEETING_TYPES
        minutes = build_minutes(m.segments, m.date, m.meeting_type)
        a = score_actions(minutes.action_items, m.expected["action_items"], m.date)
        d = score_decisions(minutes.decisions, m.expected["decisions"])
        total_a = a if total_a is None else total_a + a
        total_d = d if total_d is None else total_d + d
    assert total_a is not None and total_d is not None
    # Whisper on CPU is not bit-reproducible here; a misheard modal ("I write" for "I'll
    # write") can cost an item, so the bar leaves room for one or two ASR slips.
    assert total_a.recall >= 0.75 and total_a.precision >= 0.75, total_a
    assert total_d.recall >= 0.75 and total_d.precision >= 0.7, total_d


def test_sentiment_follows_the_words() -> None:
    assert segment_sentiment("Great work everyone, I'm really proud of this team.") > 0.3
    assert segment_sentiment("The tests failed every night and it was frustrating.") < -0.3
    assert segment_sentiment("This is not good.") < 0
    assert segment_sentiment("The meeting is at three.") == 0


def test_cancel_stops_minutes(standup: Meeting) -> None:
    token = CancelToken()
    token.cancel()
    with pytest.raises(Cancelled):
        build_minutes(standup.segments, standup.date, cancel=token)


def test_highlight_clips_are_wav_with_subtitles(standup: Meeting, tmp_path: Path) -> None:
    from meetingapp.engine.audio import load_audio

    audio = load_audio(minutes_data.EVAL / "standup.wav")
    minutes = build_minutes(standup.segments, standup.date, "standup")
    paths = export_clips(audio, minutes.highlights, standup.segments, tmp_path)
    assert len(paths) == len(minutes.highlights) > 0
    clip = load_audio(paths[0])
    h = minutes.highlights[0]
    assert clip.duration == pytest.approx(
        min(audio.duration, h.end + 0.5) - max(0, h.start - 0.5), abs=0.01
    )
    start = int(max(0, h.start - 0.5) * audio.sample_rate)
    assert np.allclose(clip.samples[:1000], audio.samples[start : start + 1000], atol=1e-3)
    srt = paths[0].with_suffix(".srt").read_text()
    assert "-->" in srt and standup.segments[h.segment_index].text.strip() in srt


def test_unknown_meeting_type_is_refused() -> None:
    with pytest.raises(ValueError, match="meeting type"):
        build_minutes([Segment(0, 1, "hi")], MONDAY, "party")


def test_templates_are_copied_once_then_user_edits_win(tmp_path: Path) -> None:
    for kind in MEETING_TYPES:
        t = load_template(kind, tmp_path)
        assert t.path == tmp_path / "templates" / f"{kind}.md"
        assert t.prompt and "{action_items}" in t.body and "<!--" not in t.body
    path = tmp_path / "templates" / "standup.md"
    path.write_text("<!-- prompt: Be brief. -->\n## Todo\n{action_items}\n## Said\n{summary}\n")
    t = load_template("standup", tmp_path)
    assert t.prompt == "Be brief." and t.body.startswith("## Todo")


def test_minutes_render_in_template_order(standup: Meeting, tmp_path: Path) -> None:
    minutes = build_minutes(standup.segments, standup.date, "standup")
    md = render_markdown(minutes, load_template("standup", tmp_path), standup.date)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings[:3] == ["## Summary", "## Action items", "## Decisions"]
    for a in minutes.action_items:
        assert action_sentence(a.owner, a.task, a.due) in md
    assert "{" not in md and standup.date.isoformat() in md


DIALOGUE = [
    ("Ann", "Okay, let's get started."),
    ("Ben", "I'm going to draft the press release by Thursday."),
    ("Ann", "Ben, can you also ping legal about the contract?"),
    ("Ben", "Yes. I'll be in Berlin next week though."),
    ("Cal", "I can't make it on Friday."),
    ("Ann", "We'll see how it goes."),
    ("Cal", "Honestly I think the old logo was better."),
    ("Ann", "Cal will prepare the budget slides for the board in two weeks."),
    ("Cal", "Sure. Let me also check the hotel prices tomorrow morning."),
    ("Ben", "Will the printer be fixed?"),
    ("Ann", "We decided not to renew the office lease."),
    ("Cal", "Let's go with the cheaper vendor."),
    ("Ann", "The launch is postponed to January."),
    ("Ben", "I could help if nobody else can."),
    ("Ann", "I will tell you what, that was a great quarter."),
    ("Cal", "I would love a vacation."),
    ("Ann", "Let's move on to the next item."),
]


def test_rules_on_written_dialogue_keep_commitments_and_drop_distractors() -> None:
    """Phrasings not in the scripted meetings, to guard against rules fitted to them."""
    segs = [
        Segment(4.0 * i, 4.0 * i + 3, text, speaker=who) for i, (who, text) in enumerate(DIALOGUE)
    ]
    minutes = build_minutes(segs, MONDAY, "general")
    got = {(a.owner, a.due, a.segment_index) for a in minutes.action_items}
    assert got == {
        ("Ben", "2026-11-19", 1),
        ("Ben", None, 2),
        ("Cal", "2026-11-30", 7),
        ("Cal", "2026-11-17", 8),
    }
    assert [d.segment_index for d in minutes.decisions] == [10, 11, 12]


def test_empty_meeting_gives_empty_minutes() -> None:
    minutes = build_minutes([], MONDAY)
    assert minutes == Minutes()
    silent = build_minutes([Segment(0, 1, "")], MONDAY)
    assert silent.sentiment == [0.0] and not silent.action_items and silent.mood == "neutral"
