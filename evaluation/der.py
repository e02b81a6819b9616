"""Diarization error rate, scored the way NIST md-eval does it.

DER = (missed speech + false alarm + speaker confusion) / reference speech,
over the scored region (UEM) less a ``collar`` of seconds either side of
every reference boundary. Overlapping speech counts (each speaker of an
overlap is one unit of reference), and hypothesis labels are mapped to
reference labels one-to-one by the Hungarian algorithm on co-occurrence time.

The collar is md-eval's: 0.25 here equals pyannote.metrics' ``collar=0.5``.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

#: (start, end, speaker) in seconds.
Turn = tuple[float, float, str]


@dataclass
class DerResult:
    missed: float
    false_alarm: float
    confusion: float
    total: float  # seconds of reference speech scored (overlap counted per speaker)

    @property
    def der(self) -> float:
        errors = self.missed + self.false_alarm + self.confusion
        if self.total == 0:
            return 0.0 if errors == 0 else 1.0
        return errors / self.total


def read_rttm(path: Path) -> dict[str, list[Turn]]:
    """File id -> turns, from the SPEAKER lines of an RTTM file."""
    out: dict[str, list[Turn]] = defaultdict(list)
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if len(f) >= 8 and f[0] == "SPEAKER":
            start, dur = float(f[3]), float(f[4])
            out[f[1]].append((start, start + dur, f[7]))
    return dict(out)


def read_uem(path: Path) -> dict[str, list[tuple[float, float]]]:
    """File id -> scored (start, end) regions."""
    out: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for line in Path(path).read_text().splitlines():
        f = line.split()
        if len(f) >= 4:
            out[f[0]].append((float(f[2]), float(f[3])))
    return dict(out)


def write_rttm(file_id: str, turns: list[Turn]) -> str:
    """RTTM text for ``turns`` (for writing files next to references)."""
    return "".join(
        f"SPEAKER {file_id} 1 {s:.3f} {e - s:.3f} <NA> <NA> {spk} <NA> <NA>\n"
        for s, e, spk in turns
    )


def _scored_regions(
    reference: list[Turn], uem: list[tuple[float, float]], collar: float
) -> list[tuple[float, float]]:
    """UEM minus ``collar`` seconds around every reference boundary."""
    cuts = (
        sorted((t - collar, t + collar) for s, e, _ in reference for t in (s, e))
        if collar > 0
        else []
    )
    regions: list[tuple[float, float]] = []
    for u0, u1 in sorted(uem):
        pos = u0
        for c0, c1 in cuts:
            if c1 <= pos or c0 >= u1:
                continue
            if c0 > pos:
                regions.append((pos, c0))
            pos = max(pos, c1)
        if pos < u1:
            regions.append((pos, u1))
    return regions


def _active(turns: list[Turn], t0: float, t1: float) -> set[str]:
    return {spk for s, e, spk in turns if s < t1 and e > t0}


def diarization_error(
    reference: list[Turn],
    hypothesis: list[Turn],
    uem: list[tuple[float, float]] | None = None,
    collar: float = 0.25,
) -> DerResult:
    """Score ``hypothesis`` against ``reference``; no UEM means their joint extent."""
    if uem is None:
        ends = [e for _, e, _ in reference + hypothesis]
        starts = [s for s, _, _ in reference + hypothesis]
        uem = [(min(starts), max(ends))] if ends else []
    regions = _scored_regions(reference, uem, collar)
    bounds = sorted(
        {t for r in regions for t in r} | {t for s, e, _ in reference + hypothesis for t in (s, e)}
    )
    pieces: list[tuple[float, set[str], set[str]]] = []
    for r0, r1 in regions:
        cuts = [r0] + [t for t in bounds if r0 < t < r1] + [r1]
        for a, b in pairwise(cuts):
            pieces.append((b - a, _active(reference, a, b), _active(hypothesis, a, b)))

    refs = sorted({s for _, r, _ in pieces for s in r})
    hyps = sorted({s for _, _, h in pieces for s in h})
    overlap = np.zeros((len(refs), len(hyps)))
    for dur, r, h in pieces:
        for rs in r:
            for hs in h:
                overlap[refs.index(rs), hyps.index(hs)] += dur
    rows, cols = linear_sum_assignment(-overlap) if overlap.size else ([], [])
    mapping = {hyps[c]: refs[r] for r, c in zip(rows, cols, strict=True)}

    missed = false_alarm = confusion = total = 0.0
    for dur, r, h in pieces:
        n_ref, n_hyp = len(r), len(h)
        correct = len(r & {mapping[s] for s in h if s in mapping})
        total += dur * n_ref
        missed += dur * max(0, n_ref - n_hyp)
        false_alarm += dur * max(0, n_hyp - n_ref)
        confusion += dur * (min(n_ref, n_hyp) - correct)
    return DerResult(missed, false_alarm, confusion, total)
