"""Where the read-only resources (templates, the export schema, icons) are.

One answer for every way the app runs:

- the one-file binary (PyInstaller): ``sys._MEIPASS/resources``;
- a source checkout or an editable install: ``resources/`` at the top of the checkout;
- a wheel: ``<prefix>/share/meetingapp/resources`` (``data-files`` in pyproject.toml),
  for a virtual environment, the system or a ``--user`` install.

``MEETINGAPP_RESOURCES`` overrides them all. Nothing here is ever written: writable data
lives in the data folder (``meetingapp.config.data_dir``).
"""

from __future__ import annotations

import os
import site
import sys
import sysconfig
from pathlib import Path

#: a file every resources folder has, to tell a real one from an empty directory
_MARKER = "export_schema.json"


def _candidates() -> list[Path]:
    found: list[Path] = []
    env = os.environ.get("MEETINGAPP_RESOURCES")
    if env:
        found.append(Path(env).expanduser())
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        found.append(Path(frozen) / "resources")
    found.append(Path(__file__).resolve().parents[1] / "resources")  # checkout
    prefixes = [sysconfig.get_path("data"), sys.prefix, site.getuserbase()]
    found += [Path(p) / "share" / "meetingapp" / "resources" for p in prefixes if p]
    return found


def resources_dir() -> Path:
    """The resources folder; the checkout's path when none is found, so that the error
    (a missing file) names a place the user can look at."""
    candidates = _candidates()
    for folder in candidates:
        if (folder / _MARKER).is_file():
            return folder
    return Path(__file__).resolve().parents[1] / "resources"


def resource_path(*parts: str) -> Path:
    """A file or folder inside the resources folder, e.g. ``resource_path("templates")``."""
    return resources_dir().joinpath(*parts)
