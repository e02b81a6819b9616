"""Match a meeting's anonymous speakers to people the user has named before.

Pure functions over voice vectors: the store keeps the profiles. Scores are
cosine similarities between a meeting speaker's vector and the mean of a
profile's enrolled vectors, in two spaces: the d-vectors every profile has, and
CAM++ (campplus.py) for profiles that keep voice samples to embed. Two
thresholds make three decisions: ``assign`` (name it without asking),
``suggest`` (offer the name, let the user confirm) and ``unknown``. A name is
given to at most one speaker per meeting.

Numbers from benchmarks/identification.py (results/diarization.txt), held out
by AMI meeting and LibriSpeech speaker. The d-vector alone cannot be trusted in
a room: thresholds calibrated on other meetings still named 11 of 131 far-field
stranger pair-tests. So a name is given unasked only when CAM++ scores the pair
above every stranger seen (0.721: the closest AMI stranger pair was 0.720) and
the d-vector agrees at least as far as a suggestion (0.70): held out, no AMI or
LibriSpeech stranger was named, and 85% of enrolled close-talk voices were (the
rest suggested). Without the d-vector's agreement 1 of 68 AMI stranger pairs
passed. ``suggest`` stays the d-vector's close-talk 99th percentile of
strangers (0.70). Profiles enrolled before samples were kept have no CAM++
vector: they are only ever suggested until enrolled again.
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
    """``assign`` and ``suggest`` are d-vector scores. With ``campplus`` set, assigning
    also needs the CAM++ score of the same pair at least that high (no CAM++ vector: a
    suggestion at most); ``None`` is the d-vector alone (the benchmark's older rows)."""

    assign: float = 0.70
    suggest: float = 0.70
    campplus: float | None = 0.721


@dataclass
class SpeakerMatch:
    speaker: str
    decision: Decision
    name: str | None  # best profile, even for "unknown", so the UI can show it
    score: float  # d-vector
    campplus: float | None = None  # the same pair's CAM++ score, where both sides had one


def _unit(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x) + 1e-12)


def profile_vector(embeddings: Sequence[np.ndarray]) -> np.ndarray:
    """One unit vector for a person from all the voice vectors enrolled for them."""
    return _unit(np.mean([_unit(np.asarray(e, dtype=np.float32)) for e in embeddings], axis=0))


def decide(score: float, thresholds: Thresholds, campplus: float | None = None) -> Decision:
    """``score`` is the d-vector's, ``campplus`` the same pair's CAM++ score if known.

    Strong CAM++ evidence that the d-vector does not back is still worth a question."""
    th = thresholds
    cam_ok = th.campplus is None or (campplus is not None and campplus >= th.campplus)
    if score >= th.assign and cam_ok:
        return "assign"
    if score >= th.suggest or (th.campplus is not None and cam_ok):
        return "suggest"
    return "unknown"


def identify_speakers(
    centroids: dict[str, np.ndarray],
    profiles: dict[str, Sequence[np.ndarray]],
    thresholds: Thresholds | None = None,
    voices_campplus: dict[str, np.ndarray] | None = None,
    profiles_campplus: dict[str, np.ndarray] | None = None,
) -> dict[str, SpeakerMatch]:
    """Decision for every meeting speaker against every known profile.

    Pairs are chosen on the d-vectors (every profile has them); the pair's CAM++ score,
    where both sides have a CAM++ vector, decides whether the name is given unasked.
    """
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
            cam = _pair_score(s, names[j], voices_campplus, profiles_campplus)
            out[s] = SpeakerMatch(s, decide(score, th, cam), names[j], score, cam)
    return out


def _pair_score(
    speaker: str,
    name: str,
    voices: dict[str, np.ndarray] | None,
    profiles: dict[str, np.ndarray] | None,
) -> float | None:
    """The CAM++ cosine of a speaker and a profile; None when either has no CAM++ vector."""
    v = (voices or {}).get(speaker)
    q = (profiles or {}).get(name)
    if v is None or q is None:
        return None
    return float(_unit(np.asarray(v, dtype=np.float32)) @ _unit(np.asarray(q, dtype=np.float32)))


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
    return Thresholds(assign=assign, suggest=suggest, campplus=None)
