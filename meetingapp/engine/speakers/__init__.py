"""Speakers: who spoke when (diarize), on which words (assign), and who they are (identify)."""
