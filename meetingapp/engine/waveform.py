"""A small peak envelope of a recording, for drawing its waveform."""

from __future__ import annotations

import numpy as np

from meetingapp.domain.audio import Audio


def peak_envelope(audio: Audio, bins: int = 2000) -> np.ndarray:
    """Max absolute amplitude per bin (float32, 0..1); a few thousand values draw
    a waveform of any length without holding the samples."""
    x = np.abs(audio.samples)
    if len(x) == 0:
        return np.zeros(0, dtype=np.float32)
    bins = min(bins, len(x))
    edges = np.linspace(0, len(x), bins + 1).astype(np.int64)
    peaks = np.maximum.reduceat(x, edges[:-1])
    top = float(peaks.max()) or 1.0
    return (peaks / top).astype(np.float32)
