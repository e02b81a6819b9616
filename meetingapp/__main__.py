"""``python -m meetingapp``."""

import sys

from meetingapp.cli import main

sys.exit(main())
