"""How long `meetingapp` takes from the command to a painted window.

Each run starts a fresh process, as a double-click would, on its own empty data
folder, and notes the moment the main window first paints (an event filter on
the application, installed before the app's own code runs). The process exits
right then, so model loading after the window is not counted; that is the point:
the window must not wait for it.

    python benchmarks/time_to_window.py [--runs 5] [--root CHECKOUT]

Offscreen unless DISPLAY is set. ``--root`` runs another copy of the code (e.g.
``git archive`` of an older commit) with the same interpreter, to compare.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: The child: the real entry point (run_app), with a spy for the first paint.
CHILD = """
import os, sys, time
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication, QMainWindow

app = QApplication(sys.argv[:1])

class FirstPaint(QObject):
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint and isinstance(obj, QMainWindow):
            print(time.monotonic(), flush=True)
            os._exit(0)
        return False

spy = FirstPaint()
app.installEventFilter(spy)
from meetingapp.ui.app import run_app
run_app(sys.argv[:1])
"""


def one_run(root: Path) -> float:
    """Seconds from starting the process to the window's first paint."""
    with tempfile.TemporaryDirectory(prefix="meetingapp-ttw-") as home:
        env = {**os.environ, "MEETINGAPP_HOME": home}
        if not env.get("DISPLAY"):
            env.setdefault("QT_QPA_PLATFORM", "offscreen")
        start = time.monotonic()
        out = subprocess.run(
            [sys.executable, "-c", CHILD],
            cwd=root,  # ``-c`` puts the working folder first on sys.path
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        lines = out.stdout.split()
        if not lines:
            raise RuntimeError(f"the window never painted:\n{out.stderr}")
        return float(lines[-1]) - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--root", type=Path, default=ROOT, help="the checkout to start")
    args = ap.parse_args()
    one_run(args.root)  # fills the OS file cache: a user's later starts are warm too
    times = [one_run(args.root) for _ in range(args.runs)]
    shown = ", ".join(f"{t:.2f}" for t in times)
    print(f"time to window: median {statistics.median(times):.2f} s (runs: {shown})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
