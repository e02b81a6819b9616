"""One stable, readable colour per speaker of a meeting.

The palette was chosen for three things (tests/ui/test_ui_speaker_colors.py
checks them): every pair of colours differs by a CIEDE2000 ΔE of at least 19
to normal vision and at least 9 under simulated deuteranopia and protanopia
(the old palette had two oranges 5.8 apart); each colour reads as text on white
at 4.5:1 or better, since the transcript writes the speaker's name in it; and
none is near the grey of unlabelled speech. Colour is never the only cue: the
name is shown beside it in the transcript, the legend and the waveform.
"""

from __future__ import annotations

from PySide6.QtGui import QColor

#: blue, ochre, green, magenta, dark red, plum, violet, teal: in this order, so the
#: first speakers of a meeting (the most common case) get the most distinct ones
PALETTE = (
    "#1144cc",
    "#aa6600",
    "#116644",
    "#dd2277",
    "#990000",
    "#773377",
    "#aa33ff",
    "#0077aa",
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
