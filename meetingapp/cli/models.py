"""``models``: which models are here, and downloading Whisper and minutes models."""

from __future__ import annotations

import argparse
from dataclasses import replace
from pathlib import Path

from meetingapp.cli.progress import Percent
from meetingapp.engine import llm_models
from meetingapp.engine.speakers.embedding import find_dvector_model
from meetingapp.engine.speakers.segmentation_onnx import resolve_segmentation_model
from meetingapp.engine.whisper_models import CATALOG as WHISPER
from meetingapp.engine.whisper_models import download_whisper, list_whisper
from meetingapp.errors import MeetingAppError, ModelNotFoundError
from meetingapp.library import Library


def cmd_models(args: argparse.Namespace) -> int:
    library = Library()
    if args.action == "download":
        if not args.name:
            raise MeetingAppError("which model? e.g. `meetingapp models download small`")
        if args.name not in WHISPER and args.name not in llm_models.CATALOG:
            raise ModelNotFoundError(
                f"unknown model {args.name!r}; speech: {', '.join(WHISPER)}; "
                f"minutes: {', '.join(llm_models.CATALOG)}"
            )
        show = Percent(f"downloading {args.name}")
        if args.name in llm_models.CATALOG:
            path = llm_models.download_llm(args.name, library.data, progress=show)
            show.end()
            _use_minutes_model(library, path)
            print(f"{args.name}: {path}")
            print("set as the minutes model (settings: llm_model)")
            return 0
        model = download_whisper(args.name, library.data, progress=show)
        show.end()
        print(f"{model.name}: {model.location}")
        return 0
    settings = library.settings()  # a bad settings file fails before half a listing
    print("Whisper (speech recognition):")
    for s in list_whisper(library.data):
        mark = "*" if s.available else " "
        lang = "multilingual" if s.multilingual else "English"
        print(f" {mark} {s.name:<10} {lang:<12} {s.size_mb:>5} MB  {s.where}")
    print(f"default: {settings.asr_model}; * = available offline")
    print("Speakers:")
    chosen = settings.model_path("segmentation")
    for name, find in (
        ("voice embedding (d-vector)", find_dvector_model),
        ("segmentation (overlaps, quiet speech)", lambda: resolve_segmentation_model(chosen)),
    ):
        try:
            print(f" * {name:<38} {find()}")
        except ModelNotFoundError as e:
            print(f"   {name:<38} {e}")
    _list_minutes_models(library.data, settings.llm_path())
    return 0


def _use_minutes_model(library: Library, path: Path) -> None:
    """Make ``path`` the minutes model through the one setting every caller reads
    (``Settings.llm_path()`` prefers ``llm_model``)."""
    library.save_settings(replace(library.settings(), llm_model=str(path)))


def _list_minutes_models(data: Path, chosen: Path | None) -> None:
    print("Minutes (optional GGUF instruction model that writes the minutes):")
    for s in llm_models.list_llm(data, chosen):
        mark = ">" if s.chosen else "*" if s.downloaded else " "
        spec = s.spec
        print(f" {mark} {spec.name:<13} {spec.title}: {spec.file}")
        print(f"   {'':<13} {llm_models.describe(spec)}; {spec.note}")
    if chosen is None:
        print("set: none, minutes come from the offline extractor;")
    else:
        print(f"set: {chosen}{'' if chosen.is_file() else ' (missing!)'};")
    print(
        f"  `meetingapp models download {llm_models.RECOMMENDED}` downloads one and sets it;"
        " > = set, * = downloaded; speeds are estimates, not measured here"
    )


def add_commands(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser(
        "models", help="list models, or download one (speech, or a minutes model it then sets)"
    )
    m.add_argument("action", nargs="?", choices=("list", "download"), default="list")
    m.add_argument("name", nargs="?")
    m.set_defaults(func=cmd_models)
