"""Search every meeting, and ask questions answered with citations.

Queries run off the GUI thread on their own database connection: the first
one loads the text embedder and may heal a stale vector index.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QDate, QEvent, QObject, QSize, Qt, QUrl, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.minutes import MEETING_TYPES
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.times import clock
from meetingapp.engine.ask import PASSAGES, Answer, where
from meetingapp.engine.search import SearchHit, SearchQuery, SearchResults
from meetingapp.library import Library
from meetingapp.ui.bridge import Task

PAGE_SIZE = 20
#: marks the engine puts around matched terms; control characters never occur in text
MARKS = ("\x02", "\x03")
ANY = "Any"
#: the date edits show "Any" at their minimum date
NO_DATE = QDate(2000, 1, 1)
HIT_ROLE = Qt.ItemDataRole.UserRole


def snippet_html(snippet: str) -> str:
    """The engine's snippet with its matched terms in bold."""
    return html.escape(snippet).replace(MARKS[0], "<b>").replace(MARKS[1], "</b>")


def tag_html(kind: str) -> str:
    """A minutes item kind as a small badge ("key point")."""
    return (
        '<span style="background-color:#e7f5ff; color:#1c7ed6;">'
        f"&nbsp;{html.escape(kind.replace('_', ' '))}&nbsp;</span>"
    )


def hit_html(h: SearchHit) -> str:
    """A moment: meeting, date and time, the minutes items that point at it, the line."""
    at = clock(h.start) if h.start is not None else ""
    who = f"{html.escape(h.speaker)}: " if h.speaker else ""
    kinds = h.tags if h.kind == "segment" else [h.kind]
    tags = "".join(f" {tag_html(k)}" for k in kinds)
    return (
        f'<span style="font-weight:600">{html.escape(h.meeting_title)}</span>'
        f'<span style="color:#868e96"> · {h.meeting_date[:10]} · {at}</span>{tags}<br>'
        f"{who}{snippet_html(h.snippet)}"
    )


def no_matches(q: SearchQuery) -> str:
    """What an empty result says: nothing was close enough, not an error."""
    return f"No matches for “{q.text}”: nothing in your meetings is close enough"


class DayFilter(QDateEdit):
    """A date filter whose "Any" is the earliest date it takes (``NO_DATE``).

    Its calendar opened at that date, January 2000, while no date was chosen; it now
    opens at this month then (only the page shown: choosing stays the user's).
    """

    def __init__(self) -> None:
        super().__init__()
        self.setCalendarPopup(True)
        self.setDisplayFormat("yyyy-MM-dd")
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(ANY)
        self.setDate(NO_DATE)
        self.calendarWidget().window().installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and self.date() == NO_DATE:
            today = QDate.currentDate()
            self.calendarWidget().setCurrentPage(today.year(), today.month())
        return super().eventFilter(watched, event)


@dataclass
class _Page:
    results: SearchResults
    generation: int


