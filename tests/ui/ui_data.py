"""Evaluation clips the UI tests use (read-only, from ../shared/eval)."""

from pathlib import Path

EVAL = (Path(__file__).resolve().parents[2].parent / "shared" / "eval").resolve()
JFK = EVAL / "asr" / "jfk" / "jfk.flac"
LONG = EVAL / "long" / "ami_trn_5min.flac"
STANDUP = EVAL / "meeting" / "standup.wav"
ENROLL = EVAL / "enroll" / "librispeech" / "367" / "367-130732-0000.flac"


def db_of(widget):  # noqa: ANN001, ANN201 - a window or a page that has a library
    """A connection to the widget's data folder, for checking what the store holds
    (the window itself keeps none open); closed when the test's objects are dropped."""
    from meetingapp.store.db import open_db

    return open_db(widget.library.data)
