"""Load the speech models before the first recording arrives.

Building a CTranslate2 or ONNX Runtime model holds Python's GIL for a
noticeable moment (100-200 ms on a busy machine), which every other Python
thread feels, the UI's included. Loading while the app is idle keeps that
pause out of processing, and the first recording starts at once.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from meetingapp.config import Settings
from meetingapp.domain.audio import SAMPLE_RATE, Audio
from meetingapp.engine.asr import cached_whisper
from meetingapp.engine.vad import detect_speech
from meetingapp.engine.whisper_models import resolve_whisper


def warm_up(settings: Settings, data: Path) -> str:
    """Load VAD and the chosen Whisper model into the process caches; returns its name."""
    detect_speech(Audio(np.zeros(SAMPLE_RATE, dtype=np.float32)))
    model = resolve_whisper(settings.asr_model, data)
    cached_whisper(model, settings.device)
    return model.name
