"""The main window: sidebar, library with the processing queue, meeting view, analytics.

It appears at once: what takes seconds (the speech models, the search engine's
imports) loads after its first paint, off the GUI thread (:meth:`MainWindow.start`),
and the search page is made when first shown. Its size and splitter positions are
remembered (``ui/window_state.py``). Navigation keeps a history, so Back (Alt+Left,
Esc, the meeting's back button) returns to where the user came from.
"""

from __future__ import annotations

import enum
import importlib
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QPaintEvent
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QMainWindow,
    QMessageBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from meetingapp import __version__
from meetingapp.domain.jobs import UNFINISHED, JobOptions
from meetingapp.domain.meetings import FORMAT_NAMES, FORMATS
from meetingapp.domain.progress import ProgressFn
from meetingapp.engine.jobs import JobEvent, JobRunner, Submitted
from meetingapp.engine.warmup import warm_up
from meetingapp.errors import MeetingAppError
from meetingapp.library import Library
from meetingapp.ui import export
from meetingapp.ui import recorder as rec
from meetingapp.ui.actions_page import ActionsPage
from meetingapp.ui.analytics_page import AnalyticsPage
from meetingapp.ui.bridge import EngineBridge, Task
from meetingapp.ui.drop import FileDrop
from meetingapp.ui.import_dialog import ImportDialog
from meetingapp.ui.import_paths import MEDIA_EXTENSIONS
from meetingapp.ui.library_page import LibraryPage
from meetingapp.ui.llm_prompt import LlmPromptDialog, offer_minutes_model
from meetingapp.ui.meeting_view import SHORTCUTS, MeetingView
from meetingapp.ui.problems import ProblemBox
from meetingapp.ui.queue_panel import QueuePanel
from meetingapp.ui.settings_dialog import SettingsDialog
from meetingapp.ui.speakers_page import SpeakersPage
from meetingapp.ui.window_state import restore, restore_splitters, save, window_state

if TYPE_CHECKING:
    from meetingapp.ui.search_page import SearchPage

PAGES = ("Library", "Search", "Action items", "Speakers", "Analytics")
#: imported after the window shows: the search page's engine (the vector store, the
#: text embedder) takes about a second to import, which the first paint must not wait for
LATER_IMPORTS = ("meetingapp.engine.ask", "meetingapp.engine.search")
#: how many pages Back remembers
HISTORY = 50


class CloseChoice(enum.Enum):
    CANCEL_JOBS = "cancel"
    KEEP_JOBS = "keep"
    STAY = "stay"


