"""Where the user's data lives and the few settings the engine reads.

The data folder comes from ``MEETINGAPP_HOME`` when set (tests, scripts,
portable installs), else the platform's user data folder. Settings are a
small JSON file in that folder, written atomically.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from types import UnionType
from typing import get_args, get_origin, get_type_hints

from platformdirs import user_config_dir, user_data_dir

from meetingapp.errors import StoreError

APP_NAME = "meetingapp"


def data_dir_pointer() -> Path:
    """Where a data folder the user chose is remembered (outside any data folder)."""
    return Path(user_config_dir(APP_NAME, appauthor=False)) / "data_dir"


def data_dir() -> Path:
    env = os.environ.get("MEETINGAPP_HOME")
    if env:
        return Path(env).expanduser()
    pointer = data_dir_pointer()
    chosen = pointer.read_text(encoding="utf-8").strip() if pointer.is_file() else ""
    return Path(chosen).expanduser() if chosen else Path(user_data_dir(APP_NAME, appauthor=False))


def _is_a(value: object, hint: object) -> bool:
    """Whether a JSON value fits a field's type hint; a wrong type would fail much later,
    deep in the engine, as a traceback instead of a line naming the setting."""
    args = get_args(hint)
    if isinstance(hint, UnionType):
        return any(_is_a(value, a) for a in args)
    if hint is type(None):
        return value is None
    if get_origin(hint) is dict:
        return isinstance(value, dict) and all(
            _is_a(k, args[0]) and _is_a(v, args[1]) for k, v in value.items()
        )
    if hint is int:
        return isinstance(value, int) and not isinstance(value, bool)
    return isinstance(value, hint)


def _describe(hint: object) -> str:
    """A type hint in the words of the settings file (JSON), for the error line."""
    if isinstance(hint, UnionType):
        return " or ".join(_describe(a) for a in get_args(hint))
    names = {str: "text", int: "a whole number", bool: "true or false", type(None): "null"}
    if get_origin(hint) is dict:
        return "an object of text values"
    return names.get(hint, getattr(hint, "__name__", str(hint)))


def set_data_dir(folder: Path) -> None:
    """Use ``folder`` as the data folder from the next start on."""
    pointer = data_dir_pointer()
    pointer.parent.mkdir(parents=True, exist_ok=True)
    tmp = pointer.with_suffix(".tmp")
    tmp.write_text(str(folder), encoding="utf-8")
    os.replace(tmp, pointer)


@dataclass
class Settings:
    """User choices that outlive a run; paths empty mean "use the default"."""

    asr_model: str = "base"
    #: fast model for the live transcript while recording
    live_model: str = "tiny.en"
    #: name → explicit path the user chose for a model kind (asr, llm, speaker...)
    model_paths: dict[str, str] = field(default_factory=dict)
    language: str | None = None
    #: a GGUF instruction model that refines the minutes; None: offline extraction only
    llm_model: str | None = None
    device: str = "auto"
    workers: int = 1
    #: transcription windows decoded together (0: 4 on the CPU, 16 on a GPU);
    #: each window costs ~75 MB with the base model on the CPU
    batch_size: int = 0
    #: the window's first-run offer of a minutes model was answered "Not now"
    llm_prompt_dismissed: bool = False

    def llm_path(self) -> Path | None:
        """The GGUF language model for minutes and answers, if one is set: the one
        rule every caller uses (``llm_model``, else a path under ``model_paths``)."""
        chosen = self.llm_model or self.model_paths.get("llm")
        return Path(chosen).expanduser() if chosen else None

    def model_path(self, kind: str) -> Path | None:
        """The file the user chose for a model kind, if any."""
        chosen = self.model_paths.get(kind)
        return Path(chosen).expanduser() if chosen else None

    @classmethod
    def load(cls, folder: Path) -> Settings:
        path = folder / "settings.json"
        if not path.exists():
            return cls()
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as e:
            raise StoreError(f"{path}: settings file is unreadable ({e})") from None
        if not isinstance(raw, dict):
            raise StoreError(f"{path}: settings file must hold a JSON object ({{...}})")
        hints = get_type_hints(cls)
        known = {f.name for f in fields(cls)}
        chosen = {k: v for k, v in raw.items() if k in known}
        for name, value in chosen.items():
            if not _is_a(value, hints[name]):
                raise StoreError(
                    f"{path}: setting {name!r} must be {_describe(hints[name])}, "
                    f"not {json.dumps(value)}"
                )
        return cls(**chosen)

    def save(self, folder: Path) -> None:
        path = folder / "settings.json"
        tmp = path.with_suffix(".json.tmp")
        tmp.write_text(json.dumps(asdict(self), indent=2), encoding="utf-8")
        os.replace(tmp, path)
