"""``python -m aicost``."""

from aicost.cli import entry

entry()
