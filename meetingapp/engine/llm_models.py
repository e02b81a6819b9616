"""Recommended GGUF instruction models for written minutes, and downloading one.

Minutes work offline without a language model; one of these only makes them
read better. The catalogue is short on purpose: a user choosing a model should
see what it costs (download, RAM, time on an ordinary laptop) and its licence,
not a list of every quantisation.

Each file is pinned to the Hugging Face revision whose published sha256 is
recorded here, so the checksum cannot drift when a repository is updated. An
entry without a published checksum (``sha256=None``) is checked by its complete
length and the GGUF magic header instead, and the listing says so.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.download import DownloadError, download
from meetingapp.errors import ModelNotFoundError

HF = "https://huggingface.co"
GGUF_MAGIC = b"GGUF"


@dataclass(frozen=True)
class LlmSpec:
    """One recommended model; speeds are estimates, not measurements (see README)."""

    name: str
    title: str
    repo: str
    #: the commit the checksum was published for
    revision: str
    file: str
    size_mb: int
    #: as published on the file's Hugging Face page; None: not verified (magic + length)
    sha256: str | None
    licence: str
    #: resident memory with the 4096-token context the minutes use (weights + KV cache)
    ram_gb: float
    #: estimated generation speed on a 2-core laptop CPU, tokens per second
    cpu_tokens_per_s: str
    note: str


CATALOG: dict[str, LlmSpec] = {
    s.name: s
    for s in (
        LlmSpec(
            "qwen2.5-1.5b",
            "Qwen2.5 1.5B Instruct (Q4_K_M)",
            "bartowski/Qwen2.5-1.5B-Instruct-GGUF",
            "85553858e3522ce5b531285b2202bdb40fab1624",
            "Qwen2.5-1.5B-Instruct-Q4_K_M.gguf",
            986,
            "50961d9b7d3b89e46be230528fc66d38bbdda8ac3748323dd34f129a714124fc",
            "Apache-2.0",
            1.5,
            "8-12",
            "the smallest and quickest: fits almost any machine",
        ),
        LlmSpec(
            "llama-3.2-3b",
            "Llama 3.2 3B Instruct (Q4_K_M)",
            "bartowski/Llama-3.2-3B-Instruct-GGUF",
            "c346bfc2029e79ba6d7edf026cf01fe44242db0d",
            "Llama-3.2-3B-Instruct-Q4_K_M.gguf",
            2020,
            "6c1a2b41161032677be168d354123594c0e6e67d2b9227c84f296ad037c728ff",
            "Llama 3.2 Community Licence",
            3.0,
            "4-6",
            "twice the size: slower, usually better written; licence has conditions",
        ),
        LlmSpec(
            "phi-3.5-mini",
            "Phi-3.5 mini Instruct 3.8B (Q4_K_M)",
            "bartowski/Phi-3.5-mini-instruct-GGUF",
            "4cd0c5148e612aa078f250862a4bffe4a10f5d38",
            "Phi-3.5-mini-instruct-Q4_K_M.gguf",
            2390,
            "e4165e3a71af97f1b4820da61079826d8752a2088e313af0c7d346796c38eff5",
            "MIT",
            4.5,
            "3-5",
            "the largest and slowest of the three; needs the most RAM (larger cache)",
        ),
    )
}
#: the one the first-run prompt preselects: it fits almost any machine
RECOMMENDED = "qwen2.5-1.5b"


def hub_url() -> str:
    """The model hub: ``HF_ENDPOINT`` (the variable Hugging Face's own tools read,
    for a mirror or a local copy) when set, else huggingface.co."""
    return os.environ.get("HF_ENDPOINT", "").rstrip("/") or HF


def models_dir(data: Path) -> Path:
    return data / "models" / "llm"


def local_path(spec: LlmSpec, data: Path) -> Path:
    return models_dir(data) / spec.file


def is_gguf(path: Path) -> bool:
    """Whether ``path`` starts like a GGUF file: catches an HTML error page or a
    wrong file before llama.cpp fails on it with a less helpful message."""
    try:
        with open(path, "rb") as f:
            return f.read(4) == GGUF_MAGIC
    except OSError:
        return False


def check_gguf(path: Path) -> None:
    """Raise :class:`DownloadError` naming ``path`` unless it is a GGUF file."""
    if not is_gguf(path):
        raise DownloadError(f"{path.name}: not a GGUF model file (no GGUF header)")


def download_llm(
    name: str,
    data: Path,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    base_url: str | None = None,
) -> Path:
    """Download a catalogue model into the data folder (resumable, verified).

    A file already in place is returned as it is: it was verified when it arrived.
    """
    spec = CATALOG.get(name)
    if spec is None:
        known = ", ".join(CATALOG)
        raise ModelNotFoundError(f"unknown minutes model {name!r}; known models: {known}")
    dest = local_path(spec, data)
    if dest.is_file():
        return dest
    url = f"{base_url or hub_url()}/{spec.repo}/resolve/{spec.revision}/{spec.file}"
    return download(
        url,
        dest,
        sha256=spec.sha256,
        progress=progress,
        cancel=cancel,
        check=check_gguf,
    )


@dataclass
class LlmStatus:
    spec: LlmSpec
    downloaded: bool
    chosen: bool


def list_llm(data: Path, chosen: Path | None) -> list[LlmStatus]:
    """The catalogue with what is on disk and which file the settings point at."""
    out = []
    for spec in CATALOG.values():
        path = local_path(spec, data)
        here = path.is_file()
        out.append(LlmStatus(spec, here, chosen is not None and chosen == path))
    return out


def describe(spec: LlmSpec) -> str:
    """One line a user can choose by: size, RAM, speed, licence, and the checksum."""
    check = (
        "checked against its published sha256"
        if spec.sha256
        else "no published sha256: length and GGUF header checked"
    )
    return (
        f"{spec.size_mb / 1000:.1f} GB download, ~{spec.ram_gb:g} GB RAM, "
        f"~{spec.cpu_tokens_per_s} tokens/s on 2 CPU cores (estimate), "
        f"{spec.licence}, {check}"
    )
