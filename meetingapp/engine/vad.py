"""Voice activity detection with the Silero VAD model bundled in faster-whisper.

The VAD stage's regions feed speaker diarization (only speech is embedded);
transcription runs its own pass with wider padding (a second Silero pass
costs about 0.2 % of real time), since words cut at a region's edge are lost.
"""

from __future__ import annotations

from dataclasses import dataclass

from faster_whisper.vad import VadOptions, get_speech_timestamps

from meetingapp.domain.audio import SAMPLE_RATE, Audio, SpeechRegion


@dataclass
class VadSettings:
    threshold: float = 0.5
    min_speech_ms: int = 250
    min_silence_ms: int = 500
    speech_pad_ms: int = 200
    #: Regions longer than this are split so transcription batches stay bounded.
    max_speech_s: float = 30.0

    @classmethod
    def for_transcription(cls) -> VadSettings:
        """faster-whisper's batched-pipeline defaults: shorter pauses split, wider padding.

        Chosen by leave-one-meeting-out over the eval meetings against five other
        settings (benchmarks/asr_accuracy.py); diarization keeps the defaults above,
        which its own settings were chosen with.
        """
        return cls(min_speech_ms=0, min_silence_ms=160, speech_pad_ms=400)


def detect_speech(audio: Audio, settings: VadSettings | None = None) -> list[SpeechRegion]:
    """Return the speech regions of ``audio`` in seconds, in time order."""
    s = settings or VadSettings()
    opts = VadOptions(
        threshold=s.threshold,
        min_speech_duration_ms=s.min_speech_ms,
        min_silence_duration_ms=s.min_silence_ms,
        speech_pad_ms=s.speech_pad_ms,
        max_speech_duration_s=s.max_speech_s,
    )
    stamps = get_speech_timestamps(audio.samples, vad_options=opts, sampling_rate=SAMPLE_RATE)
    return [SpeechRegion(st["start"] / SAMPLE_RATE, st["end"] / SAMPLE_RATE) for st in stamps]
