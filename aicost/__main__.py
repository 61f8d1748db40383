"""``python -m aicost``."""

from aicost.cli import main

raise SystemExit(main())
