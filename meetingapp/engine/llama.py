"""The one way the app loads a local GGUF language model (minutes and answers).

One loader means one message for a missing file or a missing llama-cpp-python,
and the same threads, GPU offload and seed wherever a model is used.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from meetingapp.engine.cpu import cpu_threads
from meetingapp.errors import ModelNotFoundError


def load_llama(
    path: Path,
    n_ctx: int = 4096,
    n_threads: int | None = None,
    n_gpu_layers: int | None = None,
    seed: int = 0,
) -> Any:
    """A loaded ``llama_cpp.Llama``; every layer on the GPU when llama.cpp was built
    with a GPU back-end and ``n_gpu_layers`` is None."""
    path = Path(path).expanduser()
    if not path.is_file():
        raise ModelNotFoundError(f"{path}: no such language model file (a .gguf)")
    try:
        import llama_cpp
    except ImportError:
        raise ModelNotFoundError(
            f"{path}: cannot load it, llama-cpp-python is not installed"
            " (`pip install llama-cpp-python`)"
        ) from None
    if n_gpu_layers is None:
        n_gpu_layers = -1 if llama_cpp.llama_supports_gpu_offload() else 0
    return llama_cpp.Llama(
        model_path=str(path),
        n_ctx=n_ctx,
        n_threads=n_threads or cpu_threads(),
        n_gpu_layers=n_gpu_layers,
        seed=seed,
        verbose=False,
    )
