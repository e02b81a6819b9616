"""The pipeline's transcript against plain faster-whisper, on real speech.

These are the guarantees of issue "Transcripts at least as accurate as plain
faster-whisper": no speech dropped at window ends (lj001_4min's WER is no worse
than plain decoding of the same file, measured in the same test), no looping
sentences on any eval file, and clips whose speech runs to the last sample.
"""

from __future__ import annotations

import json

import numpy as np
import pytest
from evaldata import EVAL
from faster_whisper import BatchedInferencePipeline
from wer import errors

from meetingapp.domain.audio import Audio, SpeechRegion
from meetingapp.engine.asr import (
    AsrSettings,
    WindowDecoder,
    WindowText,
    load_whisper,
    transcribe,
    transcribe_audio,
)
from meetingapp.engine.audio import load_audio
from meetingapp.engine.speech_windows import SpeechWindow
from meetingapp.engine.transcript_lines import longest_repeat
from meetingapp.engine.whisper_models import resolve_whisper

REFERENCED = sorted(
    str(p.relative_to(EVAL))
    for p in [
        *EVAL.glob("asr/*/*.*"),
        *EVAL.glob("diar/ami/trn*.wav"),
        *EVAL.glob("long/*.flac"),
        EVAL / "meeting" / "standup.wav",
    ]
    if p.suffix in {".wav", ".flac", ".mp3"} and p.with_suffix(".txt").exists()
)


@pytest.fixture(scope="module")
def whisper(tmp_path_factory: pytest.TempPathFactory):
    return load_whisper(resolve_whisper("base", tmp_path_factory.mktemp("data")))


def pipeline_text(whisper, audio: Audio) -> str:
    return "\n".join(s.text for s in transcribe_audio(whisper, audio).segments)


#: Words the pipeline may lose to plain decoding on lj001_4min: proper names spelt
#: differently (see the test).
NAME_SPELLING_SLACK = 2


@pytest.mark.slow
def test_long_read_speech_is_no_worse_than_plain_decoding(whisper) -> None:
    path = EVAL / "long" / "lj001_4min.flac"
    reference = path.with_suffix(".txt").read_text()
    audio = load_audio(path)
    plain, _ = whisper.transcribe(audio.samples, beam_size=5, word_timestamps=True)
    plain_errors = errors(reference, " ".join(s.text for s in plain))
    ours = errors(reference, pipeline_text(whisper, audio))
    print(f"lj001_4min WER: pipeline {ours.wer:.3f} ({ours}), plain {plain_errors.wer:.3f}")
    # The two decodes differ only in how proper names are spelt (2026-12, ctranslate2
    # 4.8.5: "Guttenberg"/"Gutenberg", "Swainheim"/"Swayneheim"): 34 errors against 33,
    # where an earlier install gave 34 against 35. A name's spelling is a coin toss,
    # so two words of slack; the old defect (words lost at window ends) cost 28.
    wrong = ours.substitutions + ours.deletions + ours.insertions
    plain_wrong = plain_errors.substitutions + plain_errors.deletions + plain_errors.insertions
    assert wrong <= plain_wrong + NAME_SPELLING_SLACK
    # the old defect: runs of 4-10 words lost where batched windows stopped early
    assert ours.deletions <= plain_errors.deletions


@pytest.mark.slow
def test_no_eval_file_repeats_a_sentence_three_times(whisper) -> None:
    assert len(REFERENCED) >= 18, REFERENCED
    worst = {f: longest_repeat(pipeline_text(whisper, load_audio(EVAL / f))) for f in REFERENCED}
    assert all(run < 3 for run, _ in worst.values()), worst


@pytest.mark.parametrize("name", ["LJ002-0020", "LJ002-0035"])
def test_speech_to_the_last_sample_transcribes(cli, name: str) -> None:
    path = EVAL / "asr" / "lhotse" / f"{name}.wav"
    r = cli("transcribe", path, "--model", "base")
    assert r.code == 0, r.err
    doc = json.loads(cli("export", r.last_line, "--format", "json").out)
    text = " ".join(s["text"] for s in doc["segments"])
    assert errors(path.with_suffix(".txt").read_text(), text).wer <= 0.7  # numbers are digits


def test_edges_of_the_recording(whisper) -> None:
    """Regions past either end, a sub-second clip, a region ending at the last sample."""
    jfk = load_audio(EVAL / "asr" / "jfk" / "jfk.flac")
    past_ends = [SpeechRegion(-0.4, jfk.duration + 0.7)]
    text = " ".join(s.text for s in transcribe(whisper, jfk, past_ends).segments).lower()
    assert "americans" in text and "country" in text
    short = Audio(jfk.samples[int(2.9 * 16000) : int(3.8 * 16000)])
    segments = transcribe(whisper, short, [SpeechRegion(0.0, short.duration)]).segments
    assert all(0.0 <= w.start <= w.end <= short.duration for s in segments for w in s.words)
    sliver = transcribe(whisper, short, [SpeechRegion(short.duration - 0.01, short.duration)])
    assert sliver.segments == []


