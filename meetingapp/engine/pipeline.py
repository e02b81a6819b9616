"""The processing pipeline: decode → VAD → transcription → … → store.

A stage is a named function ``(ctx, progress, cancel) -> artifact``; its
JSON-able artifact is saved when it finishes, so an interrupted job skips
the stages it already did. Decoding is lazy: it only happens when a stage
that still has to run needs the audio. Speakers, minutes and search plug in
as further stages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import numpy as np
import sqlite_utils

from meetingapp.config import Settings
from meetingapp.domain.audio import Audio, SpeechRegion
from meetingapp.domain.minutes import Minutes
from meetingapp.domain.progress import ProgressFn
from meetingapp.domain.transcript import Segment, SpeakerTurn, Transcript
from meetingapp.engine.asr import AsrSettings, cached_whisper, transcribe_audio
from meetingapp.engine.audio import load_audio
from meetingapp.engine.cancel import CancelToken
from meetingapp.engine.minutes.generate import generate_minutes
from meetingapp.engine.search_index import index_meeting
from meetingapp.engine.speakers.assign import assign_speakers
from meetingapp.engine.speakers.conversation import apply_heard_names
from meetingapp.engine.speakers.diarize import diarize
from meetingapp.engine.speakers.known_voices import VoicesFn, identify
from meetingapp.engine.speakers.profile_voices import meeting_campplus
from meetingapp.engine.speakers.segmentation import installed_segmentation
from meetingapp.engine.speakers.talk_count import speaker_floor
from meetingapp.engine.vad import detect_speech
from meetingapp.engine.whisper_models import resolve_whisper
from meetingapp.errors import BadInputError
from meetingapp.store.jobs import Job, save_artifact, update_job
from meetingapp.store.meetings import NewMeeting, insert_meeting, save_turns
from meetingapp.store.minutes import save_minutes
from meetingapp.store.speakers import (
    MeetingSpeaker,
    find_profile,
    list_profiles,
    save_meeting_speakers,
)

log = logging.getLogger(__name__)

#: Called with (stage name, fraction of that stage done).
StageProgressFn = Callable[[str, float], None]


@dataclass
class JobContext:
    """Everything a stage may read: the job, earlier artifacts, the audio."""

    job: Job
    data: Path
    settings: Settings
    artifacts: dict[str, Any] = field(default_factory=dict)
    db: sqlite_utils.Database | None = None
    report: StageProgressFn = lambda stage, fraction: None
    cancel: CancelToken = field(default_factory=CancelToken)
    _audio: Audio | None = None

    @property
    def source(self) -> Path:
        assert self.job.stored_path is not None
        return self.data / self.job.stored_path

    def audio(self, progress: ProgressFn | None = None) -> Audio:
        if self._audio is None:
            try:
                self._audio = load_audio(self.source, progress, self.cancel)
            except BadInputError as e:  # name the user's file, not our sha256 copy
                raise BadInputError(self.job.source_path, e.cause) from None
            if self._audio.damaged:
                log.warning("%s", damage_note(self.job.source_path, self._audio.damaged))
        return self._audio

    def regions(self) -> list[SpeechRegion]:
        return [SpeechRegion(**r) for r in self.artifacts["vad"]]

    def transcript(self) -> Transcript:
        """The transcript, with speaker names once the speakers are identified."""
        transcript = Transcript.from_dict(self.artifacts["transcribe"])
        if "identify" in self.artifacts:
            named = self.artifacts["identify"]["segments"]
            transcript.segments = [Segment.from_dict(s) for s in named]
        return transcript

    def speakers(self) -> list[MeetingSpeaker]:
        if "identify" not in self.artifacts:
            return []
        return [
            MeetingSpeaker(**{**s, "centroid": np.asarray(s["centroid"], np.float32)})
            for s in self.artifacts["identify"]["speakers"]
        ]


StageFn = Callable[[JobContext, ProgressFn, CancelToken], Any]


@dataclass
class Stage:
    name: str
    #: share of the job's progress bar
    weight: float
    run: StageFn
    #: False for cheap stages whose output is recomputed rather than saved
    persist: bool = True
    #: artifacts a stage makes at once, returned as {name: artifact} (the worker
    #: stage of :mod:`meetingapp.engine.remote`); empty: the one named after it
    produces: tuple[str, ...] = ()

    @property
    def outputs(self) -> tuple[str, ...]:
        return self.produces or (self.name,)


def damage_note(source: str, damaged: tuple[tuple[float, float], ...]) -> str:
    """One line telling the user which parts of their file were lost."""
    lost = sum(seconds for _, seconds in damaged)
    starts = ", ".join(dict.fromkeys(f"{start:.1f} s" for start, _ in damaged))
    return (
        f"{source}: damaged: {lost:.1f} s could not be decoded (from {starts});"
        " transcribed what could be"
    )


def run_decode(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    ctx.audio(progress)
    return None


def run_vad(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    regions = detect_speech(ctx.audio())
    progress(1.0)
    return [{"start": round(r.start, 3), "end": round(r.end, 3)} for r in regions]


def run_transcribe(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    opts = ctx.job.options
    model = resolve_whisper(opts.model, ctx.data)
    whisper = cached_whisper(model, ctx.settings.device)
    settings = AsrSettings(
        language=opts.language, batch_size=ctx.settings.batch_size, device=ctx.settings.device
    )
    result = transcribe_audio(whisper, ctx.audio(), settings, progress, cancel)
    return result.to_dict()


def run_speakers(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    """Who spoke when. The transcript is done by now, so the people it shows present
    (self-introductions, people addressed who answered: talk_count.py) are the least
    number of speakers, used when the clustering finds fewer (alike voices merged); the
    user's own counts win."""
    opts = ctx.job.options
    segmentation = installed_segmentation(ctx.settings.model_path("segmentation"))
    floor = speaker_floor(
        ctx.transcript().segments, opts.num_speakers, opts.min_speakers, opts.max_speakers
    )
    diar = diarize(
        ctx.audio(),
        ctx.regions(),
        num_speakers=opts.num_speakers,
        min_speakers=floor,
        max_speakers=opts.max_speakers,
        segmentation=segmentation,
        progress=progress,
        cancel=cancel,
    )
    # Lines are split where the speaker changes when the segmentation model found the
    # turns, else each keeps its majority speaker: each measured better (assign.py).
    segments = assign_speakers(ctx.transcript().segments, diar, split=segmentation is not None)
    return {
        "centroids": {k: [round(float(x), 6) for x in v] for k, v in diar.centroids.items()},
        "segments": [asdict(s) for s in segments],
        "turns": [[round(t.start, 3), round(t.end, 3), t.speaker] for t in diar.turns],
    }


