"""The one date parser of the command line (``--date``, ``--from``, ``--to``)."""

from __future__ import annotations

import argparse
from datetime import datetime


def _parse(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date: {text!r} (use YYYY-MM-DD)") from None


def iso_datetime(text: str) -> str:
    """A day or a moment, as ISO text to the second: ``2025-03-31T00:00:00``."""
    return _parse(text).isoformat(timespec="seconds")


def iso_day(text: str) -> str:
    """A day, as ISO text: ``2025-03-31`` (a time given with it is dropped)."""
    return _parse(text).date().isoformat()
