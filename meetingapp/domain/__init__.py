"""The records every layer shares: transcripts, minutes, audio, time formatting.

Plain dataclasses and helpers only. This package imports nothing else of the
app (stdlib and numpy at most), so the engine, the store, the UI and the CLI
can all depend on it without depending on each other
(tests/test_architecture.py holds it to that).
"""