class MainWindow(QMainWindow):
    #: the models are loaded (see :func:`warm_up`)
    warmed_up = Signal()
    #: the window has painted once: what :meth:`start` loads may begin (``ui/app.py``)
    first_painted = Signal()

    def __init__(self, engine: JobRunner) -> None:
        super().__init__()
        self.engine = engine
        self.data = engine.data
        #: every action on the meetings goes through it; each opens and closes its connection
        self.library = Library(self.data, engine)
        self.pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="meetingapp-ui")
        self.bridge = EngineBridge(engine, self, self.library)
        self.bridge.job_event.connect(self._on_job_event)
        self.bridge.import_queued.connect(self._on_import_queued)
        self.bridge.import_duplicate.connect(self._on_duplicate)
        self.bridge.import_failed.connect(self._on_import_failed)
        self.job_sources: dict[int, str] = {}
        self.problems = ProblemBox(self)
        #: set when the user closed the window keeping jobs for the next start
        self.kept_jobs = False
        self.confirm_close: Callable[[int], CloseChoice] = self._ask_close
        self._painted = False
        #: the pages to go back to, latest last
        self.history: list[QWidget] = []
        self.state = window_state(self.data)
        #: the minutes-model offer, while it is open
        self.llm_prompt: LlmPromptDialog | None = None

        self.setWindowTitle("meetingapp")
        self.resize(1200, 760)
        self.drop = FileDrop(self)
        self.drop.dropped.connect(self.import_paths)

        self.meeting_view = MeetingView(self.library, self.pool)
        self.meeting_view.back_requested.connect(self.go_back)
        self.meeting_view.changed.connect(lambda _id: self._data_changed())
        self.meeting_view.error.connect(self.show_problem)
        self.analytics = AnalyticsPage(self.library)
        self._search_page: SearchPage | None = None
        self.actions_page = ActionsPage(self.library)
        self.actions_page.open_requested.connect(self.open_meeting)
        self.actions_page.error.connect(self.show_problem)
        self.speakers_page = SpeakersPage(self.library, self.pool)
        self.speakers_page.error.connect(self.show_problem)
        self.speakers_page.changed.connect(self._data_changed)
        self.queue = QueuePanel()
        self.queue.cancel_requested.connect(self.cancel_job)
        self.queue.open_requested.connect(self.open_meeting)
        self.queue.retry_requested.connect(self.retry_job)
        self.queue.dismiss_requested.connect(self.dismiss_job)

        self.library_page = LibraryPage(self.library, self.queue)
        self.library_page.target = self.current_meeting_id
        self.library_page.open_requested.connect(self.open_meeting)
        self.library_page.import_requested.connect(self.import_dialog)
        self.library_page.error.connect(self.show_problem)
        self.library_page.status.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.library_page.changed.connect(self._follow_shown_meeting)
        #: the library table, its filter box and models (tests and menus reach them here)
        self.model, self.proxy = self.library_page.model, self.library_page.proxy
        self.search, self.table = self.library_page.search, self.library_page.table
        self.stack = QStackedWidget()
        self.stack.addWidget(self.library_page)
        self.stack.addWidget(self.meeting_view)
        self.stack.addWidget(self.analytics)
        self.stack.addWidget(self.actions_page)
        self.stack.addWidget(self.speakers_page)
        #: sidebar name → (page, its refresh), for the pages made so far: the search
        #: page joins when it is first needed (:attr:`search_page`)
        self.pages: dict[str, tuple[QWidget, Callable[[], None]]] = {
            "Library": (self.library_page, lambda: None),
            "Action items": (self.actions_page, self.actions_page.refresh),
            "Speakers": (self.speakers_page, self.speakers_page.refresh),
            "Analytics": (self.analytics, self.analytics.refresh),
        }
        self.sidebar = QListWidget()
        self.sidebar.setObjectName("sidebar")
        self.sidebar.addItems(PAGES)
        self.sidebar.setFixedWidth(170)
        self.sidebar.currentRowChanged.connect(self._on_page)

        self.recorder = rec.Recorder(self.library, self)
        self.recorder.finished.connect(self._recorded)
        self.recorder.failed.connect(self.show_problem)
        self.recording = rec.RecordingUi(self.recorder, self)
        self.recording.record_action.triggered.connect(self.record_dialog)
        self.record_box: QMessageBox | None = None

        right = QWidget()
        rl = QVBoxLayout(right)
        rl.setContentsMargins(0, 0, 0, 0)
        rl.setSpacing(0)
        rl.addWidget(self.stack, 1)
        rl.addWidget(self.recording.live)
        central = QWidget()
        lay = QHBoxLayout(central)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setSpacing(0)
        lay.addWidget(self.sidebar)
        lay.addWidget(right, 1)
        self.setCentralWidget(central)
        self.statusBar().addPermanentWidget(self.recording.label)
        self.statusBar().addPermanentWidget(self.recording.level)
        self._build_menus()
        self.sidebar.setCurrentRow(0)
        restore(self, self.state)
        self.table.setFocus()  # the keyboard starts in the meetings list
        self._show_failed_jobs()

    @property
    def search_page(self) -> SearchPage:
        """The search page, made the first time it is needed (its module is imported
        in the background after the window shows: :data:`LATER_IMPORTS`)."""
        if self._search_page is None:
            from meetingapp.ui.search_page import SearchPage

            page = SearchPage(self.library, self.pool)
            page.open_requested.connect(self.open_meeting)
            page.error.connect(self.show_problem)
            self.stack.addWidget(page)
            restore_splitters(self.state, self, page)
            self.pages["Search"] = (page, page.refresh)
            self._search_page = page
        return self._search_page

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self._painted:
            self._painted = True
            QTimer.singleShot(0, self.first_painted.emit)  # once this paint is on screen

    # -- layout -------------------------------------------------------------
    def _build_menus(self) -> None:
        bar = self.menuBar()
        file = bar.addMenu("&File")
        act = file.addAction("&Import recordings…", self.import_dialog)
        act.setShortcut("Ctrl+O")
        file.addAction("Import &folder…", self.import_folder_dialog)
        file.addSeparator()
        for act in (
            self.recording.record_action,
            self.recording.pause_action,
            self.recording.stop_action,
        ):
            file.addAction(act)
        file.addSeparator()
        act = file.addAction("&Settings…", self.open_settings)
        act.setShortcut("Ctrl+,")
        file.addAction("&Minutes model…", self.open_minutes_model)
        file.addSeparator()
        act = file.addAction("&Quit", self.close)
        act.setShortcut("Ctrl+Q")
        # One Export menu: the menu bar's and the meeting view's Export button's.
        self.export_menu = bar.addMenu("&Export")
        self.export_actions: list[QAction] = []
        for fmt in FORMATS:
            act = self.export_menu.addAction(
                f"{FORMAT_NAMES[fmt]}…", lambda fmt=fmt: self.export_dialog(fmt)
            )
            self.export_actions.append(act)
        self.export_menu.addSeparator()
        for fmt, label in export.DOCUMENTS.items():
            act = self.export_menu.addAction(f"{label}…", lambda fmt=fmt: self.export_dialog(fmt))
            self.export_actions.append(act)
        self.export_menu.addSeparator()
        self.copy_action = self.export_menu.addAction("Copy as &Markdown", self.copy_markdown)
        self.copy_action.setShortcut("Ctrl+Shift+C")
        self.export_actions.append(self.copy_action)
        self.meeting_view.export_button.setMenu(self.export_menu)
        # the library's own actions (F2 and Delete work in its table): one action each
        self.edit_menu = edit = bar.addMenu("&Edit")
        edit.addAction(self.library_page.rename_action)
        edit.addAction(self.library_page.delete_action)
        edit.addSeparator()
        act = edit.addAction("&Search meetings…", self.find)
        act.setShortcut(QKeySequence.StandardKey.Find)
        edit.aboutToShow.connect(self._update_edit_actions)
        edit.aboutToHide.connect(lambda: self._update_edit_actions(every=True))
        self.view_menu = view = bar.addMenu("&View")
        for i, name in enumerate(PAGES, start=1):
            act = view.addAction(name, lambda name=name: self.show_page(name))
            act.setShortcut(f"Ctrl+{i}")
        view.addSeparator()
        self.back_action = view.addAction("&Back", self.go_back)
        self.back_action.setShortcuts([QKeySequence("Alt+Left"), QKeySequence("Esc")])
        help_menu = bar.addMenu("&Help")
        act = help_menu.addAction("&Keyboard shortcuts", self.show_shortcuts)
        act.setShortcut(QKeySequence.StandardKey.HelpContents)
        help_menu.addAction("&About meetingapp", self.show_about)
        self.help_menu = help_menu
        self.info_box: QMessageBox | None = None
        tools = self.addToolBar("Recording")
        tools.setObjectName("recordBar")
        tools.setMovable(False)
        tools.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        tools.addAction(self.recording.record_action)
        tools.addAction(self.recording.pause_action)
        tools.addAction(self.recording.stop_action)
        self.export_menu.aboutToShow.connect(self._update_export_actions)
        self.export_menu.aboutToHide.connect(lambda: self._update_export_actions(every=True))

    def _update_export_actions(self, every: bool = False) -> None:
        """Greyed out while the menu shows with no meeting to export; closed, enabled
        again so Ctrl+Shift+C works once a meeting is open or selected."""
        enabled = every or self.current_meeting_id() is not None
        for act in self.export_actions:
            act.setEnabled(enabled)

    def _update_edit_actions(self, every: bool = False) -> None:
        """Rename… and Delete… are greyed out while the menu shows with no meeting to
        act on; closed, they are enabled again so F2 and Delete keep working."""
        enabled = every or self.current_meeting_id() is not None
        self.library_page.rename_action.setEnabled(enabled)
        self.library_page.delete_action.setEnabled(enabled)

    def _page(self, name: str) -> tuple[QWidget, Callable[[], None]]:
        if name == "Search":
            self.search_page  # noqa: B018 - made on first use
        return self.pages[name]

    def _on_page(self, row: int) -> None:
        page, refresh = self._page(PAGES[row])
        refresh()
        self._go(page)

    def show_page(self, name: str) -> None:
        """Show a sidebar page (Ctrl+1 … Ctrl+5), also from the meeting view."""
        row = PAGES.index(name)
        if self.sidebar.currentRow() == row:
            self._on_page(row)  # from the meeting view, which keeps the row selected
        else:
            self.sidebar.setCurrentRow(row)

    def _data_changed(self) -> None:
        self.library_page.refresh()
        for page, refresh in self.pages.values():
            if page is self.stack.currentWidget():
                refresh()

    # -- navigation ---------------------------------------------------------
    def _go(self, page: QWidget) -> None:
        """Show ``page``, remembering the one it replaces for Back."""
        current = self.stack.currentWidget()
        if page is current:
            return
        if current is self.meeting_view:
            self.meeting_view.stop()
        self.history = [*self.history, current][-HISTORY:]
        self.stack.setCurrentWidget(page)

    def go_back(self) -> None:
        """Back to the page shown before (Alt+Left, Esc, the meeting view's back
        button): from a meeting opened in the search results, to those results."""
        if self.history:
            page = self.history.pop()
            if self.stack.currentWidget() is self.meeting_view:
                self.meeting_view.stop()
            for made, refresh in self.pages.values():
                if made is page:
                    refresh()
            self.stack.setCurrentWidget(page)
            self._select_sidebar(page)
            return
        if self.stack.currentWidget() is not self.library_page:
            self.show_library()

    def _select_sidebar(self, page: QWidget) -> None:
        """Mark ``page``'s sidebar row without navigating (a meeting marks Library)."""
        names = [name for name, (p, _) in self.pages.items() if p is page]
        self.sidebar.blockSignals(True)
        self.sidebar.setCurrentRow(PAGES.index(names[0]) if names else 0)
        self.sidebar.blockSignals(False)

    def show_library(self) -> None:
        self.show_page("Library")

    def find(self) -> None:
        """Ctrl+F: the search page, with its query selected to type over."""
        self.show_page("Search")
        self.search_page.box.setFocus()
        self.search_page.box.selectAll()

    def open_meeting(self, meeting_id: int, at: float | None = None) -> None:
        """Show a meeting; with ``at`` (seconds) it plays from that moment."""
        try:
            self.meeting_view.show_meeting(meeting_id)
        except MeetingAppError as e:
            self.show_problem(str(e))
            return
        self._go(self.meeting_view)
        self._select_sidebar(self.meeting_view)
        if at is not None:
            self.meeting_view.play_from(at)

    def current_meeting_id(self) -> int | None:
        """The meeting the Edit and Export menus act on: the one shown, or the one
        selected in the library; on the other pages, none."""
        current = self.stack.currentWidget()
        if current is self.meeting_view:
            return self.meeting_view.meeting.id if self.meeting_view.meeting else None
        if current is self.library_page:
            return self.library_page.selected_meeting()
        return None

    def _follow_shown_meeting(self) -> None:
        """The meeting shown was renamed, retyped or deleted (from the Edit menu, or
        by another process): show it as it is now, or go back when it is gone."""
        shown = self.meeting_view.meeting
        if shown is None or self.stack.currentWidget() is not self.meeting_view:
            return
        try:
            now = self.library.meeting(shown.id)
        except MeetingAppError:  # deleted: nothing to come back to either
            self.history = [p for p in self.history if p is not self.meeting_view]
            self.go_back()
            return
        if (now.title, now.type) != (shown.title, shown.type):
            self.meeting_view.show_meeting(shown.id)

    # -- importing ----------------------------------------------------------
    def import_paths(self, paths: list[Path], options: JobOptions | None = None) -> None:
        """Queue files, and the media files inside folders, without blocking the window;
        with ``options`` the user chose, else the settings' (a drop)."""
        if not paths:
            return
        self.statusBar().showMessage(f"Importing {len(paths)} item(s)…", 5000)
        self.bridge.submit(paths, options or self.library.job_options())

    def import_dialog(self) -> ImportDialog | None:
        patterns = " ".join(f"*{e}" for e in sorted(MEDIA_EXTENSIONS))
        files, _ = QFileDialog.getOpenFileNames(
            self, "Import recordings", "", f"Audio and video ({patterns});;All files (*)"
        )
        return self.ask_import_options([Path(f) for f in files]) if files else None

    def import_folder_dialog(self) -> ImportDialog | None:
        folder = QFileDialog.getExistingDirectory(self, "Import a folder of recordings")
        return self.ask_import_options([Path(folder)]) if folder else None

    def ask_import_options(self, paths: list[Path]) -> ImportDialog:
        """Title, type and language for what File > Import… chose; Import queues it."""
        dialog = ImportDialog(paths, self.library.job_options(), self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.import_paths(paths, dialog.options()))
        dialog.open()
        return dialog

    def _on_import_queued(self, path: str, job_id: int) -> None:
        self.job_sources[job_id] = path
        self.queue.add_job(job_id, path)
        self.statusBar().showMessage(f"Queued {Path(path).name}", 5000)

    def _on_duplicate(self, path: str, meeting_id: int) -> None:
        """Said in the queue panel too, with Open, until closed: a status-bar line
        alone was overwritten by the next message before it was read."""
        text = f"{Path(path).name} is already in the library as “{self._title(meeting_id)}”"
        self.statusBar().showMessage(text, 8000)
        self.queue.add_notice(text, meeting_id)

    def _title(self, meeting_id: int) -> str:
        try:
            return self.library.meeting(meeting_id).title
        except MeetingAppError:
            return f"meeting {meeting_id}"

    def _on_import_failed(self, path: str, message: str) -> None:
        self.show_problem(message)

    def show_problem(self, message: str, retry: bool = False) -> None:
        """A problem: in the status bar, and collected in one non-modal box (``retry``:
        a failed job's, which the box points to the queue panel for)."""
        self.statusBar().showMessage(message, 15000)
        self.problems.add(message, retry=retry)

    # -- jobs ---------------------------------------------------------------
    def _source_of(self, job_id: int) -> str:
        if job_id not in self.job_sources:
            self.job_sources[job_id] = self.library.job(job_id).source_path
        return self.job_sources[job_id]

    def _on_job_event(self, ev: JobEvent) -> None:
        self.queue.apply(ev, self._source_of(ev.job_id))
        if ev.status == "done":
            self.statusBar().showMessage(f"Transcribed {Path(self._source_of(ev.job_id)).name}")
            self._data_changed()
        elif ev.status == "failed":
            message = ev.error or f"{self._source_of(ev.job_id)}: processing failed"
            self.show_problem(message, retry=True)

    def cancel_job(self, job_id: int) -> None:
        try:
            self.library.cancel_job(job_id)
        except MeetingAppError as e:
            self.show_problem(str(e))

    def _show_failed_jobs(self) -> None:
        """Failed jobs of earlier runs, each with its error, Retry and Dismiss: the job
        table keeps them until the user decides, so a restart does not hide them."""
        for job in self.library.jobs(("failed",)):
            self.job_sources[job.id] = job.source_path
            event = JobEvent(job.id, "failed", job.stage, job.progress, error=job.error)
            self.queue.apply(event, job.source_path)

    def retry_job(self, job_id: int) -> None:
        """Queue a failed job again, off the GUI thread (it may copy the file back)."""
        library = self.library
        task = Task(lambda _p: library.retry_job(job_id), self)
        task.done.connect(lambda sub: self._retried(job_id, sub))
        task.failed.connect(lambda message: self._retry_failed(job_id, message))
        task.start(self.pool)

    def _retried(self, job_id: int, sub: Submitted) -> None:
        if sub.job_id == job_id:
            return  # queued again: its row follows the job's events
        self.queue.remove_job(job_id)  # moot: the recording is a meeting or a job by now
        if sub.job_id is not None:
            self.queue.add_job(sub.job_id, self._source_of(sub.job_id))
        elif sub.existing_meeting_id is not None:
            self._on_duplicate(self._source_of(job_id), sub.existing_meeting_id)

    def _retry_failed(self, job_id: int, message: str) -> None:
        row = self.queue.rows.get(job_id)
        if row is not None:
            row.note(message)
        self.show_problem(message)

    def dismiss_job(self, job_id: int) -> None:
        try:
            self.library.dismiss_job(job_id)
        except MeetingAppError as e:
            self.show_problem(str(e))
        else:
            self.queue.remove_job(job_id)

    def start(self) -> list[int]:
        """Load the models while idle, then queue what an earlier run left unfinished
        (it shows in the queue panel) and recordings a crash interrupted; the search
        engine is imported meanwhile. ``ui/app.py`` calls it after the first paint."""
        self.warm_up()
        self.llm_prompt = offer_minutes_model(self.library, self.pool, self)
        ids = self.library.resume_unfinished()
        library = self.library
        self._run(lambda _p: library.recover_recordings(), self._show_jobs)
        self._run(lambda _p: [importlib.import_module(m) for m in LATER_IMPORTS], lambda _: None)
        return ids

    def _run(self, fn: Callable[[ProgressFn], Any], on_done: Callable[[Any], None]) -> Task:
        task = Task(fn, self)
        task.done.connect(on_done)
        task.failed.connect(self.show_problem)
        task.start(self.pool)
        return task

    def _show_jobs(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            self.queue.add_job(job_id, self._source_of(job_id))

    # -- recording ----------------------------------------------------------
    def record_dialog(self) -> None:
        """Choose an input (listed off the GUI thread: it may ask the sound server)."""
        self._run(lambda _p: rec.list_input_devices(refresh=True), self._choose_device)

    def _choose_device(self, devices: list[rec.InputDevice]) -> None:
        if not devices:
            if self.record_box is None:
                self.record_box = QMessageBox(self)
                self.record_box.setIcon(QMessageBox.Icon.Information)
                self.record_box.setWindowTitle("Nothing to record from")
                self.record_box.setWindowModality(Qt.WindowModality.NonModal)
            self.record_box.setText(rec.NO_DEVICES)
            self.record_box.show()
            self.statusBar().showMessage(rec.NO_DEVICES, 10000)
            return
        dialog = rec.RecordDialog(devices, self)
        if dialog.exec():
            choice = dialog.chosen()
            self.start_recording(choice.device, choice.auto)

    def start_recording(
        self,
        device: str | None,
        auto: bool,
        live: bool = True,
        source: rec.AudioSource | None = None,
    ) -> None:
        self.recording.begin()
        self.recorder.start(device, auto, live=live, source=source)

    def _recorded(self, result: rec.RecordResult) -> None:
        self._show_jobs(result.job_ids)
        n = len(result.job_ids)
        self.statusBar().showMessage(f"Recording finished: {n} file(s) queued", 8000)
        if result.problem:
            self.show_problem(result.problem)

    def warm_up(self) -> None:
        settings, data = self.engine.settings, self.data
        task = Task(lambda _p: warm_up(settings, data), self)
        task.done.connect(lambda name: self.statusBar().showMessage(f"Model {name} ready", 5000))
        task.done.connect(self.warmed_up)
        task.failed.connect(lambda e: self.statusBar().showMessage(e, 15000))
        task.start(self.pool)

    # -- settings and export ------------------------------------------------
    def open_settings(self) -> None:
        dialog = SettingsDialog(self.library, self.engine.settings, self.pool, self)
        if dialog.exec():  # saved through the library: the runner has the new settings
            self.statusBar().showMessage("Settings saved", 5000)
            self.warm_up()

    def open_minutes_model(self) -> None:
        """The minutes-model offer on request, even after "Not now"."""
        dialog = self.llm_prompt = LlmPromptDialog(self.library, self.pool, self)
        dialog.accepted.connect(lambda: self.statusBar().showMessage(dialog.status.text(), 8000))
        dialog.open()

    def export_meeting(self, meeting_id: int, fmt: str, path: Path) -> None:
        """The CLI's export, byte for byte; the save dialog already asked before
        replacing a file."""
        self.library.export_to(meeting_id, fmt, path, force=True)

    def export_dialog(self, fmt: str) -> Path | None:
        """Save the meeting shown or selected as ``fmt``: the dialog starts in the last
        export's folder, else Documents, with the CLI's file name (``ui/export.py``)."""
        meeting_id = self._meeting_to_export()
        if meeting_id is None:
            return None
        try:
            path = export.export_meeting(self, self.library, meeting_id, fmt)
        except MeetingAppError as e:
            self.show_problem(str(e))
            return None
        if path is not None:
            self._export_note(f"Exported {path.name}")
        return path

    def copy_markdown(self) -> None:
        """The meeting shown or selected, as Markdown (transcript and minutes), on the
        clipboard."""
        meeting_id = self._meeting_to_export()
        if meeting_id is not None:
            export.copy_markdown(self.library, meeting_id)
            self._export_note("Copied as Markdown")

    def _meeting_to_export(self) -> int | None:
        meeting_id = self.current_meeting_id()
        if meeting_id is None:  # a shortcut on a page without a meeting: say why nothing
            self.statusBar().showMessage("Open or select a meeting to export it", 5000)
        return meeting_id

    def _export_note(self, text: str) -> None:
        """Beside the meeting's Export button while it shows, else in the status bar."""
        if self.stack.currentWidget() is self.meeting_view:
            self.meeting_view.show_note(text)
        else:
            self.statusBar().showMessage(text, 8000)

    # -- help -----------------------------------------------------------------
    def about_text(self) -> str:
        return (
            f"<h3>meetingapp {__version__}</h3>"
            "<p>Local-first meeting transcription: speakers, minutes, action items and"
            " search. Recordings and everything made from them stay on this computer.</p>"
            f"<p>Data folder: {self.data}</p>"
        )

    def shortcuts(self) -> list[tuple[str, str]]:
        """(keys, what they do): the menus', the library table's and the meeting view's
        shortcuts (``meeting_view.SHORTCUTS``), for Help > Keyboard shortcuts."""
        found: list[tuple[str, str]] = []
        actions = [
            a for menu in self.menuBar().actions() if menu.menu() for a in menu.menu().actions()
        ]
        actions += self.library_page.table.actions()
        for act in actions:
            keys = " / ".join(
                k.toString(QKeySequence.SequenceFormat.NativeText) for k in act.shortcuts()
            )
            entry = (keys, act.text().replace("&", "").rstrip("…"))
            if keys and entry not in found:
                found.append(entry)
        found.append(("Enter / double-click", "Open the selected meeting"))
        found.append(("Right-click a meeting", "Open, rename, change type, delete"))
        found += SHORTCUTS
        found.append(("Tab / Shift+Tab", "Move between the lists and buttons"))
        found.append(("Esc", "In a dialog: close it"))
        return found

    def shortcuts_text(self) -> str:
        rows = "".join(
            f"<tr><td><b>{k}</b>&nbsp;&nbsp;</td><td>{v}</td></tr>" for k, v in self.shortcuts()
        )
        return f"<table>{rows}</table>"

    def _show_info(self, title: str, text: str) -> QMessageBox:
        """A non-blocking box (one, reused) the tests can read."""
        if self.info_box is None:
            self.info_box = QMessageBox(self)
            self.info_box.setIcon(QMessageBox.Icon.Information)
            self.info_box.setTextFormat(Qt.TextFormat.RichText)
        box = self.info_box
        box.setWindowTitle(title)
        box.setText(text)
        box.open()
        return box

    def show_about(self) -> QMessageBox:
        return self._show_info("About meetingapp", self.about_text())

    def show_shortcuts(self) -> QMessageBox:
        return self._show_info("Keyboard shortcuts", self.shortcuts_text())

    # -- closing ------------------------------------------------------------
    def _ask_close(self, count: int) -> CloseChoice:
        box = QMessageBox(self)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Recordings are still being processed")
        box.setText(f"{count} recording(s) are still being processed.")
        box.setInformativeText("Keep them to continue at the next start, or cancel them?")
        keep = box.addButton("Keep for next start", QMessageBox.ButtonRole.AcceptRole)
        cancel = box.addButton("Cancel them", QMessageBox.ButtonRole.DestructiveRole)
        stay = box.addButton("Don't close", QMessageBox.ButtonRole.RejectRole)
        # Enter (or Escape) must not quit: the safe answer is the default.
        box.setDefaultButton(stay)
        box.setEscapeButton(stay)
        box.exec()
        if box.clickedButton() is keep:
            return CloseChoice.KEEP_JOBS
        if box.clickedButton() is cancel:
            return CloseChoice.CANCEL_JOBS
        return CloseChoice.STAY

    def closeEvent(self, event: QCloseEvent) -> None:
        unfinished = [j.id for j in self.library.jobs(UNFINISHED)]
        choice = self.confirm_close(len(unfinished)) if unfinished else CloseChoice.CANCEL_JOBS
        if choice is CloseChoice.STAY:
            event.ignore()
            return
        save(self, self.state)
        self.library_page.poll.stop()
        self.meeting_view.stop()
        self.recorder.shutdown()
        self.bridge.shutdown()
        if choice is CloseChoice.KEEP_JOBS:
            self.kept_jobs = True
        else:
            # A running job stops at its next check; that can take a moment.
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
            try:
                for job_id in unfinished:
                    self.cancel_job(job_id)
                self.engine.shutdown(cancel=True)
            finally:
                QApplication.restoreOverrideCursor()
        self.pool.shutdown(wait=False, cancel_futures=True)
        event.accept()
