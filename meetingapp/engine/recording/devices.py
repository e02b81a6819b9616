"""Find the microphones and system-audio sources a recording can use.

PortAudio (through ``sounddevice``) lists what the host audio APIs expose. On
Linux the PulseAudio/PipeWire sources, including the ``.monitor`` of each
output (what the computer plays: the other side of a call), only reach
PortAudio through the single ALSA ``pulse`` device, so they are listed here
from ``pactl`` and opened through that device with ``PULSE_SOURCE`` set.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from meetingapp.errors import MeetingAppError

#: Names that mark a loopback of what the computer plays, per platform.
_MONITOR_NAME = re.compile(r"monitor|stereo mix|loopback|blackhole|what u hear", re.IGNORECASE)
_PULSE_SPEC = re.compile(r"(\d+)ch\s+(\d+)Hz")


class AudioDeviceError(MeetingAppError):
    """No usable audio input: PortAudio missing, no device, or it vanished."""


class RecordingInterrupted(AudioDeviceError):
    """The device failed mid-recording; ``paths`` holds what was saved up to then."""

    def __init__(self, message: str, paths: list[Path] | None = None) -> None:
        super().__init__(message)
        self.paths = paths or []


@dataclass
class InputDevice:
    name: str
    #: PortAudio device index used to open it.
    index: int
    channels: int
    default_rate: float
    #: Records what the computer plays rather than a microphone.
    is_monitor: bool = False
    #: PulseAudio/PipeWire source name, opened through the ALSA ``pulse`` device.
    pulse_source: str | None = None
    is_default: bool = False


def portaudio() -> ModuleType:
    """Import ``sounddevice``, turning a missing PortAudio into a clear error."""
    try:
        import sounddevice
    except (OSError, ImportError):
        raise AudioDeviceError(
            "Audio capture needs the PortAudio library, which is not installed "
            "(Debian/Ubuntu: sudo apt install libportaudio2)."
        ) from None
    return sounddevice


def _pulse_sources() -> list[tuple[str, int, float]]:
    """``(name, channels, rate)`` of each PulseAudio/PipeWire source, if ``pactl`` answers."""
    pactl = shutil.which("pactl")
    if pactl is None:
        return []
    try:
        out = subprocess.run(
            [pactl, "list", "short", "sources"], capture_output=True, text=True, timeout=5
        )
    except (OSError, subprocess.SubprocessError):
        return []
    if out.returncode != 0:
        return []
    sources = []
    for line in out.stdout.splitlines():
        fields = line.split("\t")
        if len(fields) < 4:
            continue
        spec = _PULSE_SPEC.search(fields[3])
        channels, rate = (int(spec[1]), float(spec[2])) if spec else (2, 48000.0)
        sources.append((fields[1], channels, rate))
    return sources


def list_input_devices(refresh: bool = False) -> list[InputDevice]:
    """Every input the user can pick: PortAudio inputs, then PulseAudio sources.

    ``refresh`` re-scans the hardware (PortAudio caches the list at start-up),
    so a headset plugged in after launch shows up; never call it while recording.
    """
    sd = portaudio()
    if refresh:
        sd._terminate()
        sd._initialize()
    try:
        raw = sd.query_devices()
        default_in = sd.default.device[0]
    except sd.PortAudioError as e:
        raise AudioDeviceError(f"Cannot list audio devices: {e}") from None
    devices = [
        InputDevice(
            name=d["name"],
            index=d["index"],
            channels=d["max_input_channels"],
            default_rate=d["default_samplerate"],
            is_monitor=bool(_MONITOR_NAME.search(d["name"])),
            is_default=d["index"] == default_in,
        )
        for d in raw
        if d["max_input_channels"] > 0
    ]
    pulse = next((d for d in devices if d.name == "pulse"), None)
    if pulse is not None:
        devices += [
            InputDevice(
                name=name,
                index=pulse.index,
                channels=channels,
                default_rate=rate,
                is_monitor=name.endswith(".monitor"),
                pulse_source=name,
            )
            for name, channels, rate in _pulse_sources()
        ]
    return devices


def find_device(name: str | None, devices: list[InputDevice] | None = None) -> InputDevice:
    """The device called ``name`` (exact, then unique substring match; case-insensitive).

    ``None`` means the system's default input.
    """
    devices = list_input_devices() if devices is None else devices
    if not devices:
        raise AudioDeviceError(
            "No audio input device found. Plug in a microphone, or check that the sound "
            "server (PulseAudio/PipeWire) is running and this user may use it."
        )
    if name is None:
        default = next((d for d in devices if d.is_default), None)
        if default is None:
            raise AudioDeviceError(
                "There is no default audio input; choose one with --device (see --list-devices)."
            )
        return default
    wanted = name.casefold()
    exact = [d for d in devices if d.name.casefold() == wanted]
    if exact:
        return exact[0]
    partial = [d for d in devices if wanted in d.name.casefold()]
    if len(partial) == 1:
        return partial[0]
    if not partial:
        raise AudioDeviceError(
            f"No audio input matches {name!r}. Available: {', '.join(d.name for d in devices)}"
        )
    raise AudioDeviceError(
        f"{name!r} matches several inputs; be more precise: " + ", ".join(d.name for d in partial)
    )


def format_devices(devices: list[InputDevice]) -> str:
    """A table for ``--list-devices``: default marked ``*``, system audio marked."""
    lines = []
    for d in devices:
        mark = "*" if d.is_default else " "
        kind = "system audio" if d.is_monitor else "microphone"
        lines.append(f"{mark} {d.name}  ({kind}, {d.channels} ch, {d.default_rate:.0f} Hz)")
    return "\n".join(lines)
