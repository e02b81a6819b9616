"""The service layer: one library (a data folder) and every user action on it, once.

The window, the command line and the REST API call this; none of them opens the
database or writes an export on its own, so an action cannot drift into two
behaviours (the window once exported Markdown without the minutes the CLI
included). Each method opens its connection with ``with self.connect() as db:``,
which always closes, so work on a background thread leaves no connection behind.

Search and ask import their engine (chromadb, the text embedder) only when they
run: the other commands would otherwise pay for it at every start.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import sqlite_utils

from meetingapp.config import Settings, data_dir
from meetingapp.domain.analytics import Bar, Totals
from meetingapp.domain.audio import SpeechRegion
from meetingapp.domain.jobs import Job, JobOptions
from meetingapp.domain.meetings import Meeting
from meetingapp.domain.minutes import Minutes, TrackedAction
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.speakers import MeetingSpeaker, Profile
from meetingapp.domain.transcript import Segment
from meetingapp.engine.jobs import JobRunner, Submitted
from meetingapp.errors import MeetingAppError
from meetingapp.store import analytics
from meetingapp.store import jobs as jobstore
from meetingapp.store import meetings as meetingstore
from meetingapp.store import minutes as minutestore
from meetingapp.store import speakers as speakerstore
from meetingapp.store.db import DB_NAME, describe_db_error, open_db
from meetingapp.store.export import MeetingExport, export_filename, render
from meetingapp.store.voice_samples import add_samples, remove_files, sample_files

if TYPE_CHECKING:
    from meetingapp.domain.recording import Recorded
    from meetingapp.engine.ask import Answer
    from meetingapp.engine.recording import RecordControls
    from meetingapp.engine.recording.autorecord import RecorderStatus
    from meetingapp.engine.recording.feed import FeedReader
    from meetingapp.engine.recording.live import LiveText
    from meetingapp.engine.recording.source import AudioSource
    from meetingapp.engine.search import SearchQuery, SearchResults
    from meetingapp.engine.speakers.conversation import ProposedName

T = TypeVar("T")


class Library:
    """The user's meetings in one data folder.

    ``engine`` is the job runner of a long-lived caller (the window, ``transcribe``):
    imports queue on it and cancels go through it. Without one, an action that needs
    a runner starts one for itself.
    """

    def __init__(self, data: Path | None = None, engine: JobRunner | None = None) -> None:
        self.data = data if data is not None else data_dir()
        self.engine = engine

    # -- settings and connections ------------------------------------------
    def settings(self) -> Settings:
        """The settings in force: the runner's (the window updates it), else the file's."""
        return self.engine.settings if self.engine is not None else Settings.load(self.data)

    def save_settings(self, settings: Settings) -> None:
        settings.save(self.data)
        if self.engine is not None:
            self.engine.settings = settings

    @contextmanager
    def connect(self) -> Iterator[sqlite_utils.Database]:
        """A connection of its own (one per thread), closed when the block ends."""
        db = open_db(self.data)
        try:
            yield db
        finally:
            db.close()

    def describe_db_error(self, e: sqlite3.Error) -> str:
        """One line for a database error, naming the database file."""
        return describe_db_error(self.data / DB_NAME, e)

    @contextmanager
    def runner(self, workers: int = 1) -> Iterator[JobRunner]:
        """The caller's job runner, or one for this action (closed when it ends)."""
        if self.engine is not None:
            yield self.engine
            return
        engine = JobRunner(self.data, workers=workers)
        try:
            yield engine
        finally:
            engine.close()

    # -- importing and jobs ---------------------------------------------------
    def job_options(
        self, model: str | None = None, language: str | None = None, **chosen: Any
    ) -> JobOptions:
        """What a new recording is processed with: the user's choices, else the settings
        (the Whisper model and the language), the same for the window and the CLI."""
        from meetingapp.engine.whisper_models import DEFAULT_MODEL

        s = self.settings()
        return JobOptions(
            model=model or s.asr_model or DEFAULT_MODEL, language=language or s.language, **chosen
        )

    def submit(self, path: Path, options: JobOptions, force: bool = False) -> Submitted:
        """Copy a recording into the library and queue it on the runner; raises a
        :class:`MeetingAppError` naming the file when it cannot be imported."""
        if self.engine is None:
            raise RuntimeError(
                "Library.submit needs the caller's job runner (Library(data, engine))"
            )
        try:
            return self.engine.submit(Path(path), replace(options), force=force)
        except OSError as e:  # one unforeseen bad path must not abandon a batch
            raise MeetingAppError(f"{path}: cannot import ({e.strerror or e})") from None

    def cancel_job(self, job_id: int) -> None:
        """Stop a job wherever it runs; its artifacts and stored copy are cleaned up."""
        with self.runner() as engine:
            engine.cancel(job_id)

    def retry_job(self, job_id: int) -> Submitted:
        """Queue a failed job again, from the stored copy of its recording or else the
        user's file (the window's Retry and ``meetingapp jobs retry``); raises a
        :class:`MeetingAppError` saying so when the file is gone. Copying the file
        back can take seconds: the window calls it off the GUI thread."""
        with self.runner() as engine:
            return engine.retry(job_id)

    def dismiss_job(self, job_id: int) -> None:
        """Forget a failed job (its row, its artifacts, a stored copy nothing needs)."""
        with self.runner() as engine:
            engine.dismiss(job_id)

    def jobs(self, statuses: tuple[str, ...] | None = None) -> list[Job]:
        with self.connect() as db:
            return jobstore.list_jobs(db, statuses)

    def job(self, job_id: int) -> Job:
        with self.connect() as db:
            return jobstore.get_job(db, job_id)

    # -- meetings ---------------------------------------------------------------
    def meetings(self) -> list[Meeting]:
        """Every meeting, newest first."""
        with self.connect() as db:
            return meetingstore.list_meetings(db)

    def meeting(self, meeting_id: int) -> Meeting:
        with self.connect() as db:
            return meetingstore.get_meeting(db, meeting_id)

    def meetings_signature(self) -> tuple[Any, ...]:
        """A cheap value that changes whenever the meetings do, whoever changed them
        (another window, ``meetingapp transcribe``): the window polls it."""
        with self.connect() as db:
            return meetingstore.signature(db)

    def segments(self, meeting_id: int) -> list[Segment]:
        with self.connect() as db:
            meetingstore.get_meeting(db, meeting_id)
            return meetingstore.load_segments(db, meeting_id)

    def update_meeting(
        self, meeting_id: int, title: str | None = None, type: str | None = None
    ) -> Meeting:
        """Rename a meeting and/or change its type."""
        with self.connect() as db:
            return meetingstore.update_meeting(db, meeting_id, title=title, type=type)

    def edit_segment(self, meeting_id: int, index: int, text: str) -> Segment:
        """Correct what a segment says; returns the segment as stored."""
        with self.connect() as db:
            meetingstore.update_segment_text(db, meeting_id, index, text)
            return meetingstore.load_segments(db, meeting_id)[index]

    def delete_meeting(self, meeting_id: int) -> str:
        """Delete a meeting and its search vectors; returns its title."""
        from meetingapp.engine.search_index import remove_meeting

        with self.connect() as db:
            title = meetingstore.get_meeting(db, meeting_id).title
            meetingstore.delete_meeting(db, meeting_id, self.data)
            remove_meeting(db, self.data, meeting_id)
        return title

    # -- speakers ---------------------------------------------------------------
    def speakers_of(self, meeting_id: int) -> list[str | None]:
        """A meeting's speakers in order of first appearance (None = unlabelled)."""
        with self.connect() as db:
            return meetingstore.speakers_of(db, meeting_id)

    def speaker_names(self) -> list[str]:
        """The people known across meetings (speaker profiles), for filters and pickers.

        A meeting's own labels ("Speaker 1") are left out: each names a different
        person in every meeting, so filtering by one mixed strangers together.
        """
        with self.connect() as db:
            return [p.name for p in speakerstore.list_profiles(db)]

    def meeting_speakers(self, meeting_id: int) -> list[MeetingSpeaker]:
        with self.connect() as db:
            meetingstore.get_meeting(db, meeting_id)
            return speakerstore.meeting_speakers(db, meeting_id)

    def proposed_names(self, meeting_id: int) -> dict[str, ProposedName]:
        """Names for the meeting's unnamed voices, learnt from what was said (speaker as
        shown -> proposal); voices a profile or the user named get none. The learner
        (engine/minutes/people.py) imports scikit-learn, so it loads on first use."""
        from meetingapp.engine.speakers.conversation import proposed_names

        with self.connect() as db:
            meetingstore.get_meeting(db, meeting_id)
            segments = meetingstore.load_segments(db, meeting_id)
            speakers = speakerstore.meeting_speakers(db, meeting_id)
        return proposed_names(segments, speakers)

    def suggestion(self, meeting_id: int, who: str | None) -> str | None:
        """The known person a meeting speaker's voice resembles, if one was suggested."""
        for s in self.meeting_speakers(meeting_id):
            if s.name == who and s.status == "suggested" and s.suggested_name:
                return s.suggested_name
        return None

    def name_speaker(self, meeting_id: int, who: str | None, name: str, learn: bool = True) -> None:
        """Name a meeting's speaker (naming it after another speaker merges the two);
        with ``learn`` the voice joins that person's profile."""
        with self.connect() as db:
            speakerstore.name_speaker(db, meeting_id, who, name.strip(), learn=learn)

    def unname_heard(self, meeting_id: int, who: str) -> str:
        """Undo a name the pipeline learnt from the conversation: the voice is "Speaker N"
        again (returned), and the name is offered instead. Renaming it is
        :meth:`name_speaker`."""
        with self.connect() as db:
            return speakerstore.unname_heard(db, meeting_id, who)

    def merge_speakers(self, meeting_id: int, keep: str, drop: str) -> None:
        """Two speakers of one meeting are one person: ``drop`` takes ``keep``'s name."""
        with self.connect() as db:
            kept = speakerstore.meeting_speaker(db, meeting_id, keep)
            speakerstore.name_speaker(db, meeting_id, drop, kept.name, learn=False)

    def reassign(self, meeting_id: int, segments: list[int], name: str) -> None:
        """Give segments of a meeting to another speaker, new or existing. Every segment
        number is checked first, so a wrong one changes nothing."""
        with self.connect() as db:
            count = len(meetingstore.load_segments(db, meeting_id))
            bad = [i for i in segments if not 0 <= i < count]
            if bad:
                raise MeetingAppError(f"meeting {meeting_id} has no segment {bad[0]}")
            speakerstore.split_speaker(db, meeting_id, segments, name.strip())

    def profiles(self) -> list[Profile]:
        with self.connect() as db:
            return speakerstore.list_profiles(db)

    def enroll_files(
        self, name: str, paths: list[Path], progress: ProgressFn | None = None
    ) -> Profile:
        """Learn a person's voice from recordings of them alone."""
        from meetingapp.engine.speakers.enroll import voice_from_file

        if not paths:
            raise MeetingAppError("give recordings of the person (FILE...) or --meeting ID")
        voices = []
        for i, path in enumerate(paths):
            voices.append(voice_from_file(Path(path)))
            if progress:
                progress((i + 1) / len(paths))
        source = "file:" + ",".join(Path(p).name for p in paths)
        with self.connect() as db:
            profile = speakerstore.enroll(db, name.strip(), [v.vector for v in voices], source)
            add_samples(db, self.data, profile.id, [v.speech for v in voices], source)
            return speakerstore.get_profile(db, profile.name)

    def enroll_segments(self, name: str, meeting_id: int, segments: list[int]) -> Profile:
        """Learn a person's voice from segments of a meeting where they speak."""
        from meetingapp.engine.audio import load_audio
        from meetingapp.engine.speakers.enroll import voice_vector

        if not segments:
            raise MeetingAppError("which segments? add --segment N (see `meetingapp show ID`)")
        with self.connect() as db:
            meeting = meetingstore.get_meeting(db, meeting_id)
            lines = meetingstore.load_segments(db, meeting_id)
        bad = [i for i in segments if not 0 <= i < len(lines)]
        if bad:
            raise MeetingAppError(f"meeting {meeting_id} has no segment {bad[0]}")
        audio = load_audio(self.data / meeting.source_path)
        voice = voice_vector(audio, [SpeechRegion(lines[i].start, lines[i].end) for i in segments])
        if voice is None:
            raise MeetingAppError("those segments hold too little speech; choose more")
        source = f"meeting:{meeting_id}"
        with self.connect() as db:
            profile = speakerstore.enroll(db, name.strip(), [voice.vector], source)
            add_samples(db, self.data, profile.id, [voice.speech], source)
            return speakerstore.get_profile(db, profile.name)

    def enroll_again(self, name: str) -> Profile:
        """Give a profile enrolled before voice samples were kept the speech of the meetings
        where the user named it, so it can be named automatically again (identify.py). The
        speech is cut now (a decode per meeting, so off the window's thread): a recording
        gone since gives nothing, and the user hears so now rather than never."""
        from meetingapp.engine.speakers.profile_voices import cut_pending

        with self.connect() as db:
            profile = speakerstore.get_profile(db, name)
            speakerstore.samples_from_named_meetings(db, profile.id)
            cut_pending(db, self.data, [profile.id])
            profile = speakerstore.get_profile(db, name)
        if profile.needs_reenrollment:
            raise MeetingAppError(
                f"no meeting has {profile.name}'s voice named by you: enroll {profile.name}"
                " from a recording of them alone, or name their voice in a meeting"
            )
        return profile

    def rename_profile(self, old: str, new: str) -> None:
        with self.connect() as db:
            speakerstore.rename_profile(db, old, new.strip())

    def merge_profiles(self, keep: str, drop: str) -> Profile:
        with self.connect() as db:
            return speakerstore.merge_profiles(db, keep, drop)

    def forget_profile(self, name: str) -> None:
        """Delete a person's profile and voice data, samples included (meetings keep the
        name as text)."""
        with self.connect() as db:
            files = sample_files(db, self.data, speakerstore.get_profile(db, name).id)
            speakerstore.forget_profile(db, name)
        remove_files(files)

    # -- minutes and action items -------------------------------------------------
    def minutes(self, meeting_id: int) -> Minutes | None:
        with self.connect() as db:
            return minutestore.load_minutes(db, meeting_id)

    def regenerate_minutes(
        self,
        meeting_id: int,
        llm: Path | None,
        template: str | None = None,
        progress: ProgressFn | None = None,
    ) -> Minutes:
        """Write a meeting's minutes again, refined by the GGUF model ``llm`` if given,
        with ``template`` (default: the meeting's type). Ticked-off actions that
        survive stay ticked off."""
        from meetingapp.engine.minutes.generate import generate_minutes
        from meetingapp.engine.pipeline import meeting_date

        with self.connect() as db:
            meeting = meetingstore.get_meeting(db, meeting_id)
            segments = meetingstore.load_segments(db, meeting_id)
        minutes = generate_minutes(
            segments,
            meeting_date(meeting.date),
            template or meeting.type,
            self.data,
            llm_path=llm,
            template=template,
            progress=progress,
        )
        with self.connect() as db, db.conn:
            minutestore.save_minutes(db, meeting_id, minutes, llm.name if llm else None, template)
        return minutes

    def export_highlights(self, meeting_id: int, folder: Path) -> list[Path]:
        """The minutes' highlights as audio clips and an SRT in ``folder``."""
        from meetingapp.engine.audio import load_audio
        from meetingapp.engine.minutes.highlights import export_clips

        export = self.meeting_export(meeting_id)
        if export.minutes is None or not export.minutes.highlights:
            raise MeetingAppError(
                f"meeting {meeting_id} has no highlights (run `meetingapp minutes`)"
            )
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise MeetingAppError(f"{folder}: cannot create the folder ({e.strerror})") from None
        audio = load_audio(self.data / export.meeting.source_path)
        return export_clips(audio, export.minutes.highlights, export.segments, folder)

    def actions(
        self, open_only: bool = False, owner: str | None = None, meeting_id: int | None = None
    ) -> list[TrackedAction]:
        """Action items across meetings (or of one), open ones first."""
        with self.connect() as db:
            return minutestore.list_actions(
                db, open_only=open_only, owner=owner, meeting_id=meeting_id
            )

    def update_action(self, action_id: int, **changes: str | None) -> TrackedAction:
        """Tick off, reopen or edit an action item (status, owner, task, due)."""
        with self.connect() as db:
            return minutestore.update_action(db, action_id, **changes)

    # -- search and ask -----------------------------------------------------------
    def _ensure_index(self, db: sqlite_utils.Database, progress: ProgressFn | None) -> int:
        from meetingapp.engine.search_index import ensure_index

        return ensure_index(db, self.data, progress=progress)

    def search(self, query: SearchQuery, progress: ProgressFn | None = None) -> SearchResults:
        """Ranked hits; a missing or stale vector index is healed first (``progress``)."""
        from meetingapp.engine.search import search

        with self.connect() as db:
            self._ensure_index(db, progress)
            return search(db, self.data, query, refresh=False)

    def ask(
        self, question: str, model: Path | None = None, progress: ProgressFn | None = None
    ) -> Answer:
        """Answer from the meetings with citations; the GGUF ``model`` writes the answer
        when given, else the most relevant passages are the answer."""
        from meetingapp.engine.ask import LlamaChat, ask

        with self.connect() as db:
            self._ensure_index(db, progress)
            chat = LlamaChat(model) if model else None
            return ask(db, self.data, question, model=chat)

    # -- analytics ------------------------------------------------------------------
    def talk_time(self) -> list[Bar]:
        """Seconds spoken per person (speaker profile) over all meetings, most first;
        unnamed voices are in ``totals().unnamed_talk``, never summed by label."""
        with self.connect() as db:
            return analytics.talk_time_by_person(db)

    def meetings_per_week(self) -> list[Bar]:
        with self.connect() as db:
            return analytics.meetings_per_week(db)

    def totals(self) -> Totals:
        with self.connect() as db:
            return analytics.totals(db)

    # -- exports ----------------------------------------------------------------
    def meeting_export(self, meeting_id: int) -> MeetingExport:
        """Everything an export shows: the meeting, its lines, its minutes and the
        diarization's speaker turns."""
        with self.connect() as db:
            return MeetingExport(
                meetingstore.get_meeting(db, meeting_id),
                meetingstore.load_segments(db, meeting_id),
                minutestore.load_minutes(db, meeting_id),
                meetingstore.load_turns(db, meeting_id),
            )

    def export_filename(self, meeting_id: int, fmt: str) -> str:
        """``<title>.<ext>``, safe on any file system: the name ``export_to`` gives a
        file written into a folder, so a save dialog can suggest the same one."""
        return export_filename(self.meeting(meeting_id), fmt)

    def export_text(self, meeting_id: int, fmt: str) -> str:
        return render(self.meeting_export(meeting_id), fmt)

    def export_to(self, meeting_id: int, fmt: str, output: str | Path, force: bool = False) -> Path:
        """Write an export to a file, or as ``<title>.<ext>`` into a folder; returns
        the file written. An existing file is replaced only with ``force``."""
        export = self.meeting_export(meeting_id)
        out = _export_path(str(output), export_filename(export.meeting, fmt))
        _write_new(out, render(export, fmt), force=force)
        return out

    # -- recording ----------------------------------------------------------------
    def _runner_of_caller(self, action: str) -> JobRunner:
        if self.engine is None:
            raise RuntimeError(
                f"Library.{action} needs the caller's job runner (Library(data, engine))"
            )
        return self.engine

    def record(
        self,
        device: str | list[str] | None = None,
        auto: bool = False,
        live: bool = True,
        on_text: Callable[[LiveText], None] | None = None,
        on_status: Callable[[RecorderStatus], None] | None = None,
        controls: RecordControls | None = None,
        source: AudioSource | None = None,
        max_duration: float | None = None,
        title: str | None = None,
    ) -> Recorded:
        """Record a meeting (until ``controls`` stops it or ``max_duration``), then queue
        each finished recording as a job on the caller's runner. ``live`` shows the live
        transcript (the Settings' live model) through ``on_text``; ``source`` replaces the
        device (tests, files). A device failing mid-way keeps what was recorded: it is
        queued and :attr:`Recorded.problem` says why the recording stopped. Runs on any
        thread; the callbacks are called on it. Other processes follow the recording
        through its live feed (``live_feed``): started, state, live lines, stopped with
        the queued jobs."""
        from meetingapp.domain.recording import Recorded
        from meetingapp.engine.asr import cached_whisper
        from meetingapp.engine.jobs import recordings_dir
        from meetingapp.engine.recording import RecordingInterrupted
        from meetingapp.engine.recording import record as capture
        from meetingapp.engine.recording.feed import FeedWriter, feed_path
        from meetingapp.engine.whisper_models import resolve_whisper

        engine = self._runner_of_caller("record")
        model = None
        if live:
            model = cached_whisper(resolve_whisper(self.settings().live_model, self.data))
        folder = recordings_dir(self.data)
        devices = [device] if isinstance(device, str) else list(device or [])
        info = {"devices": devices, "auto": auto, "live": live, "title": title}
        with FeedWriter(feed_path(folder), **info) as feed:
            try:
                paths = capture(
                    folder,
                    device=device,
                    auto=auto,
                    max_duration=max_duration,
                    live_model=model,
                    on_status=_both(feed.status, on_status),
                    on_text=_both(feed.text, on_text),
                    controls=controls,
                    source=source,
                )
            except RecordingInterrupted as e:
                result = Recorded(engine.import_recordings(e.paths, title=title), str(e))
            else:
                result = Recorded(engine.import_recordings(paths, title=title))
            feed.stop(result.job_ids, result.problem)
        return result

    def live_feed(self) -> FeedReader | None:
        """The live feed of the latest recording (the window's or `meetingapp record`'s,
        in whichever process), to follow from its start; ``None`` when nothing has
        recorded in this library yet (``record`` writes it, for every caller)."""
        from meetingapp.engine.jobs import recordings_dir
        from meetingapp.engine.recording.feed import feed_path, open_feed

        return open_feed(feed_path(recordings_dir(self.data)))

    def recover_recordings(self) -> list[int]:
        """Queue the recordings a crash or power cut interrupted; their job ids."""
        return self._runner_of_caller("recover_recordings").recover_recordings()

    def resume_unfinished(self) -> list[int]:
        """Queue on the caller's runner every job an earlier run left unfinished (jobs
        another live process holds stay with it); their ids."""
        return self._runner_of_caller("resume_unfinished").resume_unfinished()


