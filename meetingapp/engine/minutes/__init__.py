"""Meeting minutes: offline extraction, optional local-LLM refinement, templates.

Offline: ``build_minutes(segments, date, meeting_type)``. With a GGUF model:
``refine_minutes(minutes, segments, date, load_template(type, data_dir),
LocalLlm(LlmConfig(path)))`` from :mod:`.llm`. Render with
:func:`.templates.render_markdown`; export highlight clips with
:func:`.highlights.export_clips`.
"""

from meetingapp.engine.minutes.build import build_minutes

__all__ = ["build_minutes"]
