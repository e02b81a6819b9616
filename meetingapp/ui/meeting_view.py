"""One meeting: waveform with speaker timeline, player and the editable transcript."""

from __future__ import annotations

import contextlib
import html
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import Q_ARG, QMetaObject, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtMultimedia import QAudio, QAudioOutput, QMediaDevices, QMediaPlayer
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSplitter,
    QStackedWidget,
    QStyle,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from meetingapp.domain.meetings import Meeting
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.times import clock
from meetingapp.domain.transcript import Segment
from meetingapp.engine.audio import load_audio
from meetingapp.engine.waveform import peak_envelope
from meetingapp.errors import MeetingAppError, NotFoundError
from meetingapp.library import Library
from meetingapp.ui.bridge import Task
from meetingapp.ui.edit_dialogs import SegmentTextDialog
from meetingapp.ui.minutes_panel import MinutesPanel
from meetingapp.ui.speaker_colors import SpeakerColors, speaker_name
from meetingapp.ui.transcript_view import TranscriptView
from meetingapp.ui.waveform_view import WaveformView

if TYPE_CHECKING:  # the learner behind it loads scikit-learn: only when a meeting opens
    from meetingapp.engine.speakers.conversation import ProposedName

NO_AUDIO = "No audio output device: playback is off"
NO_SPEECH = (
    "<p><b>No speech was found in this recording.</b></p>"
    "<p>It may be silent, or the voices too quiet or far from the microphone. "
    "You can still play it, and export or delete it from the library.</p>"
)
#: what the skip buttons and the Left/Right keys move, in seconds
SKIP_S = 5.0
#: playback rates offered, slowest first ("[" and "]" step through them)
SPEEDS = (0.75, 1.0, 1.25, 1.5, 1.75, 2.0)
#: what Ctrl+Up / Ctrl+Down change the volume by, in slider steps (0-100)
VOLUME_STEP = 10
#: how long a note such as "Copied as Markdown" stays beside the Export button
NOTE_MS = 5000
#: the meeting view's keys for Help > Keyboard shortcuts (the QShortcuts made below)
SHORTCUTS = (
    ("Space", "In a meeting: play / pause"),
    ("Left / Right", f"In a meeting: back / forward {SKIP_S:g} s"),
    ("[ / ]", "In a meeting: slower / faster (0.75× to 2×)"),
    ("=", "In a meeting: normal speed"),
    ("Ctrl+Up / Ctrl+Down", "In a meeting: volume up / down"),
    ("M", "In a meeting: mute / unmute"),
    ("Ctrl+C", "In a meeting's minutes: copy the selected item"),
)


def has_audio_output() -> bool:
    """Whether the system has a sound output. Without one Qt's FFmpeg backend still
    "plays" (its clock runs and words light up) while nothing can be heard."""
    return bool(QMediaDevices.audioOutputs())


def speed_label(rate: float) -> str:
    return f"{rate:g}×"


def linear_volume(percent: int) -> float:
    """The output gain for a slider position: the slider is perceptual (half way
    sounds half as loud), the audio output linear."""
    return float(
        QAudio.convertVolume(
            percent / 100,
            QAudio.VolumeScale.LogarithmicVolumeScale,
            QAudio.VolumeScale.LinearVolumeScale,
        )
    )


