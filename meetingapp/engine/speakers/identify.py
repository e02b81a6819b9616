"""Match a meeting's anonymous speakers to people the user has named before.

Pure functions over voice vectors: the store keeps the profiles. Scores are
cosine similarities between a meeting speaker's centroid and the mean of a
profile's enrolled vectors. Two thresholds make three decisions: ``assign``
(name it without asking), ``suggest`` (offer the name, let the user confirm)
and ``unknown``. A name is given to at most one speaker per meeting.

Defaults come from benchmarks/diarization.py (results/diarization.txt).
``suggest`` from close-talk LibriSpeech (../shared/eval/enroll, one enrollment
utterance per speaker): the 99th percentile of never-enrolled voices' best
scores, 0.71. ``assign`` must also hold in a room: between the AMI clips'
diarized speakers (far-field meeting centroids) different people scored up to
0.906, and at the old 0.75 19 of 68 such pairs were named automatically; at
0.91 none are. The price is close-talk: enrolled LibriSpeech voices are named
automatically 24% of the time (96% at 0.75) and suggested the rest. Chosen
leave-one-meeting-out, the far-field assign threshold still let 11 of 131
held-out stranger pair-tests through, so it is no guarantee on new rooms. CAM++
vectors (campplus.py) separate far-field people far better (1 of 131 held out;
85% of enrolled voices assigned at their own calibrated 0.72), but the profiles
are d-vectors and file enrollments keep no audio to re-embed them with.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

Decision = Literal["assign", "suggest", "unknown"]


@dataclass(frozen=True)
class Thresholds:
    assign: float = 0.91
    suggest: float = 0.70


@dataclass
class SpeakerMatch:
    speaker: str
    decision: Decision
    name: str | None  # best profile, even for "unknown", so the UI can show it
    score: float


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x) + 1e-12)


def profile_vector(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """One unit vector for a person from all the voice vectors enrolled for them."""
    return _unit(np.mean([_unit(np.asarray(e, dtype=np.float32)) for e in embeddings], axis=0))


def decide(score: float, thresholds: Thresholds) -> Decision:
    if score >= thresholds.assign:
        return "assign"
    if score >= thresholds.suggest:
        return "suggest"
    return "unknown"


def identify_speakers(
    centroids: dict[str, np.ndarray],
    profiles: dict[str, Sequence[np.ndarray]],
    thresholds: Thresholds | None = None,
) -> dict[str, SpeakerMatch]:
    """Decision for every meeting speaker against every known profile."""
    th = thresholds or Thresholds()
    speakers = list(centroids)
    names = [n for n, embs in profiles.items() if len(embs)]
    if not names:
        return {s: SpeakerMatch(s, "unknown", None, 0.0) for s in speakers}
    p = np.stack([profile_vector(profiles[n]) for n in names])
    c = np.stack([_unit(np.asarray(centroids[s], dtype=np.float32)) for s in speakers])
    scores = c @ p.T
    rows, cols = linear_sum_assignment(-scores)
    paired = dict(zip(rows.tolist(), cols.tolist(), strict=True))
    out: dict[str, SpeakerMatch] = {}
    for i, s in enumerate(speakers):
        j = paired.get(i)
        if j is None:  # more speakers than profiles: this one lost its best name
            best = int(np.argmax(scores[i]))
            out[s] = SpeakerMatch(s, "unknown", names[best], float(scores[i, best]))
        else:
            score = float(scores[i, j])
            out[s] = SpeakerMatch(s, decide(score, th), names[j], score)
    return out


def calibrate_thresholds(
    impostor: Sequence[float],
    *,
    max_false_suggest: float = 0.01,
    max_false_assign: float = 0.0,
) -> Thresholds:
    """Thresholds from the best scores that never-enrolled voices got (impostor scores).

    ``suggest`` lets at most ``max_false_suggest`` of them past, ``assign`` at
    most ``max_false_assign`` (0: just above the highest), so strangers stay
    unknown; how many enrolled voices clear them is for the caller to check.
    """
    imp = np.asarray(impostor, dtype=float)
    if not len(imp):
        raise ValueError("calibration needs impostor scores")
    suggest = float(np.quantile(imp, 1.0 - max_false_suggest))
    assign = max(suggest, float(np.nextafter(np.quantile(imp, 1.0 - max_false_assign), np.inf)))
    return Thresholds(assign=assign, suggest=suggest)
