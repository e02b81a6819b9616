"""meetingapp: local-first meeting transcription, speakers, minutes and search."""

__version__ = "0.1.0"
