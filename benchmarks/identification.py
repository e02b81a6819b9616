"""Identification with both voice vectors: when may a name be given without asking?

Run from the repository root: ``PYTHONPATH=. python benchmarks/identification.py``.
Profiles keep their voice samples, so each has a d-vector and a CAM++ vector; a
meeting's voice has its d-vector centroid and a CAM++ vector of its own speech
(:func:`meetingapp.engine.speakers.diarize.speaker_voices`). The rule family is
"assign when CAM++ >= c and d-vector >= d" (the pair is the d-vector's best
match); everything else is a suggestion or unknown as before.

Everything is held out. Far field: AMI clips that share people form one fold
(``FOLDS`` of benchmarks/diarization.py); a clip's diarized voices against the
voices of clips in other folds are impostor pairs, against clips of their own fold
genuine ones. Close talk: each LibriSpeech speaker is a fold; one utterance enrolls
a profile, another is the probe, top-1 among the five profiles (closed set) or
among the other four (the speaker never enrolled, open set). For each fold the
thresholds are chosen on everything that does not involve it: ``c`` just above
every training impostor that passes ``d``, and the ``d`` that names the most
training genuine voices. Diarization and vectors are cached under ``--cache``.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from benchmarks.diarization import EVAL, FOLDS, _cached, file_work
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.campplus import default_campplus
from meetingapp.engine.speakers.diarize import DiarizationSettings, diarize, speaker_voices
from meetingapp.engine.speakers.embedding import default_embedder
from meetingapp.engine.speakers.identify import Thresholds, decide

#: The d-vector floor for assigning: the suggest threshold (both spaces agree).
SUGGEST = Thresholds().suggest
#: Other floors, reported to show how much the d-vector's agreement matters.
D_FLOORS = (0.0, 0.6, 0.75, 0.8)


@dataclass(frozen=True)
class Trial:
    """One comparison of a voice with the profile it matched best by d-vector."""

    folds: frozenset[str]  # the folds it involves (training for a fold excludes them)
    same: bool  # same person?
    dvec: float
    cam: float
    kind: str  # "ami", "libri-enrolled" or "libri-stranger"


def ami_voices(cache: Path) -> list[tuple[str, str, str, np.ndarray, np.ndarray]]:
    """(fold, clip, person, d-vector centroid, CAM++ vector) per diarized AMI voice that is
    mostly one reference person (over 2 s of their talk), with the shipped settings."""
    cam = default_campplus()
    out = []
    for fold, paths in FOLDS.items():
        for p in (p for p in paths if p.parent.name == "ami"):
            w = file_work(p, cache)
            d = diarize(
                w.audio,
                [],
                settings=DiarizationSettings(),
                vectors=w.vectors["dvector"],
                local=w.local,
            )
            cams = speaker_voices(w.audio, d.turns, cam) if d.turns else {}
            for spk, centroid in d.centroids.items():
                talk: dict[str, float] = {}
                for t in (t for t in d.turns if t.speaker == spk):
                    for a, b, who in w.ref:
                        talk[who] = talk.get(who, 0.0) + max(0.0, min(b, t.end) - max(a, t.start))
                if talk and max(talk.values()) > 2.0 and spk in cams:
                    who = max(talk, key=talk.__getitem__)
                    out.append((fold, p.stem, who, centroid, cams[spk]))
    return out


def ami_trials(voices: list[tuple[str, str, str, np.ndarray, np.ndarray]]) -> list[Trial]:
    """Every pair of voices from different clips: one is the profile, one the meeting's."""
    return [
        Trial(frozenset({fa, fb}), wa == wb, float(da @ db), float(ca @ cb), "ami")
        for i, (fa, xa, wa, da, ca) in enumerate(voices)
        for fb, xb, wb, db, cb in voices[i + 1 :]
        if xa != xb
    ]


def libri_vectors() -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """speaker -> (d-vectors, CAM++ vectors) of its ten utterances."""
    dv, cam = default_embedder(), default_campplus()
    out = {}
    for d in sorted((EVAL / "enroll/librispeech").iterdir()):
        if d.is_dir():
            clips = [load_audio(f).samples for f in sorted(d.glob("*.flac"))]
            out[d.name] = (dv.embed_many(clips), cam.embed_many(clips))
    return out


