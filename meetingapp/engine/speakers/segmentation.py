"""Local speaker segmentation: who is active in each 10 s window, overlap included.

pyannote's segmentation-3.0 model looks at 10 s of audio and says, every 17 ms,
which of up to three local speakers talk (two at once at most). Windows slide
by ``step_s`` so every moment is seen several times; the windows' local
speakers are tied together later by the frames they share (see refine.py).
Unlike a VAD it hears quiet far-field talkers and overlapping speech, which
were most of the AMI diarization error with Silero regions alone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE, Audio
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.speakers.segmentation_onnx import (
    FRAME_DURATION,
    FRAME_STEP,
    INPUT_NAME,
    POWERSET,
    WINDOW_S,
    load_segmentation_session,
)
from meetingapp.errors import ModelNotFoundError

#: Which local speakers each powerset class makes active.
_ACTIVE = POWERSET.astype(bool)
LOCAL_SPEAKERS = _ACTIVE.shape[1]
log = logging.getLogger(__name__)


class SegmentationModel:
    """An onnxruntime session of the model: ``(batch, samples)`` -> powerset log-probs.

    Four windows per run: as fast as 16 on 2 cores, and peak memory 222 MB instead
    of 497 MB on a 5-minute file (the first convolution's buffers grow with the batch).
    """

    def __init__(self, session: Any, batch: int = 4) -> None:
        self._session = session
        self.batch = batch

    def log_probs(self, chunks: np.ndarray) -> np.ndarray:
        """``(n, samples)`` float32 -> ``(n, frames, 7)``."""
        return self._session.run(None, {INPUT_NAME: chunks[:, None, :].astype(np.float32)})[0]


def default_segmentation(explicit: Path | None = None) -> SegmentationModel:
    """The model at ``explicit``, else the installed one (ModelNotFoundError says how)."""
    return SegmentationModel(load_segmentation_session(explicit))


def installed_segmentation(explicit: Path | None = None) -> SegmentationModel | None:
    """The model the user chose (it must load), else the installed one, else None.

    Without a model diarization still runs on VAD speech alone, so a missing pack is a
    warning; a path the user set that does not load is an error naming the file.
    """
    if explicit is not None:
        return default_segmentation(explicit)
    try:
        return default_segmentation()
    except ModelNotFoundError as e:
        log.warning("overlapping speech will not be separated: %s", e)
        return None


@dataclass
class LocalSegmentation:
    """Per-window activity of the local speakers on one shared frame grid.

    ``activity[c, f, k]``: local speaker ``k`` of window ``c`` talks in that window's
    frame ``f``, which is global frame ``offset[c] + f``. ``count[g]`` is how many
    people talk in global frame ``g`` (windows' votes averaged, rounded).
    """

    offset: np.ndarray
    activity: np.ndarray
    count: np.ndarray

    @property
    def frame_s(self) -> float:
        return FRAME_STEP / SAMPLE_RATE

    def frame_time(self, g: np.ndarray | int) -> np.ndarray:
        """Centre of global frame(s) ``g`` in seconds."""
        return (np.asarray(g) * FRAME_STEP + FRAME_DURATION / 2) / SAMPLE_RATE

    def coverage(self) -> np.ndarray:
        """How many windows see each global frame."""
        n = self.activity.shape[1]
        seen = np.zeros(len(self.count))
        for o in self.offset:
            seen[o : o + n] += 1
        return seen


def _window_starts(n_samples: int, window: int, step: int) -> list[int]:
    starts = list(range(0, max(1, n_samples - window + 1), step))
    if starts[-1] + window < n_samples:
        starts.append(n_samples - window)
    return starts


def segment(
    audio: Audio,
    model: SegmentationModel,
    *,
    step_s: float = 1.0,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> LocalSegmentation:
    """Run the model on sliding windows over ``audio`` (short audio is zero-padded)."""
    window = int(WINDOW_S * SAMPLE_RATE)
    # Window starts on the frame grid, so every window's frames line up with the others'.
    step = max(1, round(step_s * SAMPLE_RATE / FRAME_STEP)) * FRAME_STEP
    x = audio.samples
    starts = _window_starts(len(x), window, step)
    starts = [s - s % FRAME_STEP for s in starts]
    acts: list[np.ndarray] = []
    for i in range(0, len(starts), model.batch):
        if cancel is not None:
            cancel.check()
        batch = starts[i : i + model.batch]
        chunks = np.zeros((len(batch), window), dtype=np.float32)
        for j, s in enumerate(batch):
            piece = x[s : s + window]
            chunks[j, : len(piece)] = piece
        acts.append(_ACTIVE[model.log_probs(chunks).argmax(axis=-1)])
        if progress is not None:
            progress(min(1.0, (i + len(batch)) / len(starts)))
    activity = np.concatenate(acts)
    offset = np.array(starts) // FRAME_STEP
    n_frames = activity.shape[1]
    votes = np.zeros(max(int(offset[-1]) + n_frames, 1))
    for c, o in enumerate(offset):
        votes[o : o + n_frames] += activity[c].sum(axis=1)
    seg = LocalSegmentation(offset=offset, activity=activity, count=np.zeros(len(votes), int))
    seg.count = np.rint(votes / np.maximum(seg.coverage(), 1)).astype(int)
    # Frames past the end of the audio (padding) count no one.
    last = int(np.ceil((len(x) - FRAME_DURATION / 2) / FRAME_STEP)) + 1
    seg.count[max(0, last) :] = 0
    return seg
