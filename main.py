"""Start meetingapp from a checkout: ``python main.py [COMMAND ...]``."""

import sys

from meetingapp.cli import main

if __name__ == "__main__":
    sys.exit(main())
