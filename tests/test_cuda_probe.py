"""The GPU probe: a GPU is used only when the libraries CTranslate2 opens for it load.

This machine has no GPU, so the driver's answer is replaced; the library loading
is real (ctypes on this machine's own libraries, and on names that do not exist).
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from meetingapp.engine import asr, cuda
from meetingapp.engine.whisper_models import resolve_whisper


def test_no_gpu_is_not_usable() -> None:
    found = cuda.probe()
    if found.gpus == 0:
        assert not found.usable
        assert found.reason == "no CUDA GPU was found"


def test_a_gpu_without_its_libraries_is_not_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cuda, "_driver_gpus", lambda: 1)
    found = cuda.probe(("libcublas-does-not-exist.so.12", "libm.so.6"))
    assert found.gpus == 1
    assert found.missing == ("libcublas-does-not-exist.so.12",)
    assert not found.usable
    assert "libcublas-does-not-exist.so.12" in found.reason
    assert "nvidia-cublas-cu12" in found.reason  # says what to install


def test_a_gpu_with_its_libraries_is_used(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cuda, "_driver_gpus", lambda: 1)
    found = cuda.probe(("libm.so.6", "libz.so.1"))
    assert found.usable
    assert found.reason == ""


def test_libraries_are_found_in_nvidia_wheels(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A library that is only in a wheel's folder (not on the loader's path) loads."""
    folder = tmp_path / "nvidia" / "cublas" / "lib"
    folder.mkdir(parents=True)
    libz = next(Path(p) for p in ("/lib/x86_64-linux-gnu/libz.so.1", "/usr/lib/libz.so.1"))
    (folder / "libwheelonly.so.12").write_bytes(libz.read_bytes())
    monkeypatch.setattr(cuda, "_driver_gpus", lambda: 1)
    monkeypatch.setattr(cuda, "_wheel_dirs", lambda: [folder])
    assert cuda.probe(("libwheelonly.so.12",)).usable
    monkeypatch.setattr(cuda, "_wheel_dirs", lambda: [])
    assert not cuda.probe(("libwheelonly.so.12",)).usable


def test_cuda_setting_without_libraries_falls_back_with_the_reason(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture, tmp_path: Path
) -> None:
    """Settings say CUDA, the driver has a GPU, cuBLAS is missing: the model loads on
    the CPU and the notice names the missing library (before: every job failed)."""
    monkeypatch.setattr(cuda, "_driver_gpus", lambda: 1)
    missing = cuda.probe(("libcublas-does-not-exist.so.12",))
    monkeypatch.setattr(asr, "cuda", lambda: missing)
    assert asr.cuda_devices() == 0
    assert asr.pick_device("auto") == ("cpu", "int8")
    with caplog.at_level(logging.WARNING, logger="meetingapp.engine.asr"):
        model = asr.load_whisper(resolve_whisper("tiny.en", tmp_path), "cuda")
    assert model.model.device == "cpu"
    (notice,) = [r.getMessage() for r in caplog.records if r.name == "meetingapp.engine.asr"]
    assert "libcublas-does-not-exist.so.12" in notice and "using the CPU" in notice
