"""Make test recordings in any container/codec with PyAV, from real eval audio."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import av
import numpy as np


def encode(
    samples: np.ndarray,
    path: Path,
    codec: str,
    rate: int = 16000,
    channels: int = 1,
    video: bool = False,
    audio: bool = True,
    metadata: dict[str, str] | None = None,
    options: dict[str, str] | None = None,
) -> Path:
    """Write ``samples`` (float32 mono 16 kHz) to ``path``; optionally add a video track,
    container ``metadata`` and muxer ``options`` (``{"write_bext": "1"}`` for a BWF)."""
    with av.open(str(path), "w", options=options or {}) as out:
        out.metadata.update(metadata or {})
        astream = None
        if audio:
            astream = out.add_stream(codec, rate=rate)
            astream.layout = "stereo" if channels == 2 else "mono"
        vstream = None
        if video:
            vstream = out.add_stream("mpeg4", rate=10)
            vstream.width, vstream.height, vstream.pix_fmt = 64, 48, "yuv420p"
            for i in range(10):
                img = np.full((48, 64, 3), i * 20, dtype=np.uint8)
                frame = av.VideoFrame.from_ndarray(img, format="rgb24")
                for packet in vstream.encode(frame):
                    out.mux(packet)
            for packet in vstream.encode(None):
                out.mux(packet)
        if astream is not None:
            pcm = (np.clip(samples, -1, 1) * 32767).astype(np.int16)
            if channels == 2:
                pcm = np.stack([pcm, pcm // 2], axis=0).reshape(1, -1, order="F")
            else:
                pcm = pcm.reshape(1, -1)
            layout = "stereo" if channels == 2 else "mono"
            frame = av.AudioFrame.from_ndarray(pcm, format="s16", layout=layout)
            frame.sample_rate = 16000
            frame.time_base = Fraction(1, 16000)
            frame.pts = 0
            resampler = av.AudioResampler(
                format=astream.codec_context.format.name,
                layout=layout,
                rate=rate,
                frame_size=astream.codec_context.frame_size or None,
            )
            for f in resampler.resample(frame) + resampler.resample(None):
                for packet in astream.encode(f):
                    out.mux(packet)
            for packet in astream.encode(None):
                out.mux(packet)
    return path
