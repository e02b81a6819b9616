"""Speech regions packed into the 30 s windows Whisper decodes.

Whisper always reads 30 s of audio. Joining the speech regions of a window
end to end (silence cut out, as faster-whisper's own batched pipeline does)
gives each window more speech, so a recording needs fewer windows; the
window remembers where each piece came from, so times map back exactly.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from meetingapp.domain.audio import Audio, SpeechRegion

WINDOW_S = 30.0
#: Shorter stretches carry no word and upset Whisper's alignment.
MIN_REGION_S = 0.1


@dataclass
class SpeechWindow:
    """Up to 30 s of speech: ``pieces`` of the recording, joined in order."""

    pieces: list[SpeechRegion]

    @property
    def length(self) -> float:
        return sum(p.end - p.start for p in self.pieces)

    @property
    def end(self) -> float:
        return self.pieces[-1].end

    def samples(self, audio: Audio) -> np.ndarray:
        return audio.speech(self.pieces)

    def to_recording(self, t: float) -> float:
        """A time inside the joined window → the same moment in the recording."""
        for p in self.pieces:
            span = p.end - p.start
            if t <= span:
                return p.start + max(t, 0.0)
            t -= span
        return self.end


def clip_regions(regions: list[SpeechRegion], duration: float) -> list[SpeechRegion]:
    """Regions inside the recording, without slivers (VAD padding can overrun the end)."""
    out = []
    for r in regions:
        start, end = max(r.start, 0.0), min(r.end, duration)
        if end - start >= MIN_REGION_S:
            out.append(SpeechRegion(start, end))
    return out


def pack_windows(regions: list[SpeechRegion], window: float = WINDOW_S) -> list[SpeechWindow]:
    """Consecutive regions joined into windows of at most ``window`` seconds of speech."""
    windows: list[SpeechWindow] = []
    for r in regions:
        start = r.start
        while r.end - start > window:  # VAD caps regions, but be safe
            windows.append(SpeechWindow([SpeechRegion(start, start + window)]))
            start += window
        piece = SpeechRegion(start, r.end)
        if windows and windows[-1].length + (piece.end - piece.start) <= window:
            windows[-1].pieces.append(piece)
        else:
            windows.append(SpeechWindow([piece]))
    return windows