def test_silence_and_noise_give_no_text(whisper) -> None:
    rng = np.random.default_rng(0)
    silence = Audio(np.zeros(16000 * 5, np.float32))
    noise = Audio((rng.standard_normal(16000 * 5) * 0.05).astype(np.float32))
    for audio in (silence, noise, load_audio(EVAL / "diar" / "ami" / "empty.wav")):
        assert transcribe_audio(whisper, audio).segments == []
        # even when the VAD lets it through, Whisper's no-speech rule keeps it out
        everything = [SpeechRegion(0.0, audio.duration)]
        assert transcribe(whisper, audio, everything).segments == []


def test_skipped_speech_is_decoded_again_and_put_back_in_order(whisper) -> None:
    """A window whose decode heard only its first seconds (what far-off voices
    cause in a meeting): the rest is decoded by itself and its words join the
    window's, in time order and inside the stretch that was skipped."""
    jfk = load_audio(EVAL / "asr" / "jfk" / "jfk.flac")
    window = SpeechWindow([SpeechRegion(0.0, jfk.duration)])
    decoder = WindowDecoder(whisper, jfk, AsrSettings(language="en"))
    (full,) = decoder.batch([window])
    heard = [w for w in full.words if w.end < 4.0]  # "And so, my fellow Americans"
    partial = WindowText(list(heard), full.avg_logprob, 1.5, full.no_speech_prob)
    decoder.note_skipped(window, partial)
    decoder.refill_rest(batch=4)
    added = partial.words[len(heard) :]
    assert partial.words[: len(heard)] == heard
    text = "".join(w.word for w in added).lower()
    assert "country" in text and "ask" in text
    assert all(heard[-1].end <= w.start <= jfk.duration for w in added)
    assert [w.start for w in partial.words] == sorted(w.start for w in partial.words)


@pytest.mark.slow
def test_a_language_toss_up_is_decided_by_the_decode(whisper) -> None:
    """trn08 (far-field English) is Welsh at 0.57 to Whisper's language ID, and its
    Welsh decode loops; the runner-up language, tried on that window, reads well."""
    audio = load_audio(EVAL / "diar" / "ami" / "trn08.wav")
    result = transcribe_audio(whisper, audio)
    assert result.language == "en"
    text = "\n".join(s.text for s in result.segments)
    assert longest_repeat(text)[0] < 3
    assert errors(EVAL.joinpath("diar/ami/trn08.txt").read_text(), text).wer < 0.9


@pytest.mark.slow
def test_a_window_that_loops_in_batched_decoding_is_decoded_again(
    whisper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Audio that loops today: trn08 decoded as Welsh by faster-whisper's own batched
    pipeline repeats one sentence over and over (measured here, in the same test).
    The pipeline sees the window fail Whisper's compression check and decodes it
    again alone, with temperature fallback (sampling: what it then writes varies from
    run to run, so only the decision and the absence of a loop are asserted)."""
    audio = load_audio(EVAL / "diar" / "ami" / "trn08.wav")
    stock, _ = BatchedInferencePipeline(whisper).transcribe(
        audio.samples, language="cy", beam_size=5, word_timestamps=True
    )
    looped = longest_repeat("\n".join(p.text for p in stock))
    assert looped[0] >= 3, f"the stock pipeline no longer loops here: {looped}"
    again: list[SpeechWindow] = []
    alone = WindowDecoder.alone

    def spy(decoder: WindowDecoder, window: SpeechWindow) -> WindowText:
        again.append(window)
        return alone(decoder, window)

    monkeypatch.setattr(WindowDecoder, "alone", spy)
    ours = transcribe_audio(whisper, audio, AsrSettings(language="cy"))
    assert again, "the looping window was kept instead of decoded again"
    assert longest_repeat("\n".join(s.text for s in ours.segments))[0] < 3


def test_the_language_is_detected_on_the_encoding_the_decode_uses(
    whisper, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Detecting the language costs no encoder pass of its own: the first batch's
    encoding is computed once and read by both (faster-whisper's pipeline runs the
    encoder twice on the first window). The standup is three windows: two batches."""
    passes: list[int] = []
    encode = whisper.encode

    def counting(features: np.ndarray):
        passes.append(len(features))
        return encode(features)

    monkeypatch.setattr(whisper, "encode", counting)
    standup = load_audio(EVAL / "meeting" / "standup.wav")
    result = transcribe_audio(whisper, standup, AsrSettings(batch_size=2))
    assert result.language == "en" and result.language_probability > 0.9
    assert passes == [2, 1]
    # the reused encoding is the decode's own: the text is the standup's, not noise
    text = "\n".join(s.text for s in result.segments)
    assert errors(EVAL.joinpath("meeting/standup.txt").read_text(), text).wer < 0.2
