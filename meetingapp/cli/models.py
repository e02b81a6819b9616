"""``models``: which models are here, and downloading Whisper models."""

from __future__ import annotations

import argparse

from meetingapp.cli.progress import Percent
from meetingapp.engine.speakers.embedding import find_dvector_model
from meetingapp.engine.speakers.segmentation_onnx import resolve_segmentation_model
from meetingapp.engine.whisper_models import download_whisper, list_whisper
from meetingapp.errors import MeetingAppError, ModelNotFoundError
from meetingapp.library import Library


def cmd_models(args: argparse.Namespace) -> int:
    library = Library()
    if args.action == "download":
        if not args.name:
            raise MeetingAppError("which model? e.g. `meetingapp models download small`")
        show = Percent(f"downloading {args.name}")
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
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    m = sub.add_parser("models", help="list or download models")
    m.add_argument("action", nargs="?", choices=("list", "download"), default="list")
    m.add_argument("name", nargs="?")
    m.set_defaults(func=cmd_models)
