"""Times as people read them."""


def clock(t: float) -> str:
    """mm:ss, or h:mm:ss past an hour."""
    s = int(t)
    h, m, sec = s // 3600, s % 3600 // 60, s % 60
    return f"{h}:{m:02d}:{sec:02d}" if h else f"{m:02d}:{sec:02d}"
