"""Lines cut from a window's words, windows packed from speech, and the loop guard."""

from __future__ import annotations

import numpy as np

from meetingapp.domain.audio import SpeechRegion
from meetingapp.domain.transcript import Segment, Word
from meetingapp.engine.asr import WindowText, skipped_spans
from meetingapp.engine.speech_windows import SpeechWindow, clip_regions, pack_windows
from meetingapp.engine.transcript_lines import drop_loops, longest_repeat, split_sentences


def words(*spec: tuple[float, str]) -> list[Word]:
    return [Word(t, t + 0.3, text, 0.9) for t, text in spec]


def test_lines_end_at_sentence_ends_and_pauses() -> None:
    ws = words((0.0, " Hello."), (0.4, " How"), (0.8, " are"), (1.2, " you?"), (2.0, " Fine"),
               (4.0, " thanks."), (4.4, " It"), (14.5, " went."), (14.9, " Good."))  # fmt: skip
    lines = split_sentences(ws, 0.8)
    texts = [s.text for s in lines]
    assert texts == ["Hello.", "How are you?", "Fine", "thanks.", "It", "went.", "Good."]
    assert lines[1].start == 0.4 and lines[1].end == 1.5
    assert [w.word for s in lines for w in s.words] == [w.word for w in ws]


def seg(text: str) -> Segment:
    return Segment(0.0, 1.0, text)


def test_three_identical_sentences_in_a_row_keep_only_the_first() -> None:
    lines = [seg("It opens a menu.")] * 5 + [seg("Right.")] * 3 + [seg("Good, so.")] * 2
    kept = [s.text for s in drop_loops(lines)]
    assert kept == ["It opens a menu.", "Right.", "Right.", "Right.", "Good, so.", "Good, so."]
    assert longest_repeat("It opens a menu. It opens a menu! it opens a menu. Yes.") == (
        3,
        "it opens a menu",
    )
    assert longest_repeat("No. No. No. Fine, go on.")[0] == 1


def test_windows_join_speech_up_to_thirty_seconds_and_map_times_back() -> None:
    regions = [SpeechRegion(1.0, 11.0), SpeechRegion(20.0, 35.0), SpeechRegion(40.0, 50.0)]
    windows = pack_windows(regions)
    assert [[(p.start, p.end) for p in w.pieces] for w in windows] == [
        [(1.0, 11.0), (20.0, 35.0)],
        [(40.0, 50.0)],
    ]
    w = windows[0]
    assert w.length == 25.0
    assert w.to_recording(0.0) == 1.0 and w.to_recording(12.0) == 22.0
    assert w.to_recording(99.0) == 35.0
    long = pack_windows([SpeechRegion(0.0, 70.0)])
    assert [w.length for w in long] == [30.0, 30.0, 10.0]
    assert isinstance(long[0], SpeechWindow)


def test_regions_are_clipped_to_the_recording() -> None:
    clipped = clip_regions(
        [SpeechRegion(-0.2, 1.0), SpeechRegion(1.5, 2.7), SpeechRegion(2.55, 3)], 2.6
    )
    assert [(r.start, r.end) for r in clipped] == [(0.0, 1.0), (1.5, 2.6)]


def test_the_speech_a_window_decode_skipped_is_found() -> None:
    # 10 s of speech, 4 s more in two pieces, then a last 6 s
    pieces = [(0.0, 10.0), (14.0, 16.0), (26.0, 28.0), (40.0, 46.0)]
    window = SpeechWindow([SpeechRegion(a, b) for a, b in pieces])

    def heard(*spans: tuple[float, float]) -> WindowText:
        times = [t for a, b in spans for t in np.arange(a, b, 0.5)]
        return WindowText(words(*((float(t), " word") for t in times)), -0.2, 1.5, 0.1)

    def skipped(text: WindowText) -> list[tuple[float, float]]:
        return [(r.start, r.end) for r in skipped_spans(window, text.words)]

    assert skipped(heard(*pieces)) == []
    # the words end with the speech, but the 4 s in the middle have none
    assert skipped(heard(pieces[0], pieces[3])) == [(9.8, 10.0), (14.0, 16.0), (26.0, 28.0)]
    # none in the first 10 s
    assert skipped(heard(*pieces[1:])) == [(0.0, 10.0)]
    # the words stop 6 s before the speech does
    assert skipped(heard(*pieces[:3]))[-1][1] == 46.0
