"""The language codes Whisper knows, checked where the user gives one.

An unknown code used to surface only once the file was copied and decoded,
as a model error that named the wrong cause ("English-only model").
"""

from __future__ import annotations

from faster_whisper.tokenizer import _LANGUAGE_CODES

from meetingapp.errors import MeetingAppError

LANGUAGE_CODES: frozenset[str] = frozenset(_LANGUAGE_CODES)


def check_language(code: str | None) -> None:
    """Raise, naming the code, unless it is None (detect) or a code Whisper knows."""
    if code is None or code in LANGUAGE_CODES:
        return
    hint = f" (did you mean {code.lower()!r}?)" if code.lower() in LANGUAGE_CODES else ""
    raise MeetingAppError(
        f"--language {code!r}: not a language code Whisper knows{hint}; use a code such as"
        " en, de, fr, es, ja, or leave it out to detect the language"
    )
