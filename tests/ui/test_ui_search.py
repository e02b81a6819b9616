"""The search page on a processed standup: a paraphrase finds the moment, double-click plays it."""

from __future__ import annotations

from PySide6.QtCore import QDate, QPoint, Qt
from PySide6.QtMultimedia import QMediaPlayer
from pytestqt.qtbot import QtBot
from ui_data import db_of

from meetingapp.engine.ask import NEEDS_MODEL
from meetingapp.store.meetings import list_meetings, load_segments
from meetingapp.ui.main_window import MainWindow
from meetingapp.ui.search_page import SearchPage, snippet_html


def _search(qtbot: QtBot, page: SearchPage, text: str) -> None:
    page.box.setText(text)
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()


def test_paraphrase_finds_segment_and_opens_it(qtbot: QtBot, standup_window: MainWindow) -> None:
    window = standup_window
    window.show_page("Search")
    page = window.search_page
    assert window.stack.currentWidget() is page
    page.box.setText("tablet keeps crashing")
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()
    assert page.results.count() == len(page.hits) > 0
    top = page.hits[0]
    meeting = list_meetings(db_of(window))[0]
    crash = next(s for s in load_segments(db_of(window), meeting.id) if "Android" in s.text)
    assert top.meeting_id == meeting.id and top.start == crash.start
    label = page.results.itemWidget(page.results.item(0))
    assert "<b>" in label.text() and "tablets" in label.text()

    page.results.itemDoubleClicked.emit(page.results.item(0))
    view = window.meeting_view
    assert window.stack.currentWidget() is view and view.meeting.id == meeting.id
    qtbot.waitUntil(
        lambda: view.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState,
        timeout=10_000,
    )
    qtbot.waitUntil(lambda: view.player.position() >= int(crash.start * 1000), timeout=5_000)
    assert view.transcript.active_row() == load_segments(db_of(window), meeting.id).index(crash)


def test_filters_paging_and_ask(qtbot: QtBot, standup_window: MainWindow) -> None:
    window = standup_window
    window.show_page("Search")
    page = window.search_page
    page.box.setText("demo")
    page.type.setCurrentText("retrospective")  # the standup is not one
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()
    assert page.hits == [] and page.status.text().startswith("No matches for “demo”")

    page.type.setCurrentText("Any")
    q = page.current_query()
    page.refresh()
    # "Speaker 1" of this meeting is no one known across meetings: no person to offer
    assert [page.speaker.itemText(i) for i in range(page.speaker.count())] == ["Any"]
    with qtbot.waitSignal(page.searched, timeout=60_000):
        page.run_search()
    first = len(page.hits)
    assert first > 0 and q.limit >= first
    page.question.setText("who fixed the crash on the tablets?")
    with qtbot.waitSignal(page.answered, timeout=60_000):
        page.run_ask()
    assert page.answer is not None and page.answer.citations
    assert "Android" in page.answer.citations[0].text
    assert 'href="cite:0"' in page.answer_view.toHtml()


def test_nonsense_says_no_matches_and_a_moment_is_one_tagged_hit(
    qtbot: QtBot, standup_window: MainWindow
) -> None:
    window = standup_window
    window.show_page("Search")
    page = window.search_page
    _search(qtbot, page, "zebra giraffe")
    assert page.hits == [] and page.results.count() == 0
    assert page.status.text().startswith("No matches for “zebra giraffe”")
    assert not page.more.isVisible()

    # the line is also a key point and an action item: one hit, with both as tags
    _search(qtbot, page, "send you the API keys")
    keys = [i for i, h in enumerate(page.hits) if "API keys right after" in h.text]
    assert keys == [0]
    top = page.hits[0]
    assert "action" in top.tags  # key points leave out what an action item says (5109193)
    label = page.results.itemWidget(page.results.item(0)).text()
    assert "action" in label
    assert f"{top.speaker}: {top.speaker}:" not in label


def test_ask_without_a_model_says_it_needs_one(qtbot: QtBot, standup_window: MainWindow) -> None:
    page = standup_window.search_page
    assert standup_window.library.settings().llm_path() is None
    page.question.setText("what about the API keys?")
    with qtbot.waitSignal(page.answered, timeout=60_000):
        page.run_ask()
    answer = page.answer
    assert answer is not None and not answer.generated and answer.note == NEEDS_MODEL
    shown = page.answer_view.toPlainText()
    assert "needs a local language model" in shown and "Settings" in shown
    assert "meetingapp models" in shown
    texts = [c.text for c in answer.citations]
    assert texts and len(texts) == len(set(texts))


def test_snippet_marks_become_bold() -> None:
    assert snippet_html("a \x02b<c\x03 d") == "a <b>b&lt;c</b> d"


def test_date_filter_calendar_opens_at_this_month(qtbot: QtBot, window: MainWindow) -> None:
    """Issue 17 item 8: with no date chosen the calendar opened at January 2000 (the
    date that means "Any"); it opens at this month, and opening it chooses nothing."""
    window.show_page("Search")
    page = window.search_page
    for edit in (page.date_from, page.date_to):
        calendar = edit.calendarWidget()
        arrow = QPoint(edit.width() - 6, edit.height() // 2)
        qtbot.mouseMove(edit, arrow)
        qtbot.mouseClick(edit, Qt.MouseButton.LeftButton, pos=arrow)
        qtbot.waitUntil(calendar.window().isVisible)
        today = QDate.currentDate()
        assert (calendar.yearShown(), calendar.monthShown()) == (today.year(), today.month())
        calendar.window().hide()
    query = page.current_query()
    assert (query.date_from, query.date_to) == (None, None)
