"""Live capture: devices, crash-safe writing, voice-activated and live-transcribed recording."""

from meetingapp.engine.recording.devices import (
    AudioDeviceError,
    InputDevice,
    RecordingInterrupted,
    find_device,
    format_devices,
    list_input_devices,
)
from meetingapp.engine.recording.session import RecordControls, record
from meetingapp.engine.recording.writer import recover_interrupted

__all__ = [
    "AudioDeviceError",
    "InputDevice",
    "RecordControls",
    "RecordingInterrupted",
    "find_device",
    "format_devices",
    "list_input_devices",
    "record",
    "recover_interrupted",
]
