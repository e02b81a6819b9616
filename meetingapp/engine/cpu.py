"""How many CPU threads each model may use.

All cores by default. ``meetingapp worker --threads N`` sets
``MEETINGAPP_CPU_THREADS`` so that several workers can share one machine
without each model fighting the others for every core.
"""

from __future__ import annotations

import os

#: The environment variable that limits the threads of every model in this process.
THREADS_ENV = "MEETINGAPP_CPU_THREADS"


def cpu_threads(cap: int | None = None) -> int:
    """The limit set for this process, else every core (at most ``cap``)."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if raw.isdigit() and int(raw) > 0:
        return int(raw)
    cores = os.cpu_count() or 1
    return min(cap, cores) if cap else cores
