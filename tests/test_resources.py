"""meetingapp.resources finds resources/ from a checkout, the frozen binary and a wheel."""

from __future__ import annotations

import sys
import sysconfig
from pathlib import Path

from meetingapp import resources

ROOT = Path(__file__).resolve().parents[1]


def fake_resources(folder: Path) -> Path:
    (folder / "templates").mkdir(parents=True)
    (folder / "export_schema.json").write_text("{}")
    return folder


def test_a_checkout_uses_its_resources_folder() -> None:
    assert resources.resources_dir() == ROOT / "resources"
    assert resources.resource_path("templates", "general.md").is_file()


def test_the_frozen_app_uses_its_bundle(tmp_path: Path, monkeypatch) -> None:
    bundled = fake_resources(tmp_path / "resources")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    assert resources.resources_dir() == bundled


def test_a_wheel_install_uses_share(tmp_path: Path, monkeypatch) -> None:
    shared = fake_resources(tmp_path / "share" / "meetingapp" / "resources")
    monkeypatch.setattr(resources, "__file__", str(tmp_path / "site" / "meetingapp" / "r.py"))
    monkeypatch.setattr(sysconfig, "get_path", lambda name: str(tmp_path))
    assert resources.resources_dir() == shared


def test_the_environment_overrides(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("MEETINGAPP_RESOURCES", str(fake_resources(tmp_path / "mine")))
    assert resources.resources_dir() == tmp_path / "mine"
