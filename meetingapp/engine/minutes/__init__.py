"""Meeting minutes: offline extraction, optional local-LLM refinement, templates."""

from meetingapp.engine.minutes.build import build_minutes
from meetingapp.engine.minutes.model import MEETING_TYPES, ActionItem, Highlight, Item, Minutes

__all__ = ["MEETING_TYPES", "ActionItem", "Highlight", "Item", "Minutes", "build_minutes"]
