"""Live transcript: grows while audio arrives and ends close to an offline transcript."""

from __future__ import annotations

import time

import pytest
from recording_helpers import words

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.recording.live import LiveSettings, LiveText, LiveTranscriber
from meetingapp.engine.recording.source import ArraySource
from tests.wer import word_error_rate


@pytest.mark.slow
def test_live_transcript_grows_and_matches_the_meeting(whisper, standup, standup_turns):
    texts: list[LiveText] = []
    live = LiveTranscriber(whisper, texts.append, LiveSettings(language="en"))
    # The first four turns; paced as a device would be if transcription keeps up.
    for block in ArraySource(standup[: int(23.5 * SAMPLE_RATE)], block_s=0.5).blocks():
        live.feed(block)
        while live.backlog_s >= live.settings.step_s:
            time.sleep(0.01)
    final = live.close()
    ref = words(" ".join(text for *_, text in standup_turns[:4]))
    hyp = words(final.text)
    assert final.tentative == "" and final.committed
    committed = [t.committed for t in texts]
    assert all(b.startswith(a) for a, b in zip(committed, committed[1:], strict=False))
    assert len(set(committed)) >= 3, "committed text should grow in several steps"
    assert word_error_rate(ref, hyp) < 0.35, (word_error_rate(ref, hyp), final.text)
