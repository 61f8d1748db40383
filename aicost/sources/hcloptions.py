"""Options of static mode that a command sets for one run.

A ``.tf`` file that does not parse makes ``terraform plan`` refuse the whole configuration,
so static mode stops with exit 2 too; a hook that would rather check the rest says so with
``aicost check --skip-unparsable``, which sets :data:`SKIP_UNPARSABLE` for the run.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

SKIP_UNPARSABLE: ContextVar[bool] = ContextVar("aicost_skip_unparsable", default=False)


@contextmanager
def skipping_unparsable(skip: bool) -> Iterator[None]:
    token = SKIP_UNPARSABLE.set(skip)
    try:
        yield
    finally:
        SKIP_UNPARSABLE.reset(token)


__all__ = ["SKIP_UNPARSABLE", "skipping_unparsable"]
