"""Whether CTranslate2 can really compute on a CUDA GPU here, and why not.

A driver that reports a GPU is not enough: CTranslate2 opens cuBLAS for CUDA 12
only when it first computes, so on a machine with a GPU but without
those libraries every job failed half-way ("Library libcublas.so.12 is not found
or cannot be loaded"). They are looked for up front: where the system keeps them,
or in NVIDIA's pip wheel (``nvidia-cublas-cu12``) beside the app, loaded here so
that CTranslate2 finds them. Without them the app runs on the CPU and says what
to install.
"""

from __future__ import annotations

import ctypes
import functools
import importlib.util
import sys
from dataclasses import dataclass
from pathlib import Path

import ctranslate2

#: What CTranslate2 4.8's wheel opens for CUDA 12 (its library names no other CUDA
#: library; cuBLAS needs cuBLASLt, which is loaded first so either place serves).
LIBRARIES: tuple[str, ...] = ("libcublasLt.so.12", "libcublas.so.12")
#: NVIDIA's wheels put each library in ``nvidia/<part>/lib``.
WHEEL_PARTS: tuple[str, ...] = ("cublas",)
INSTALL_HINT = "install CUDA 12's cuBLAS (e.g. pip install nvidia-cublas-cu12)"


@dataclass(frozen=True)
class CudaProbe:
    """What the probe found: GPUs the driver reports, and libraries that did not load."""

    gpus: int
    missing: tuple[str, ...] = ()

    @property
    def usable(self) -> bool:
        return self.gpus > 0 and not self.missing

    @property
    def reason(self) -> str:
        """Why the GPU is not used, in words a user can act on ("" when it is)."""
        if self.gpus == 0:
            return "no CUDA GPU was found"
        if self.missing:
            return f"the CUDA libraries {', '.join(self.missing)} are missing: {INSTALL_HINT}"
        return ""


def _driver_gpus() -> int:
    try:
        return ctranslate2.get_cuda_device_count()
    except Exception:  # a broken driver install raises instead of answering 0
        return 0


def _wheel_dirs() -> list[Path]:
    """``nvidia/<part>/lib`` folders of NVIDIA's pip wheels, when installed."""
    spec = importlib.util.find_spec("nvidia")
    roots = [Path(p) for p in (spec.submodule_search_locations or [])] if spec else []
    return [root / part / "lib" for root in roots for part in WHEEL_PARTS]


def _load(name: str, folders: list[Path]) -> bool:
    """Open a library by name, from the wheels' folders first; kept open (global
    symbols) so that CTranslate2's own later open finds it already loaded."""
    for candidate in [*(str(f / name) for f in folders if (f / name).exists()), name]:
        try:
            ctypes.CDLL(candidate, mode=ctypes.RTLD_GLOBAL)
            return True
        except OSError:
            continue
    return False


def probe(libraries: tuple[str, ...] = LIBRARIES) -> CudaProbe:
    """Look for a GPU, then for the libraries it needs (only on Linux, where their
    names are known; elsewhere CTranslate2's own error still names what is missing)."""
    gpus = _driver_gpus()
    if gpus == 0 or not sys.platform.startswith("linux"):
        return CudaProbe(gpus)
    folders = _wheel_dirs()
    return CudaProbe(gpus, tuple(lib for lib in libraries if not _load(lib, folders)))


@functools.cache
def cuda() -> CudaProbe:
    """The probe, once per process (loading libraries is not undone)."""
    return probe()
