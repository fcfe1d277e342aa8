"""``python -m app``: the molt command."""

import sys

from app.cli import main

sys.exit(main())
