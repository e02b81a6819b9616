"""Which files a drop or an import means: files as given, folders by their media."""

from __future__ import annotations

from pathlib import Path

AUDIO = ".wav .flac .mp3 .m4a .aac .ogg .oga .opus .wma .aiff .aif .amr"
VIDEO = ".webm .mp4 .m4v .mov .mkv .avi .wmv .mpg .mpeg .3gp"
MEDIA_EXTENSIONS = frozenset(f"{AUDIO} {VIDEO}".split())


def expand_paths(paths: list[Path]) -> tuple[list[Path], list[str]]:
    """Files to import and problems to report. A file is taken as given, so a bad
    one gets a clear error; a folder contributes the audio/video files inside it."""
    files: list[Path] = []
    problems: list[str] = []
    for path in paths:
        if not path.is_dir():
            files.append(path)
            continue
        found = sorted(
            p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in MEDIA_EXTENSIONS
        )
        if not found:
            problems.append(f"{path}: no audio or video files in this folder")
        files.extend(found)
    return files, problems
