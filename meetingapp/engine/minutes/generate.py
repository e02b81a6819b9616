"""Minutes for a meeting: offline extraction, refined by a local LLM when one is set.

The offline layer always runs, so minutes exist even with no model; a
configured GGUF model refines them (map-reduce over the whole transcript).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from meetingapp.domain.minutes import Minutes
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.minutes.build import build_minutes
from meetingapp.engine.minutes.llm import LlmConfig, LocalLlm, refine_minutes
from meetingapp.engine.minutes.summary import EmbedFn
from meetingapp.engine.minutes.templates import load_template
from meetingapp.engine.text_embedding import default_embedder
from meetingapp.errors import ModelNotFoundError

#: Share of the progress bar for the offline pass when an LLM refines afterwards.
OFFLINE_SHARE = 0.1


def sentence_embedding() -> EmbedFn | None:
    """MiniLM sentence vectors rank the summary; TF-IDF when the pack is missing."""
    try:
        embedder = default_embedder()
    except ModelNotFoundError:
        return None
    return lambda texts: embedder.embed(texts)


def generate_minutes(
    segments: list[Segment],
    meeting_date: dt.date,
    meeting_type: str,
    data: Path,
    llm_path: Path | None = None,
    template: str | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> Minutes:
    share = OFFLINE_SHARE if llm_path else 1.0

    def offline_progress(f: float) -> None:
        if progress:
            progress(f * share)

    minutes = build_minutes(
        segments,
        meeting_date,
        meeting_type,
        embed=sentence_embedding(),
        progress=offline_progress,
        cancel=cancel,
    )
    if llm_path is None or not segments:
        return minutes
    if not llm_path.is_file():
        raise ModelNotFoundError(f"{llm_path}: language model file not found")

    def llm_progress(f: float) -> None:
        if progress:
            progress(share + f * (1 - share))

    llm = LocalLlm(LlmConfig(model_path=llm_path))
    return refine_minutes(
        minutes,
        segments,
        meeting_date,
        load_template(template or meeting_type, data),
        llm,
        progress=llm_progress,
        cancel=cancel,
    )