class SearchPage(QWidget):
    #: (meeting id, seconds) a result or citation points at
    open_requested = Signal(int, float)
    #: a search or an answer finished (for tests and the status bar)
    searched = Signal()
    answered = Signal()
    error = Signal(str)

    def __init__(self, library: Library, pool: ThreadPoolExecutor) -> None:
        super().__init__()
        self.library, self.pool = library, pool
        self._generation = 0
        self.query: SearchQuery | None = None
        self.hits: list[SearchHit] = []
        self.answer: Answer | None = None

        title = QLabel("Search")
        title.setObjectName("pageTitle")
        self.box = QLineEdit()
        self.box.setPlaceholderText("What was said? e.g. tablet keeps crashing")
        self.box.setClearButtonEnabled(True)
        self.box.returnPressed.connect(self.run_search)
        go = QPushButton("Search")
        go.clicked.connect(self.run_search)
        row = QHBoxLayout()
        row.addWidget(self.box, 1)
        row.addWidget(go)

        self.type = QComboBox()
        self.type.addItems([ANY, *MEETING_TYPES])
        self.date_from = self._date_edit()
        self.date_to = self._date_edit()
        self.speaker = QComboBox()
        self.speaker.setEditable(True)
        self.speaker.setMinimumWidth(140)
        self.speaker.setToolTip(
            "People known across meetings (named speakers). A meeting's own labels,"
            " such as “Speaker 1”, are someone else in every meeting and are not listed."
        )
        filters = QHBoxLayout()
        for label, w in (
            ("Type", self.type),
            ("From", self.date_from),
            ("To", self.date_to),
            ("Speaker", self.speaker),
        ):
            hint = QLabel(label)
            hint.setObjectName("hint")
            filters.addWidget(hint)
            filters.addWidget(w)
        filters.addStretch(1)

        self.status = QLabel()
        self.status.setObjectName("hint")
        self.results = QListWidget()
        self.results.setObjectName("results")
        self.results.setWordWrap(True)
        self.results.setSpacing(2)
        self.results.itemDoubleClicked.connect(self._open_item)
        self.results.itemActivated.connect(self._open_item)
        self.more = QPushButton("More results")
        self.more.clicked.connect(self.more_results)
        self.more.hide()
        left = QWidget()
        ll = QVBoxLayout(left)
        ll.setContentsMargins(0, 0, 0, 0)
        ll.addWidget(self.status)
        ll.addWidget(self.results, 1)
        ll.addWidget(self.more, 0, Qt.AlignmentFlag.AlignHCenter)

        ask_title = QLabel("Ask")
        ask_title.setObjectName("panelTitle")
        self.question = QLineEdit()
        self.question.setPlaceholderText("Ask a question, e.g. who fixed the crash?")
        self.question.returnPressed.connect(self.run_ask)
        self.ask_button = QPushButton("Ask")
        self.ask_button.clicked.connect(self.run_ask)
        ask_row = QHBoxLayout()
        ask_row.addWidget(self.question, 1)
        ask_row.addWidget(self.ask_button)
        self.answer_view = QTextBrowser()
        self.answer_view.setObjectName("answer")
        self.answer_view.setOpenLinks(False)
        self.answer_view.anchorClicked.connect(self._open_citation)
        self.answer_view.setPlaceholderText(
            "Answers come only from your meetings; click a citation to hear it."
        )
        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(8, 0, 0, 0)
        rl.addWidget(ask_title)
        rl.addLayout(ask_row)
        rl.addWidget(self.answer_view, 1)

        split = QSplitter()
        split.addWidget(left)
        split.addWidget(right)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        split.setSizes([600, 400])

        lay = QVBoxLayout(self)
        lay.setContentsMargins(20, 16, 16, 12)
        lay.addWidget(title)
        lay.addLayout(row)
        lay.addLayout(filters)
        lay.addWidget(split, 1)

    def _date_edit(self) -> QDateEdit:
        return DayFilter()

    def refresh(self) -> None:
        """Offer the people the library knows now (profiles, not per-meeting labels)."""
        current = self.speaker.currentText()
        self.speaker.clear()
        self.speaker.addItems([ANY, *self.library.speaker_names()])
        self.speaker.setCurrentText(current or ANY)

    # -- searching ----------------------------------------------------------
    def current_query(self) -> SearchQuery:
        def day(edit: QDateEdit) -> str | None:
            return None if edit.date() == NO_DATE else edit.date().toString("yyyy-MM-dd")

        def chosen(text: str) -> str | None:
            return None if text.strip() in ("", ANY) else text.strip()

        return SearchQuery(
            self.box.text().strip(),
            type=chosen(self.type.currentText()),
            date_from=day(self.date_from),
            date_to=day(self.date_to),
            speaker=chosen(self.speaker.currentText()),
            limit=PAGE_SIZE,
            marks=MARKS,
        )

    def run_search(self) -> None:
        q = self.current_query()
        if not q.text:
            return
        self.query = q
        self.hits = []
        self.results.clear()
        self.status.setText("Searching…")
        self._search(q)

    def more_results(self) -> None:
        if self.query is None:
            return
        self.query = SearchQuery(**{**self.query.__dict__, "offset": len(self.hits)})
        self._search(self.query)

    def _search(self, q: SearchQuery) -> None:
        self._generation += 1
        generation, library = self._generation, self.library

        def work(progress: ProgressFn) -> _Page:
            return _Page(library.search(q, progress=progress), generation)

        self._run(work, self._show_page)

    def _show_page(self, page: _Page) -> None:
        if page.generation != self._generation:
            return  # a newer search replaced this one
        r = page.results
        self.hits += r.hits
        for h in r.hits:
            item = QListWidgetItem()
            item.setData(HIT_ROLE, h)
            label = QLabel(hit_html(h))
            label.setWordWrap(True)
            label.setContentsMargins(8, 6, 8, 6)
            label.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
            self.results.addItem(item)
            self.results.setItemWidget(item, label)
        self._fit_rows()
        shown = len(self.hits)
        self.status.setText(
            f"{shown} of {r.candidates} result(s) — double-click one to play it"
            if shown
            else no_matches(r.query)
        )
        self.more.setVisible(r.candidates > r.offset + len(r.hits))
        self.searched.emit()

    def _fit_rows(self) -> None:
        """Each result as tall as its wrapped text at the list's current width."""
        width = self.results.viewport().width() - 8
        for i in range(self.results.count()):
            item = self.results.item(i)
            label = self.results.itemWidget(item)
            item.setSizeHint(QSize(width, label.heightForWidth(width) + 4))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_rows()

    def _open_item(self, item: QListWidgetItem) -> None:
        h: SearchHit = item.data(HIT_ROLE)
        self.open_requested.emit(h.meeting_id, h.start or 0.0)

    # -- asking -------------------------------------------------------------
    def run_ask(self) -> None:
        question = self.question.text().strip()
        if not question:
            return
        library = self.library
        model_path = library.settings().llm_path()

        def work(progress: ProgressFn) -> Answer:
            return library.ask(question, model_path, progress=progress)

        self.ask_button.setEnabled(False)
        self.answer_view.setPlainText("Looking through your meetings…")
        self._run(work, self._show_answer, on_fail=lambda _e: self.ask_button.setEnabled(True))

    def _show_answer(self, answer: Answer) -> None:
        self.ask_button.setEnabled(True)
        self.answer = answer
        if answer.generated or not answer.citations:
            parts = [f"<p>{html.escape(answer.text)}</p>".replace("\n", "<br>")]
        else:  # no written answer: why, then the passages as links
            parts = [f"<p><i>{html.escape(answer.note)}</i></p><p>{html.escape(PASSAGES)}</p>"]
        for n, c in enumerate(answer.citations, 1):
            parts.append(
                f'<p><a href="cite:{n - 1}">[{n}] {html.escape(where(c))}</a><br>'
                f"{html.escape(c.text)}</p>"
            )
        self.answer_view.setHtml("".join(parts))
        self.answered.emit()

    def _open_citation(self, url: QUrl) -> None:
        if self.answer is None or url.scheme() != "cite":
            return
        c = self.answer.citations[int(url.path())]
        self.open_requested.emit(c.meeting_id, c.start or 0.0)

    # -- plumbing -----------------------------------------------------------
    def _run(
        self,
        work: Callable[[ProgressFn], Any],
        on_done: Callable[[Any], None],
        on_fail: Callable[[str], None] | None = None,
    ) -> None:
        task = Task(work, self)
        task.done.connect(on_done)
        task.failed.connect(self._failed)
        if on_fail is not None:
            task.failed.connect(on_fail)
        task.start(self.pool)

    def _failed(self, message: str) -> None:
        self.status.setText("")
        self.error.emit(message)
