"""aicost: a cost gate for AI infrastructure."""

__version__ = "0.1.0"