class MeetingView(QWidget):
    back_requested = Signal()
    #: the meeting's transcript or speakers changed in the store
    changed = Signal(int)
    #: a waveform finished loading (meeting id)
    waveform_ready = Signal(int)
    error = Signal(str)

    def __init__(self, library: Library, pool: ThreadPoolExecutor) -> None:
        super().__init__()
        self.library, self.pool = library, pool
        self.data = library.data
        self.meeting: Meeting | None = None
        self.segments: list[Segment] = []
        self.colors = SpeakerColors([])
        #: unnamed voice (as shown) -> the name the conversation suggests for it
        self.proposals: dict[str, ProposedName] = {}
        #: speakers the import named from the conversation -> why (the evidence)
        self.heard: dict[str, str] = {}

        self.player = QMediaPlayer(self)
        self.audio_out = QAudioOutput(self)
        self.player.setAudioOutput(self.audio_out)
        self.devices = QMediaDevices(self)
        self.devices.audioOutputsChanged.connect(self._outputs_changed)
        # Queued: the FFmpeg backend emits this while holding its own locks (a direct
        # slot that restyles widgets deadlocked in QMediaPlayer.stop()).
        self.player.positionChanged.connect(self._on_position, Qt.ConnectionType.QueuedConnection)
        self.player.playbackStateChanged.connect(self._on_state)
        self.player.mediaStatusChanged.connect(
            self._on_media_status, Qt.ConnectionType.QueuedConnection
        )
        #: where to start once the recording is loaded (a seek before that is lost)
        self._pending_ms: int | None = None
        self._loaded = False
        self._url = QUrl()
        self.player.errorOccurred.connect(
            lambda _e, text: self.error.emit(f"{self._source_label()}: cannot play ({text})")
        )

        back = QPushButton("‹ Library")
        back.setFlat(True)
        back.clicked.connect(self.back_requested)
        self.title = QLabel()
        self.title.setObjectName("meetingTitle")
        self.meta = QLabel()
        self.meta.setObjectName("hint")
        #: opens the window's Export menu (``ui/main_window.py``): one set of export
        #: actions, the same from the menu bar, this button and Ctrl+Shift+C
        self.export_button = QToolButton()
        self.export_button.setText("Export")
        self.export_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        #: what the last export or copy did, beside the button for a few seconds
        self.note = QLabel()
        self.note.setObjectName("hint")
        self._note_timer = QTimer(self, singleShot=True, interval=NOTE_MS)
        self._note_timer.timeout.connect(self.note.clear)
        head = QHBoxLayout()
        head.addWidget(back)
        titles = QVBoxLayout()
        titles.setSpacing(0)
        titles.addWidget(self.title)
        titles.addWidget(self.meta)
        head.addLayout(titles, 1)
        head.addWidget(self.note)
        head.addWidget(self.export_button)

        self.waveform = WaveformView()
        self.waveform.seek_requested.connect(self.play_from)
        self.play_button = QPushButton("Play")
        self.play_button.setFixedWidth(80)
        self.play_button.clicked.connect(self.toggle_play)
        self.back_button = QPushButton(f"−{SKIP_S:g} s")
        self.back_button.setToolTip(f"Back {SKIP_S:g} s (Left)")
        self.back_button.clicked.connect(lambda: self.skip(-SKIP_S))
        self.forward_button = QPushButton(f"+{SKIP_S:g} s")
        self.forward_button.setToolTip(f"Forward {SKIP_S:g} s (Right)")
        self.forward_button.clicked.connect(lambda: self.skip(SKIP_S))
        self.speed = QComboBox()
        self.speed.setObjectName("speed")
        self.speed.setToolTip("Playback speed ([ slower, ] faster, = normal)")
        for rate in SPEEDS:
            self.speed.addItem(speed_label(rate), rate)
        self.speed.setCurrentIndex(SPEEDS.index(1.0))
        self.speed.currentIndexChanged.connect(lambda i: self.set_speed(SPEEDS[i]))
        self.mute_button = QToolButton()
        self.mute_button.setCheckable(True)
        self.mute_button.setToolTip("Mute (M)")
        self.mute_button.toggled.connect(self.set_muted)
        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setObjectName("volume")
        self.volume.setRange(0, 100)
        self.volume.setPageStep(VOLUME_STEP)
        self.volume.setFixedWidth(96)
        self.volume.valueChanged.connect(self.set_volume)
        self.volume.setValue(100)  # calls set_volume
        self.set_muted(False)
        keys: list[tuple[str, Callable[[], object]]] = [
            ("Space", self.toggle_play),
            ("Left", lambda: self.skip(-SKIP_S)),
            ("Right", lambda: self.skip(SKIP_S)),
            ("[", lambda: self.step_speed(-1)),
            ("]", lambda: self.step_speed(1)),
            ("=", lambda: self.set_speed(1.0)),
            ("Ctrl+Up", lambda: self.volume.setValue(self.volume.value() + VOLUME_STEP)),
            ("Ctrl+Down", lambda: self.volume.setValue(self.volume.value() - VOLUME_STEP)),
            ("M", self.mute_button.toggle),
        ]
        context = Qt.ShortcutContext.WidgetWithChildrenShortcut
        for key, act in keys:
            shortcut = QShortcut(QKeySequence(key), self, context=context)
            shortcut.activated.connect(act)
        self.no_audio = QLabel(NO_AUDIO)
        self.no_audio.setObjectName("playbackOff")
        self.no_audio.setStyleSheet("color: #b3261e; font-weight: bold;")
        self.no_audio.hide()
        self.clock = QLabel("00:00 / 00:00")
        self.clock.setObjectName("clock")
        self.legend = QLabel()
        self.legend.setObjectName("hint")
        # Many speakers wrap onto a second line rather than widen the window.
        self.legend.setWordWrap(True)
        self.legend.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.legend.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        controls = QHBoxLayout()
        controls.addWidget(self.back_button)
        controls.addWidget(self.play_button)
        controls.addWidget(self.forward_button)
        controls.addWidget(self.clock)
        controls.addSpacing(8)
        controls.addWidget(self.speed)
        controls.addWidget(self.mute_button)
        controls.addWidget(self.volume)
        controls.addWidget(self.legend, 1)

        self.transcript = TranscriptView()
        self.transcript.play_requested.connect(self.play_from)
        self.transcript.menu_requested.connect(self._segment_menu)
        self.no_speech = QLabel(NO_SPEECH)
        self.no_speech.setObjectName("noSpeech")
        self.no_speech.setWordWrap(True)
        self.no_speech.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_speech.setMargin(24)
        self.no_speech.setStyleSheet("#noSpeech { background: white; }")  # as the transcript
        #: the transcript, or the message that there is none
        self.transcript_stack = QStackedWidget()
        self.transcript_stack.addWidget(self.transcript)
        self.transcript_stack.addWidget(self.no_speech)

        self.minutes = MinutesPanel(library, pool)
        self.minutes.seek_requested.connect(self.play_from)
        self.minutes.changed.connect(self.changed)
        self.minutes.error.connect(self.error)
        self.split = QSplitter()
        self.split.setChildrenCollapsible(False)
        self.split.addWidget(self.transcript_stack)
        self.split.addWidget(self.minutes)
        # Half and half: at 1024 px the minutes' columns need the room, and wider
        # windows give both more.
        self.split.setStretchFactor(0, 1)
        self.split.setStretchFactor(1, 1)
        self.split.setSizes([500, 500])

        lay = QVBoxLayout(self)
        lay.setContentsMargins(16, 12, 16, 8)
        lay.addLayout(head)
        lay.addWidget(self.waveform)
        lay.addLayout(controls)
        lay.addWidget(self.no_audio)
        lay.addWidget(self.split, 1)

    # -- loading ------------------------------------------------------------
    @property
    def source(self) -> Path | None:
        return None if self.meeting is None else self.data / self.meeting.source_path

    def _source_label(self) -> str:
        return self.meeting.source_name if self.meeting else "recording"

    def show_meeting(self, meeting_id: int) -> None:
        self.stop()
        self._pending_ms = None
        self._loaded = False
        self.meeting = self.library.meeting(meeting_id)
        self.segments = self.library.segments(meeting_id)
        self.proposals = {}
        self._recolor()
        self._load_proposals(meeting_id)
        m = self.meeting
        self.title.setText(m.title)
        date = m.date[:16].replace("T", " ")
        self.meta.setText(f"{date} · {clock(m.duration)} · {m.type} · {m.language or '?'}")
        self.transcript.set_segments(self.segments, self.colors)
        self.transcript_stack.setCurrentWidget(self.transcript if self.segments else self.no_speech)
        self.waveform.set_meeting(m.duration, self.segments, self.colors)
        self.minutes.show_meeting(meeting_id)
        self._update_clock(0)
        # The playback keys work at once, without a click into the meeting first.
        (self.transcript if self.segments else self.play_button).setFocus()
        source = self.source
        assert source is not None
        if source.exists():
            self._url = QUrl.fromLocalFile(str(source))
            self._call("setSource", Q_ARG(QUrl, self._url))
            self._load_peaks(meeting_id, source)
        else:
            self._url = QUrl()
            self._call("setSource", Q_ARG(QUrl, self._url))
            self.error.emit(f"{source}: the stored recording is missing; playback is off")
        self._update_playable()

    def _load_peaks(self, meeting_id: int, source: Path) -> None:
        def work(progress: ProgressFn) -> tuple[int, np.ndarray]:
            return meeting_id, peak_envelope(load_audio(source), bins=4000)

        task = Task(work, self)
        task.done.connect(self._peaks_done)
        task.failed.connect(self.error)
        task.start(self.pool)

    def _load_proposals(self, meeting_id: int) -> None:
        """Names for unnamed voices learnt from the conversation ("Thanks, Carol"), off
        the GUI thread: the learner loads scikit-learn on first use."""
        library = self.library

        def work(_progress: ProgressFn) -> tuple[int, dict[str, ProposedName]]:
            try:
                return meeting_id, library.proposed_names(meeting_id)
            except NotFoundError:  # deleted meanwhile: nothing to propose, nothing to say
                return meeting_id, {}

        task = Task(work, self)
        task.done.connect(self._proposals_done)
        task.failed.connect(self.error)
        task.start(self.pool)

    def _proposals_done(self, result: tuple[int, dict[str, ProposedName]]) -> None:
        meeting_id, proposals = result
        if self.meeting is not None and self.meeting.id == meeting_id:
            self.proposals = proposals
            # deleted while its names were learnt: the window moves on to another
            with contextlib.suppress(NotFoundError):
                self._recolor()

    def _peaks_done(self, result: tuple[int, np.ndarray]) -> None:
        meeting_id, peaks = result
        if self.meeting is not None and self.meeting.id == meeting_id:
            self.waveform.set_peaks(peaks)
            self.waveform_ready.emit(meeting_id)

    def _recolor(self) -> None:
        assert self.meeting is not None
        speakers = self.library.speakers_of(self.meeting.id)
        self.heard = {
            s.name: s.heard for s in self.library.meeting_speakers(self.meeting.id) if s.heard
        }
        self.colors = SpeakerColors(speakers)
        self.legend.setText(
            "   ".join(
                f'<span style="color:{self.colors(s).name()}">●</span>'
                f" {html.escape(speaker_name(s))}{self._proposal_hint(s)}"
                for s in speakers
            )
        )

    def _proposal_hint(self, who: str | None) -> str:
        """' (Carol?)' after a voice the conversation suggests a name for; without the
        question mark when it is sure (a self-introduction someone else confirmed);
        ' (heard)' after a name the import took from the conversation."""
        if (who or "") in self.heard:  # named from the talk at import: say so
            return " <i>(heard)</i>"
        p = self.proposals.get(who or "")
        if p is None:
            return ""
        return f" <i>({html.escape(p.name)}{'' if p.applied else '?'})</i>"

    # -- playback -----------------------------------------------------------
    @property
    def playable(self) -> bool:
        """A sound output and a recording: else nothing plays (or pretends to)."""
        return not self._url.isEmpty() and has_audio_output()

    def _outputs_changed(self) -> None:
        self.audio_out.setDevice(QMediaDevices.defaultAudioOutput())
        self._update_playable()

    def _update_playable(self) -> None:
        self.no_audio.setVisible(not has_audio_output())
        playable = self.playable
        controls = (
            self.play_button,
            self.back_button,
            self.forward_button,
            self.speed,
            self.mute_button,
            self.volume,
        )
        for control in controls:
            control.setEnabled(playable)
        if not playable and self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self._call("pause")

    def play_from(self, seconds: float) -> None:
        if not self.playable:
            return
        ms = int(seconds * 1000)
        if self._loaded:
            self._call("setPosition", Q_ARG("qint64", ms))
        else:
            self._pending_ms = ms
        self._call("play")
        self._on_position(ms)

    def _on_media_status(self, _status: QMediaPlayer.MediaStatus) -> None:
        # Queued: the status may be stale, so look at the player as it is now.
        loaded = (QMediaPlayer.MediaStatus.LoadedMedia, QMediaPlayer.MediaStatus.BufferedMedia)
        if self.player.mediaStatus() in loaded and self.player.source() == self._url:
            self._loaded = True
            if self._pending_ms is not None:
                self.player.setPosition(self._pending_ms)
                self._pending_ms = None

    def toggle_play(self) -> None:
        if self.player.playbackState() == QMediaPlayer.PlaybackState.PlayingState:
            self.player.pause()
        elif self.playable:
            self.player.play()

    def skip(self, seconds: float) -> None:
        """Move the playhead by ``seconds`` (kept inside the recording), playing or not."""
        if not self.playable or self.meeting is None:
            return
        t = min(max(self.waveform.position + seconds, 0.0), self.meeting.duration)
        ms = int(round(t * 1000))
        if self._loaded:
            self._call("setPosition", Q_ARG("qint64", ms))
        else:
            self._pending_ms = ms
        self._on_position(ms)

    def set_speed(self, rate: float) -> None:
        """Play at ``rate`` (one of SPEEDS); kept for the next meetings too."""
        self.speed.setCurrentIndex(SPEEDS.index(rate))
        self.player.setPlaybackRate(rate)

    def step_speed(self, step: int) -> None:
        """One speed slower (-1) or faster (+1), stopping at 0.75× and 2×."""
        if not self.playable:
            return
        i = min(max(self.speed.currentIndex() + step, 0), len(SPEEDS) - 1)
        self.set_speed(SPEEDS[i])

    def set_volume(self, percent: int) -> None:
        self.audio_out.setVolume(linear_volume(percent))
        self.volume.setToolTip(f"Volume {percent}% (Ctrl+Up / Ctrl+Down)")
        if percent > 0 and self.mute_button.isChecked():
            self.mute_button.setChecked(False)  # turning it up means "I want to hear it"

    def set_muted(self, muted: bool) -> None:
        self.audio_out.setMuted(muted)
        icon = (
            QStyle.StandardPixmap.SP_MediaVolumeMuted
            if muted
            else QStyle.StandardPixmap.SP_MediaVolume
        )
        self.mute_button.setIcon(self.style().standardIcon(icon))
        self.mute_button.setToolTip("Unmute (M)" if muted else "Mute (M)")

    def stop(self) -> None:
        self._call("stop")

    def _call(self, slot: str, *args: object) -> None:
        """Call a player slot from the event loop, not from Python.

        Stopping or replacing the source joins FFmpeg threads that may need the
        GIL to finish; a direct call from Python holds it and deadlocks.
        """
        QMetaObject.invokeMethod(self.player, slot, Qt.ConnectionType.QueuedConnection, *args)

    def _on_state(self, state: QMediaPlayer.PlaybackState) -> None:
        playing = state == QMediaPlayer.PlaybackState.PlayingState
        self.play_button.setText("Pause" if playing else "Play")

    def _on_position(self, ms: int) -> None:
        t = ms / 1000
        self.waveform.set_position(t)
        self.transcript.follow(t)
        self._update_clock(t)

    def _update_clock(self, t: float) -> None:
        total = self.meeting.duration if self.meeting else 0.0
        self.clock.setText(f"{clock(t)} / {clock(total)}")

    # -- editing ------------------------------------------------------------
    def speakers(self) -> list[str | None]:
        assert self.meeting is not None
        return self.library.speakers_of(self.meeting.id)

    def _reload(self) -> None:
        assert self.meeting is not None
        self.segments = self.library.segments(self.meeting.id)
        self.proposals = {}
        self._recolor()
        self._load_proposals(self.meeting.id)
        self.transcript.recolor(self.segments, self.colors)
        self.waveform.set_meeting(self.meeting.duration, self.segments, self.colors)
        self._load_peaks(self.meeting.id, self.data / self.meeting.source_path)
        self.minutes.reload()
        self.changed.emit(self.meeting.id)

    def edit_text(self, idx: int, text: str) -> None:
        assert self.meeting is not None
        self.segments[idx] = self.library.edit_segment(self.meeting.id, idx, text)
        self.transcript.update_segment(idx, self.segments[idx])
        self.changed.emit(self.meeting.id)

    def rename_speaker(self, old: str | None, new: str) -> None:
        assert self.meeting is not None
        self.library.name_speaker(self.meeting.id, old, new)
        self._reload()

    def suggestion(self, who: str | None) -> str | None:
        """The known person this speaker's voice resembles, if the engine suggested one."""
        assert self.meeting is not None
        return self.library.suggestion(self.meeting.id, who)

    def unname_heard(self, who: str) -> None:
        """The name the import learnt from the conversation is wrong: "Speaker N" again."""
        assert self.meeting is not None
        try:
            self.library.unname_heard(self.meeting.id, who)
        except MeetingAppError as e:
            self.error.emit(str(e))
            return
        self._reload()

    def name_voice(self, who: str | None, name: str) -> None:
        """Name the speaker and teach that person's profile this voice."""
        assert self.meeting is not None
        try:
            self.library.name_speaker(self.meeting.id, who, name, learn=True)
        except MeetingAppError as e:
            self.error.emit(str(e))
            return
        self._reload()

    def reassign(self, idx: int, speaker: str) -> None:
        assert self.meeting is not None
        self.library.reassign(self.meeting.id, [idx], speaker)
        self._reload()

    def _segment_menu(self, idx: int, pos: QPoint) -> None:
        seg = self.segments[idx]
        menu = QMenu(self)
        menu.addAction("Play from here", lambda: self.play_from(seg.start))
        menu.addAction("Edit text…", lambda: self.ask_edit(idx))
        menu.addAction(
            f"Rename {speaker_name(seg.speaker)}…", lambda: self._ask_rename(seg.speaker)
        )
        if (seg.speaker or "") in self.heard:
            menu.addAction(
                f"Undo the name {seg.speaker} (heard in the meeting)",
                lambda: self.unname_heard(seg.speaker or ""),
            )
        heard = self.proposals.get(seg.speaker or "")
        if heard is not None:
            menu.addAction(
                f"Name as {heard.name} (heard in the meeting)",
                lambda: self.name_voice(seg.speaker, heard.name),
            )
        suggested = self.suggestion(seg.speaker)
        if suggested:
            menu.addAction(
                f"Confirm as {suggested}", lambda: self.name_voice(seg.speaker, suggested)
            )
        menu.addAction("Enroll this voice as…", lambda: self._ask_enroll(seg.speaker))
        assign = menu.addMenu("Assign to speaker")
        for s in self.speakers():
            if s != seg.speaker and s:
                assign.addAction(s, lambda s=s: self.reassign(idx, s))
        assign.addAction("New speaker…", lambda: self._ask_new_speaker(idx))
        menu.popup(pos)

    def ask_edit(self, idx: int) -> SegmentTextDialog:
        """The edit box for a line, open (not blocking); saving writes it through the library."""
        dialog = SegmentTextDialog(self.segments[idx], self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.accepted.connect(lambda: self.edit_text(idx, dialog.text()))
        dialog.open()
        return dialog

    def show_note(self, text: str) -> None:
        self.note.setText(text)
        self._note_timer.start()

    def _ask_rename(self, old: str | None) -> None:
        name, ok = QInputDialog.getText(
            self,
            "Rename speaker",
            f"New name for {speaker_name(old)} in this meeting:",
            text=old or "",
        )
        if ok and name.strip():
            self.rename_speaker(old, name)

    def _ask_enroll(self, who: str | None) -> None:
        names = [p.name for p in self.library.profiles()]
        name, ok = QInputDialog.getItem(
            self,
            "Enroll this voice",
            f"Whose voice is {speaker_name(who)}? (a known person or a new name)",
            names,
            editable=True,
        )
        if ok and name.strip():
            self.name_voice(who, name)

    def _ask_new_speaker(self, idx: int) -> None:
        name, ok = QInputDialog.getText(self, "Assign to speaker", "Speaker name:")
        if ok and name.strip():
            self.reassign(idx, name.strip())
