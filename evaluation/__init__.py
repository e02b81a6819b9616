"""Scoring the app against references, for the tests and benchmarks only.

Not part of the shipped package (pyproject.toml packages only ``meetingapp``):
diarization error rate (:mod:`.der`) and minutes precision/recall
(:mod:`.minutes_scoring`).
"""
