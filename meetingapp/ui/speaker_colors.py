"""One stable, readable colour per speaker of a meeting."""

from __future__ import annotations

from PySide6.QtGui import QColor

PALETTE = (
    "#2f6fde",
    "#d9480f",
    "#2b8a3e",
    "#ae3ec9",
    "#e8590c",
    "#1098ad",
    "#c2255c",
    "#5c940d",
)
UNLABELLED_COLOR = "#868e96"
UNLABELLED_NAME = "Unknown speaker"


def speaker_name(speaker: str | None) -> str:
    return speaker if speaker else UNLABELLED_NAME


class SpeakerColors:
    """Colours by order of first appearance, so the first speaker is always blue."""

    def __init__(self, speakers: list[str | None]) -> None:
        labelled = [s for s in speakers if s]
        self._map = {s: QColor(PALETTE[i % len(PALETTE)]) for i, s in enumerate(labelled)}

    def __call__(self, speaker: str | None) -> QColor:
        return self._map.get(speaker or "", QColor(UNLABELLED_COLOR))
