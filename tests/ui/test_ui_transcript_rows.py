"""Transcript rows are as tall as the text they paint, at any width."""

from __future__ import annotations

from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel, QSplitter
from pytestqt.qtbot import QtBot

from meetingapp.domain.transcript import Segment, Word
from meetingapp.ui.speaker_colors import SpeakerColors
from meetingapp.ui.transcript_view import PAD, TranscriptView, segment_html

#: Whisper writes "plug-in" as " plug" + "-in": no space between the two words.
WORDS = [" Yesterday", " I", " finished", " the", " plug", "-in", " screen", " redesign."]


def _segment(start: float) -> Segment:
    words = [
        Word(start + i * 0.3, start + i * 0.3 + 0.3, w, 0.9, "Bob") for i, w in enumerate(WORDS)
    ]
    return Segment(start, start + 3.0, "".join(WORDS), words, speaker="Bob")


def test_words_keep_the_texts_spacing() -> None:
    seg = _segment(0.0)
    assert segment_html(seg, None) == "Yesterday I finished the plug-in screen redesign."
    assert "plug</span>-in screen" in segment_html(seg, 4)


def test_each_row_is_as_tall_as_its_painted_text(qtbot: QtBot) -> None:
    """The screenshot of the standup showed a wrapped line drawn over the next row: the
    height was measured on the text, the paint laid out the words with a space more."""
    view = TranscriptView()
    qtbot.addWidget(view)
    view.show()
    view.set_segments([_segment(i * 3.0) for i in range(20)], SpeakerColors(["Bob"]))
    for width in range(260, 520, 7):
        view.resize(width, 400)
        qtbot.wait(5)
        rect = view.visualRect(view.model_.index(0))
        doc = view.delegate._doc(view.model_.html(0), view.delegate._text_width())
        name_h = QFontMetrics(view.delegate.bold).height()
        painted_bottom = rect.y() + PAD + name_h + 2 + doc.size().height()
        assert painted_bottom <= rect.bottom() + 1, width


def test_rows_are_laid_out_again_when_a_splitter_narrows_the_list(qtbot: QtBot) -> None:
    """What the window shows after a splitter moves is what a fresh layout shows: a
    wrapped row is not left at its one-line height under the next row."""
    split = QSplitter()
    qtbot.addWidget(split)
    view = TranscriptView()
    split.addWidget(view)
    split.addWidget(QLabel("minutes"))
    split.resize(1280, 500)
    split.show()
    view.set_segments([_segment(i * 3.0) for i in range(20)], SpeakerColors(["Bob"]))
    qtbot.wait(300)
    split.setSizes([400, 880])
    qtbot.wait(300)
    shown = view.viewport().grab().toImage()
    view.doItemsLayout()
    assert view.viewport().grab().toImage() == shown
