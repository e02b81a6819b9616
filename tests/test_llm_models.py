"""Minutes models: the catalogue `meetingapp models` lists, and downloading one from a
loopback hub (resume, a wrong sha256 refused, header and length checks) that sets it."""

from __future__ import annotations

import dataclasses
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from llm_hub import Hub, gguf_bytes, running_hub

from meetingapp.config import Settings
from meetingapp.engine import llm_models
from meetingapp.engine.download import DownloadError
from meetingapp.engine.llm_models import CATALOG, LlmSpec, download_llm, local_path

SIZE = 3 << 20


@pytest.fixture
def hub(monkeypatch: pytest.MonkeyPatch) -> Iterator[Hub]:
    with running_hub() as h:
        monkeypatch.setenv("HF_ENDPOINT", h.url)
        yield h


def fake_spec(content: bytes | None, name: str = "tiny-test") -> LlmSpec:
    """A catalogue entry for a small file; ``content`` None: no published sha256."""
    sha = hashlib.sha256(content).hexdigest() if content is not None else None
    base = CATALOG[llm_models.RECOMMENDED]
    return dataclasses.replace(base, name=name, file=f"{name}.gguf", size_mb=3, sha256=sha)


def test_catalogue_is_pinned_and_says_what_it_costs() -> None:
    assert len(CATALOG) >= 2 and llm_models.RECOMMENDED in CATALOG
    sizes = sorted(s.size_mb for s in CATALOG.values())
    assert sizes[0] < 1500 and sizes[-1] > 1500  # a small model and a 3-4B one
    for spec in CATALOG.values():
        assert re.fullmatch(r"[0-9a-f]{40}", spec.revision), spec.name  # a commit, not main
        assert spec.sha256 is None or re.fullmatch(r"[0-9a-f]{64}", spec.sha256)
        assert spec.file.endswith(".gguf") and spec.licence and spec.ram_gb > 0
        line = llm_models.describe(spec)
        assert spec.licence in line and "GB RAM" in line and "estimate" in line
        assert ("checked against its published sha256" in line) == (spec.sha256 is not None)
    assert "no published sha256: length and GGUF header checked" in llm_models.describe(
        fake_spec(None)
    )


def test_models_lists_minutes_models_and_which_is_set(cli, home: Path) -> None:
    out = cli("models").out
    for spec in CATALOG.values():
        assert spec.file in out and spec.licence in out
    assert "set: none, minutes come from the offline extractor" in out
    home.mkdir(parents=True, exist_ok=True)
    chosen = local_path(CATALOG["llama-3.2-3b"], home)
    chosen.parent.mkdir(parents=True)
    chosen.write_bytes(gguf_bytes(16))
    Settings(llm_model=str(chosen)).save(home)
    out = cli("models").out
    assert f"set: {chosen};" in out
    assert re.search(r"^ > llama-3.2-3b ", out, re.M)
    assert re.search(r"^   qwen2.5-1.5b ", out, re.M)


def test_download_resumes_verifies_and_sets_the_model(
    cli, home: Path, hub: Hub, monkeypatch: pytest.MonkeyPatch
) -> None:
    content = gguf_bytes(SIZE)
    spec = fake_spec(content)
    monkeypatch.setitem(CATALOG, spec.name, spec)
    hub.serve(spec, content)
    dest = local_path(spec, home)
    dest.parent.mkdir(parents=True)
    dest.with_name(dest.name + ".part").write_bytes(content[:1000])  # an earlier attempt
    r = cli("models", "download", spec.name)
    assert r.code == 0, r.err
    assert hub.ranges == ["bytes=1000-"]
    assert dest.read_bytes() == content
    assert Settings.load(home).llm_path() == dest
    assert "100%" in r.err
    out = cli("models").out
    assert f"set: {dest};" in out


def test_a_wrong_sha256_is_refused_and_nothing_is_set(cli, home: Path, hub: Hub) -> None:
    spec = CATALOG[llm_models.RECOMMENDED]  # its real published sha256
    hub.serve(spec, gguf_bytes(SIZE))
    r = cli("models", "download", spec.name)
    assert r.code != 0 and "checksum mismatch" in r.err and spec.sha256 in r.err
    dest = local_path(spec, home)
    assert not dest.exists() and not dest.with_name(dest.name + ".part").exists()
    assert Settings.load(home).llm_path() is None


def test_without_a_published_sha256_the_header_is_checked(tmp_path: Path, hub: Hub) -> None:
    page = b"<!doctype html><title>Sign in</title>" * 100
    spec = fake_spec(None)
    hub.serve(spec, page)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(CATALOG, spec.name, spec)
        with pytest.raises(DownloadError, match="not a GGUF model file"):
            download_llm(spec.name, tmp_path)
    assert not list(tmp_path.rglob("*.gguf*"))


def test_a_cut_connection_keeps_the_part_and_resumes(tmp_path: Path, hub: Hub) -> None:
    """Without a sha256 the length the server announced is what proves it complete."""
    content = gguf_bytes(SIZE)
    spec = fake_spec(None)
    hub.serve(spec, content)
    hub.cut_after = 1 << 20
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(CATALOG, spec.name, spec)
        with pytest.raises(DownloadError, match=f"ended after {1 << 20} of {SIZE} bytes"):
            download_llm(spec.name, tmp_path)
        dest = local_path(spec, tmp_path)
        assert not dest.exists()
        assert dest.with_name(dest.name + ".part").stat().st_size == 1 << 20
        assert download_llm(spec.name, tmp_path) == dest
    assert hub.ranges == [f"bytes={1 << 20}-"]
    assert dest.read_bytes() == content


def test_unknown_names_list_both_kinds(cli) -> None:
    r = cli("models", "download", "gpt-5")
    assert r.code != 0 and "tiny.en" in r.err and "qwen2.5-1.5b" in r.err
