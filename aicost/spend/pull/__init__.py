"""``aicost spend pull aws|azure|gcp``: month-to-date AI spend from the providers' APIs.

One module per cloud (registered in :data:`CLOUDS`), each with
``pull(args, scope_tags, as_of, **injected) -> Snapshot``. The SDKs are optional extras
(``pip install 'aicost[aws]'`` …), imported only here, when a pull runs.
"""

from __future__ import annotations

import importlib
import re
from datetime import date, timedelta
from types import ModuleType

from aicost.spend.classify import AI_SERVICE_PATTERN, INSTANCE_PATTERN
from aicost.spend.ground import InputError, UsageError

#: ``aicost spend pull`` cloud -> module with ``pull(args, scope_tags, as_of) -> Snapshot``.
CLOUDS: dict[str, str] = {
    "aws": "aicost.spend.pull.aws",
    "azure": "aicost.spend.pull.azure",
    "gcp": "aicost.spend.pull.gcp",
}


def sdk(module: str, extra: str) -> ModuleType:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise UsageError(
            f"aicost spend pull {extra} needs {module}: pip install 'aicost[{extra}]'"
        ) from None


def month_start(as_of: date) -> date:
    return as_of.replace(day=1)


def day_after(as_of: date) -> date:
    return as_of + timedelta(days=1)


_INSTANCE = re.compile(INSTANCE_PATTERN)
_SERVICE = re.compile(AI_SERVICE_PATTERN)


def is_ai_text(*texts: object) -> bool:
    """The AI rule of :mod:`aicost.spend.classify` on the text fields of an API record."""
    text = " ".join(str(t) for t in texts if t).lower()
    return bool(_INSTANCE.search(text) or _SERVICE.search(text) or "token" in text)


def failed(what: str, exc: BaseException) -> InputError:
    message = " ".join(str(exc).split())[:300] or type(exc).__name__
    return InputError(f"{what}: {message}")
