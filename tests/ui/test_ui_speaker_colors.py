"""Issue 17 item 5: the speaker colours can be told apart, by everyone, and read as text.

Two of the five colours a meeting used were nearly the same orange (#d9480f and
#e8590c, CIEDE2000 ΔE 5.8). Each pair of palette colours is compared here with
CIEDE2000 (Sharma, Wu and Dalal's formulation) to normal vision and under
simulated deuteranopia and protanopia (Machado, Oliveira and Fernandes 2009,
severity 1), the red-green deficiencies about 1 in 12 men have. A ΔE of 10 is
clearly different side by side; the palette keeps 19 for normal vision.
"""

from __future__ import annotations

import itertools
import math

import pytest

from meetingapp.ui.speaker_colors import PALETTE, UNLABELLED_COLOR, SpeakerColors

#: linear-RGB matrices that simulate each colour vision (None: normal)
VISION: dict[str, tuple[tuple[float, float, float], ...] | None] = {
    "normal": None,
    "deuteranopia": (
        (0.367322, 0.860646, -0.227968),
        (0.280085, 0.672501, 0.047413),
        (-0.011820, 0.042940, 0.968881),
    ),
    "protanopia": (
        (0.152286, 1.052583, -0.204868),
        (0.114503, 0.786281, 0.099216),
        (-0.003882, -0.048116, 1.051998),
    ),
}
#: the smallest ΔE00 allowed between two speakers, per vision
MIN_DELTA = {"normal": 19.0, "deuteranopia": 9.0, "protanopia": 9.0}


def linear_rgb(hex_color: str) -> tuple[float, float, float]:
    def channel(c: int) -> float:
        v = c / 255
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    h = hex_color.lstrip("#")
    r, g, b = (channel(int(h[i : i + 2], 16)) for i in (0, 2, 4))
    return r, g, b


def lab(hex_color: str, vision: str = "normal") -> tuple[float, float, float]:
    """CIE L*a*b* (D65) of an sRGB colour as someone with ``vision`` sees it."""
    rgb = linear_rgb(hex_color)
    matrix = VISION[vision]
    if matrix is not None:
        rgb = tuple(min(1.0, max(0.0, sum(m * c for m, c in zip(row, rgb)))) for row in matrix)
    r, g, b = rgb
    x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047
    y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b
    z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883

    def f(t: float) -> float:
        return t ** (1 / 3) if t > 216 / 24389 else (24389 / 27 * t + 16) / 116

    fx, fy, fz = f(x), f(y), f(z)
    return 116 * fy - 16, 500 * (fx - fy), 200 * (fy - fz)


def ciede2000(lab1: tuple[float, float, float], lab2: tuple[float, float, float]) -> float:
    """The CIEDE2000 colour difference (kL = kC = kH = 1)."""
    (l1, a1, b1), (l2, a2, b2) = lab1, lab2
    c_bar = (math.hypot(a1, b1) + math.hypot(a2, b2)) / 2
    g = 0.5 * (1 - math.sqrt(c_bar**7 / (c_bar**7 + 25**7)))
    a1p, a2p = (1 + g) * a1, (1 + g) * a2
    c1p, c2p = math.hypot(a1p, b1), math.hypot(a2p, b2)
    h1p = math.degrees(math.atan2(b1, a1p)) % 360
    h2p = math.degrees(math.atan2(b2, a2p)) % 360
    dh = 0.0
    if c1p * c2p:
        dh = h2p - h1p
        dh = dh - 360 if dh > 180 else dh + 360 if dh < -180 else dh
    d_l, d_c = l2 - l1, c2p - c1p
    d_h = 2 * math.sqrt(c1p * c2p) * math.sin(math.radians(dh / 2))
    l_bar, cp_bar = (l1 + l2) / 2, (c1p + c2p) / 2
    if not c1p * c2p:
        h_bar = h1p + h2p
    elif abs(h1p - h2p) <= 180:
        h_bar = (h1p + h2p) / 2
    else:
        h_bar = (h1p + h2p + (360 if h1p + h2p < 360 else -360)) / 2
    t = (
        1
        - 0.17 * math.cos(math.radians(h_bar - 30))
        + 0.24 * math.cos(math.radians(2 * h_bar))
        + 0.32 * math.cos(math.radians(3 * h_bar + 6))
        - 0.20 * math.cos(math.radians(4 * h_bar - 63))
    )
    s_l = 1 + 0.015 * (l_bar - 50) ** 2 / math.sqrt(20 + (l_bar - 50) ** 2)
    s_c = 1 + 0.045 * cp_bar
    s_h = 1 + 0.015 * cp_bar * t
    rotation = -math.sin(math.radians(60 * math.exp(-(((h_bar - 275) / 25) ** 2))))
    r_t = rotation * 2 * math.sqrt(cp_bar**7 / (cp_bar**7 + 25**7))
    return math.sqrt(
        (d_l / s_l) ** 2 + (d_c / s_c) ** 2 + (d_h / s_h) ** 2 + r_t * (d_c / s_c) * (d_h / s_h)
    )


def contrast_on_white(hex_color: str) -> float:
    """The WCAG contrast ratio of the colour against white."""
    r, g, b = linear_rgb(hex_color)
    return 1.05 / (0.2126 * r + 0.7152 * g + 0.0722 * b + 0.05)


def test_ciede2000_matches_the_published_test_data() -> None:
    """Pairs 1, 7 and 17 of Sharma, Wu and Dalal's table (ΔE 2.0425, 2.3669, 27.1492)."""
    assert ciede2000((50, 2.6772, -79.7751), (50, 0, -82.7485)) == pytest.approx(2.0425, abs=1e-4)
    assert ciede2000((50, 0, 0), (50, -1, 2)) == pytest.approx(2.3669, abs=1e-4)
    assert ciede2000((50, 2.5, 0), (73, 25, -18)) == pytest.approx(27.1492, abs=1e-4)


@pytest.mark.parametrize("vision", VISION)
def test_every_pair_of_speaker_colours_is_distinguishable(vision: str) -> None:
    deltas = {
        (a, b): ciede2000(lab(a, vision), lab(b, vision))
        for a, b in itertools.combinations(PALETTE, 2)
    }
    close = {pair: round(d, 1) for pair, d in deltas.items() if d < MIN_DELTA[vision]}
    assert close == {}
    # the old pair of oranges, measured the same way, is what the test rejects
    old = ciede2000(lab("#d9480f", vision), lab("#e8590c", vision))
    assert old < MIN_DELTA[vision]


def test_speaker_colours_stand_apart_from_unlabelled_grey_and_read_as_text() -> None:
    grey = lab(UNLABELLED_COLOR)
    assert min(ciede2000(lab(c), grey) for c in PALETTE) > MIN_DELTA["normal"]
    # the transcript writes names in these colours, the waveform white names on them
    assert min(contrast_on_white(c) for c in PALETTE) >= 4.5


def test_speakers_get_colours_in_order_and_unlabelled_grey() -> None:
    colors = SpeakerColors(["Ana", None, "Ben", "Cy"])
    assert [colors(s).name() for s in ("Ana", "Ben", "Cy")] == list(PALETTE[:3])
    assert colors(None).name() == UNLABELLED_COLOR
