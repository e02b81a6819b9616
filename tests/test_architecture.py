"""The layers' contracts, read from the source: every ``import`` and ``from``
statement of every module, function-local ones included.

domain (plain records) <- store (SQLite, files) <- engine (the work)
<- library (the service layer) <- ui / cli / api; none of those three imports the store.
The domain imports nothing else of the app; the store knows nothing of the
engine; nothing below the UI touches Qt; the shipped package never imports
the evaluation helpers, tests or benchmarks.
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "meetingapp"
QT = ("PySide6", "shiboken6", "PyQt5", "PyQt6")
#: Top-level packages of the checkout that are not shipped.
UNSHIPPED = ("evaluation", "tests", "benchmarks")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path, name: str | None = None) -> list[tuple[int, str]]:
    """(line, absolute module name) of every import in ``path`` (module ``name``)."""
    name = name or module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            out += [(node.lineno, a.name) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolve against this module's package
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            out.append((node.lineno, target))
            # ``from meetingapp import engine`` imports meetingapp.engine
            out += [(node.lineno, f"{target}.{a.name}") for a in node.names if a.name != "*"]
    return out


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def within(name: str, prefix: str) -> bool:
    return name == prefix or name.startswith(prefix + ".")


def offenders(layer: str, forbidden) -> list[str]:
    """``module:line -> target`` for each import of ``layer``'s modules that ``forbidden``."""
    return [
        f"{name}:{line} -> {target}"
        for name, path in MODULES.items()
        if within(name, layer)
        for line, target in imports(path)
        if forbidden(target)
    ]


def is_qt(target: str) -> bool:
    return any(within(target, q) for q in QT)


def test_the_package_is_found() -> None:
    for layer in ("meetingapp.domain", "meetingapp.store", "meetingapp.engine", "meetingapp.ui"):
        assert any(within(n, layer) for n in MODULES), layer


@pytest.mark.parametrize("layer", ["meetingapp.domain", "meetingapp.store", "meetingapp.engine"])
def test_no_qt_below_the_ui(layer: str) -> None:
    assert offenders(layer, is_qt) == []


def test_store_does_not_import_the_engine() -> None:
    assert offenders("meetingapp.store", lambda t: within(t, "meetingapp.engine")) == []


def test_domain_imports_nothing_else_of_the_app() -> None:
    def outside(t: str) -> bool:
        return within(t, "meetingapp") and not within(t, "meetingapp.domain")

    assert offenders("meetingapp.domain", outside) == []


def test_domain_needs_only_the_standard_library_and_numpy() -> None:
    def foreign(t: str) -> bool:
        top = t.partition(".")[0]
        return top not in sys.stdlib_module_names and top not in ("numpy", "meetingapp")

    assert offenders("meetingapp.domain", foreign) == []


def test_the_shipped_package_does_not_import_unshipped_code() -> None:
    assert offenders("meetingapp", lambda t: any(within(t, u) for u in UNSHIPPED)) == []


@pytest.mark.parametrize("layer", ["meetingapp.ui", "meetingapp.cli", "meetingapp.api"])
def test_ui_and_cli_do_not_import_the_store(layer: str) -> None:
    # they reach the data through meetingapp.library; records come from the domain.
    # (``layer_*`` catches a CLI module put back beside the package, cli_x.py)
    names = [n for n in MODULES if within(n, layer) or n.startswith(layer + "_")]
    assert names, layer
    found = [
        f"{n}:{line} -> {t}"
        for n in names
        for line, t in imports(MODULES[n])
        if within(t, "meetingapp.store")
    ]
    assert found == []


def test_the_checks_see_function_local_and_relative_imports(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text(
        "from . import sibling\nfrom ..engine import asr\n\n"
        "def f():\n    from PySide6 import QtCore\n    import numpy\n",
        encoding="utf-8",
    )
    found = [t for _, t in imports(probe, "meetingapp.store.probe")]
    assert "meetingapp.store.sibling" in found and "meetingapp.engine.asr" in found
    assert "PySide6.QtCore" in found and "numpy" in found