def run_identify(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    """Name the voices: enrolled people first, then names the conversation confirms."""
    assert ctx.db is not None
    art = ctx.artifacts["speakers"]
    turns = [SpeakerTurn(*t) for t in art.get("turns", [])]
    segments, speakers = name_speakers(
        ctx.db, ctx.data, art, lambda emb: meeting_campplus(ctx.audio(), turns, emb)
    )
    profiles = {p.name.lower() for p in list_profiles(ctx.db)}
    segments, speakers = apply_heard_names(segments, speakers, profiles)
    return {
        "segments": [asdict(s) for s in segments],
        "speakers": [
            {**asdict(s), "centroid": [round(float(x), 6) for x in s.centroid]}
            for s in speakers
            if s.centroid is not None
        ],
    }


def run_minutes(ctx: JobContext, progress: ProgressFn, cancel: CancelToken) -> Any:
    opts = ctx.job.options
    llm = ctx.settings.llm_path()
    minutes = generate_minutes(
        ctx.transcript().segments,
        meeting_date(opts.date),
        opts.type,
        ctx.data,
        llm_path=llm,
        progress=progress,
        cancel=cancel,
    )
    return {"minutes": minutes.to_dict(), "model": llm.name if llm else None}


def meeting_date(iso: str | None) -> date:
    """Relative dates ("tomorrow") are resolved against the meeting's own date."""
    return datetime.fromisoformat(iso).date() if iso else datetime.now().date()


#: The stages that need only the audio and the models, not the library: what a
#: worker of :mod:`meetingapp.engine.remote` runs for the submitting library.
COMPUTE_STAGES = ("decode", "vad", "transcribe", "speakers")


def default_stages() -> list[Stage]:
    return [
        Stage("decode", 0.05, run_decode, persist=False),
        Stage("vad", 0.03, run_vad),
        Stage("transcribe", 0.72, run_transcribe),
        Stage("speakers", 0.14, run_speakers),
        Stage("identify", 0.01, run_identify),
        Stage("minutes", 0.05, run_minutes),
    ]


def run_pipeline(
    db: sqlite_utils.Database,
    ctx: JobContext,
    stages: list[Stage],
    attempt: int,
) -> int:
    """Run the stages not yet done, then save the meeting; returns its id."""
    total = sum(s.weight for s in stages) or 1.0
    done = 0.0
    pending = {o for s in stages if s.persist for o in s.outputs if o not in ctx.artifacts}
    for i, stage in enumerate(stages):
        later = any(o in pending for s in stages[i:] for o in s.outputs)
        if all(o in ctx.artifacts for o in stage.outputs) or not later:
            done += stage.weight
            continue
        ctx.cancel.check()
        base = done

        def progress(fraction: float, stage: Stage = stage, base: float = base) -> None:
            ctx.report(stage.name, (base + stage.weight * fraction) / total)

        update_job(db, ctx.job.id, stage=stage.name)
        ctx.report(stage.name, base / total)
        artifact = stage.run(ctx, progress, ctx.cancel)
        ctx.cancel.check()
        if stage.persist:
            made = artifact if stage.produces else {stage.name: artifact}
            for name in stage.outputs:
                save_artifact(db, ctx.job.id, name, attempt, made[name])
                ctx.artifacts[name] = made[name]
        done += stage.weight
    ctx.report("store", 1.0)
    meeting_id = store_meeting(db, ctx)
    ctx.report("index", 1.0)
    try:
        index_meeting(db, ctx.data, meeting_id, cancel=ctx.cancel)
    except Exception:  # noqa: BLE001 - derived data: left stale, rebuilt at next search
        log.exception("search index update failed for meeting %s", meeting_id)
    return meeting_id


def name_speakers(
    db: sqlite_utils.Database,
    data: Path,
    artifact: dict[str, Any],
    campplus_voices: VoicesFn | None = None,
) -> tuple[list[Segment], list[MeetingSpeaker]]:
    """Put names on diarized voices: known people by name, others as "Speaker N"
    (``campplus_voices``: the meeting's CAM++ vectors, the evidence to name unasked)."""
    segments = [Segment.from_dict(s) for s in artifact["segments"]]
    centroids = {k: np.asarray(v, dtype=np.float32) for k, v in artifact["centroids"].items()}
    has_profiles = db.execute("SELECT COUNT(*) FROM profiles").fetchone()[0] > 0
    matches = (
        identify(db, data, centroids, campplus_voices=campplus_voices)
        if has_profiles and centroids
        else {}
    )
    order = list(dict.fromkeys(s.speaker for s in segments if s.speaker))
    order += [label for label in centroids if label not in order]
    names: dict[str, str] = {}
    speakers: list[MeetingSpeaker] = []
    for n, label in enumerate(order, 1):
        match = matches.get(label)
        auto = match is not None and match.decision == "assign"
        names[label] = match.name if auto and match and match.name else f"Speaker {n}"
        profile = find_profile(db, names[label]) if auto else None
        speakers.append(
            MeetingSpeaker(
                label=label,
                name=names[label],
                profile_id=profile.id if profile else None,
                status="auto"
                if auto
                else ("suggested" if match and match.decision == "suggest" else "unknown"),
                suggested_name=match.name if match and match.decision == "suggest" else None,
                score=round(match.score, 4) if match else None,
                centroid=centroids.get(label),
            )
        )
    for seg in segments:
        seg.speaker = names.get(seg.speaker or "", seg.speaker)
        for w in seg.words:
            w.speaker = names.get(w.speaker or "", w.speaker)
    return segments, speakers


def store_meeting(db: sqlite_utils.Database, ctx: JobContext) -> int:
    """Save the meeting and mark the job done in one transaction: never half a meeting."""
    job, opts = ctx.job, ctx.job.options
    transcript = ctx.transcript()
    source_name = Path(job.source_path).name
    new = NewMeeting(
        title=opts.title or Path(job.source_path).stem,
        type=opts.type,
        date=opts.date or datetime.now(UTC).isoformat(timespec="seconds"),
        source_sha256=job.source_sha256 or "",
        source_name=source_name,
        source_path=job.stored_path or "",
        model=opts.model,
    )
    with db.conn:
        meeting_id = insert_meeting(db, new, transcript)
        save_meeting_speakers(db, meeting_id, ctx.speakers())
        # a job resumed from an older version's artifact has no turns: RTTM then
        # falls back to the transcript lines
        turns = ctx.artifacts.get("speakers", {}).get("turns", [])
        save_turns(db, meeting_id, [SpeakerTurn(*t) for t in turns])
        if "minutes" in ctx.artifacts:
            art = ctx.artifacts["minutes"]
            save_minutes(db, meeting_id, Minutes.from_dict(art["minutes"]), art["model"])
        db.execute(
            "UPDATE jobs SET status = 'done', stage = 'done', progress = 1.0, meeting_id = ?"
            " WHERE id = ?",
            [meeting_id, job.id],
        )
    return meeting_id