def libri_trials(vecs: dict[str, tuple[np.ndarray, np.ndarray]]) -> tuple[list[Trial], float]:
    """Enrolled and never-enrolled trials (every utterance takes a turn enrolling), and the
    closed-set top-1 accuracy by d-vector."""
    names = list(vecs)
    trials: list[Trial] = []
    right = total = 0
    for enroll in range(10):
        for s in names:
            for i in (i for i in range(10) if i != enroll):
                dv = {p: float(vecs[s][0][i] @ vecs[p][0][enroll]) for p in names}
                cm = {p: float(vecs[s][1][i] @ vecs[p][1][enroll]) for p in names}
                total += 1
                best = max(dv, key=dv.__getitem__)
                right += best == s
                trials.append(
                    Trial(frozenset({s}), best == s, dv[best], cm[best], "libri-enrolled")
                )
                # s never enrolled: the best of the others; a stranger's folds include the
                # profile it matched, whose genuine trials would otherwise train on it
                other = max((p for p in names if p != s), key=dv.__getitem__)
                trials.append(
                    Trial(frozenset({s, other}), False, dv[other], cm[other], "libri-stranger")
                )
    return trials, right / total


def choose(train: list[Trial], floor: float = SUGGEST) -> Thresholds:
    """CAM++ just above every training impostor, whatever its d-vector score, and the
    d-vector at least ``floor``: by default the suggest threshold, so both spaces must
    point at the person. Letting the training data lower the CAM++ threshold where the
    d-vector is high (tried first) named 8 of 68 held-out AMI strangers: far-field pairs
    are too few to learn that corner from."""
    cam = max(t.cam for t in train if not t.same)
    return Thresholds(assign=floor, campplus=float(np.nextafter(cam, np.inf)))


def held_out(trials: list[Trial], floor: float = SUGGEST) -> dict[str, dict[str, int]]:
    """Each trial decided with thresholds chosen on the trials sharing no fold with it."""
    tally: dict[str, dict[str, int]] = {}
    chosen: dict[frozenset[str], Thresholds] = {}
    for t in trials:
        if t.folds not in chosen:
            chosen[t.folds] = choose([u for u in trials if not u.folds & t.folds], floor)
        key = f"{t.kind} {'same' if t.same else 'different'}"
        row = tally.setdefault(key, {"assign": 0, "suggest": 0, "unknown": 0})
        row[decide(t.dvec, chosen[t.folds], t.cam)] += 1
    if floor == SUGGEST:
        cams = sorted({round(th.campplus or 0.0, 3) for th in chosen.values()})
        print(f"CAM++ thresholds chosen for the {len(chosen)} held-out sets: {cams}")
    return tally


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cache", type=Path, default=Path("/tmp/meetingapp-identification"))
    parser.add_argument(
        "--diarization-cache",
        type=Path,
        default=Path("/tmp/meetingapp-diarization-cache"),
        help="benchmarks/diarization.py --lomo's per-file work (reused, else computed)",
    )
    args = parser.parse_args()
    args.cache.mkdir(parents=True, exist_ok=True)
    args.diarization_cache.mkdir(parents=True, exist_ok=True)
    voices = _cached(args.cache, "ami-voices", lambda: ami_voices(args.diarization_cache))
    vecs = _cached(args.cache, "libri-vectors", libri_vectors)
    ami = ami_trials(voices)  # type: ignore[arg-type]
    libri, top1 = libri_trials(vecs)  # type: ignore[arg-type]
    print("\n== Identification with d-vector and CAM++ (held out: AMI meetings, LibriSpeech")
    print("   speakers; assign = CAM++ above every training stranger and d-vector >= suggest)")
    print(f"closed-set top-1 (LibriSpeech, d-vector pairing): {top1:.1%} of {len(libri) // 2}")
    print(f"AMI voices {len(voices)}, pairs {len(ami)} ({sum(t.same for t in ami)} same person)")
    tally = held_out(ami + libri)
    for key, row in sorted(tally.items()):
        n = sum(row.values())
        print(
            f"held out, {key}: {n} trials: assigned {row['assign']} ({row['assign'] / n:.1%}),"
            f" suggested {row['suggest']}, unknown {row['unknown']}"
        )
    for floor in D_FLOORS:
        t = held_out(ami + libri, floor)
        wrong = {k: v["assign"] for k, v in t.items() if "different" in k}
        named = t["libri-enrolled same"]["assign"] / sum(t["libri-enrolled same"].values())
        print(f"  d-vector floor {floor}: held-out strangers named {wrong}, enrolled {named:.1%}")
    final = choose(ami + libri)
    print(
        f"chosen on all (what ships): campplus >= {final.campplus:.4f}, dvector >= {final.assign}"
    )
    for kind in ("ami", "libri-enrolled", "libri-stranger"):
        for same in (True, False):
            group = [t for t in ami + libri if t.kind == kind and t.same == same]
            if group:
                d = [decide(t.dvec, final, t.cam) for t in group]
                print(
                    f"  in sample, {kind} {'same' if same else 'different'}: assigned "
                    f"{d.count('assign')} of {len(d)}, suggested {d.count('suggest')}"
                )


if __name__ == "__main__":
    main()