def _both(first: Callable[[T], None], then: Callable[[T], None] | None) -> Callable[[T], None]:
    """``first``, then the caller's own callback when there is one."""
    if then is None:
        return first

    def call(value: T) -> None:
        first(value)
        then(value)

    return call


def _export_path(output: str, filename: str) -> Path:
    """``output`` as given, or ``filename`` inside it when it is a folder."""
    if not output.strip():
        raise MeetingAppError('-o "": the output path is empty (give a file or a folder)')
    out = Path(output).expanduser()
    try:
        folder = out.is_dir()
    except OSError as e:  # a symlink loop, a name too long...
        raise MeetingAppError(f"{out}: cannot write export ({e.strerror})") from None
    return out / filename if folder else out


def _write_new(out: Path, text: str, force: bool) -> None:
    """Write through a temporary file beside ``out``, so a failed write leaves no half
    file; an existing file is only replaced with ``force``, and no ``.tmp`` is left."""
    if not force and (out.exists() or out.is_symlink()):
        raise MeetingAppError(f"{out}: file already exists (use --force to overwrite)")
    # short and unique: ``out.name + ".tmp"`` can be too long where ``out.name`` is not
    stem = out.name.encode("utf-8")[:200].decode("utf-8", "ignore")
    tmp = out.with_name(f".{stem}.{os.getpid()}.tmp")
    try:
        tmp.write_text(text, encoding="utf-8")
        _put_in_place(tmp, out, force)
    except FileExistsError:
        raise MeetingAppError(f"{out}: file already exists (use --force to overwrite)") from None
    except OSError as e:
        raise MeetingAppError(f"{out}: cannot write export ({e.strerror})") from None
    finally:
        tmp.unlink(missing_ok=True)


def _put_in_place(tmp: Path, out: Path, force: bool) -> None:
    """Rename ``tmp`` to ``out``; without ``force`` by a hard link, which fails rather
    than replace a file that appeared since the check."""
    if force:
        tmp.replace(out)
        return
    try:
        os.link(tmp, out)
    except FileExistsError:
        raise
    except OSError:  # no hard links on this file system
        tmp.replace(out)
