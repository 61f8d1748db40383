"""``aicost pricing refresh``: rebuild price tables from the providers' own APIs.

One module per provider, registered in ``REFRESHERS``; each has ``API`` (what it calls, for
messages and provenance) and ``refresh(options, progress) -> {relative path: document}``.
Cloud SDKs are imported inside ``refresh`` only, so ``aicost check`` never loads them.

What every refresher gets from here:

* :func:`retrying`: throttling (HTTP 429, ``ThrottlingException``, gRPC
  ``RESOURCE_EXHAUSTED``) is retried with exponential back-off, honouring ``Retry-After``;
  after the last attempt the refresh fails with one line.
* :func:`write_tables`: the new tables are validated, written to temporary files beside the
  old ones and moved into place only when every table of the refresh is ready, so a failure
  anywhere keeps the old tables.
* :class:`Progress`: a rich progress bar on stderr, only when stderr is a terminal.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import importlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast

from aicost.core.errors import PricingError

#: Provider -> refresher module.
REFRESHERS: dict[str, str] = {
    "aws": "aicost.pricing.refresh.aws",
    "gcp": "aicost.pricing.refresh.gcp",
    "azure": "aicost.pricing.refresh.azure",
}

#: The pip extra that installs each provider's SDK.
EXTRAS = {"aws": "aws", "gcp": "gcp", "azure": "azure"}

T = TypeVar("T")
Json = Any


class RefreshError(PricingError):
    """A refresh that could not finish; the old tables are kept."""

    def __init__(self, message: str, **kwargs: Any) -> None:
        super().__init__(f"{message} (the existing tables were kept)", **kwargs)


class Throttled(Exception):
    """Raised by a refresher's call when the provider asks it to slow down, or on a
    transient failure (HTTP 5xx, a dropped connection): :func:`retrying` tries again."""

    def __init__(self, detail: str, retry_after: float | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after


class RegionNotEnabled(Exception):
    """The account has not enabled (opted in to) a region: it is skipped with a warning."""

    def __init__(self, region: str, detail: str) -> None:
        super().__init__(f"{region}: {detail}")
        self.region = region
        self.detail = detail


def warn(message: str) -> None:
    import sys

    print(f"aicost: warning: {message}", file=sys.stderr)


@dataclass
class RefreshOptions:
    provider: str
    regions: tuple[str, ...] = ()
    endpoint: str | None = None
    max_attempts: int = 5
    #: Seconds before the first retry (doubles each time); ``AICOST_REFRESH_BACKOFF``.
    backoff: float = 1.0
    api_key: str | None = None
    subscription: str | None = None
    spot: bool = True
    #: Extra objects a caller (a test) injects, e.g. an Azure credential.
    extras: dict[str, Any] = field(default_factory=dict)


class RefresherModule(Protocol):
    API: str

    def refresh(self, options: RefreshOptions, progress: Progress) -> dict[str, dict[str, Any]]: ...


def load(provider: str) -> RefresherModule:
    try:
        name = REFRESHERS[provider]
    except KeyError:
        raise PricingError(
            f"unknown provider {provider!r} (use {', '.join(sorted(REFRESHERS))})"
        ) from None
    return cast(RefresherModule, importlib.import_module(name))


def sdk(module: str, provider: str) -> ModuleType:
    """Import an optional SDK, or fail with the pip command that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError:
        raise PricingError(
            f"`aicost pricing refresh {provider}` needs the {module.split('.')[0]} SDK: "
            f"pip install 'aicost[{EXTRAS[provider]}]'"
        ) from None


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def retrying(
    call: Callable[[], T],
    *,
    what: str,
    options: RefreshOptions,
    sleep: Callable[[float], None] = time.sleep,
) -> T:
    """Run *call*, retrying while it raises :class:`Throttled`."""
    delay = options.backoff
    for attempt in range(1, max(options.max_attempts, 1) + 1):
        try:
            return call()
        except Throttled as exc:
            if attempt >= options.max_attempts:
                raise RefreshError(
                    f"{what}: throttled or unavailable ({exc.detail}) on all "
                    f"{options.max_attempts} attempts; try again later"
                ) from None
            wait = exc.retry_after if exc.retry_after is not None else delay
            sleep(min(max(wait, 0.0), 60.0) if options.backoff else 0.0)
            delay *= 2
    raise AssertionError("unreachable")


def backoff_from_env() -> float:
    raw = os.environ.get("AICOST_REFRESH_BACKOFF")
    if raw is None:
        return 1.0
    try:
        return max(float(raw), 0.0)
    except ValueError:
        raise PricingError(f"AICOST_REFRESH_BACKOFF={raw!r} is not a number") from None


# --------------------------------------------------------------------------- progress


class Progress:
    """A progress bar on stderr when it is a terminal; otherwise silent."""

    def __init__(self, enabled: bool) -> None:
        self._enabled = enabled
        self._progress: Any = None

    @classmethod
    def auto(cls, disabled: bool = False) -> Progress:
        return cls(enabled=not disabled and sys.stderr.isatty())

    @contextlib.contextmanager
    def running(self) -> Iterator[Progress]:
        if not self._enabled:
            yield self
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.progress import Progress as RichProgress

        with RichProgress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=Console(stderr=True),
            transient=True,
        ) as progress:
            self._progress = progress
            try:
                yield self
            finally:
                self._progress = None

    def task(self, description: str, total: int | None = None) -> Task:
        if self._progress is None:
            return Task(None, None)
        return Task(self._progress, self._progress.add_task(description, total=total))


class Task:
    def __init__(self, progress: Any, task_id: Any) -> None:
        self._progress = progress
        self._id = task_id

    def advance(self, amount: int = 1) -> None:
        if self._progress is not None:
            self._progress.advance(self._id, amount)

    def total(self, total: int) -> None:
        if self._progress is not None:
            self._progress.update(self._id, total=total)

    def describe(self, text: str) -> None:
        if self._progress is not None:
            self._progress.update(self._id, description=text)


# --------------------------------------------------------------------------- writing


def validate(relative: str, document: Mapping[str, Any], provider: str) -> int:
    """Load *document* as the price book would; return how many prices it holds."""
    from aicost.pricing.catalog import PriceTable

    with tempfile.TemporaryDirectory() as scratch:
        path = Path(scratch) / Path(relative).name
        path.write_text(json.dumps(document), encoding="utf-8")
        try:
            PriceTable.load(path)
        except PricingError as exc:
            raise RefreshError(
                f"the refreshed {relative} is not a valid table: {exc.message}"
            ) from None
    count = 0
    for section in ("prices", "accelerator_prices"):
        for rows in (document.get(section) or {}).values():
            for row in rows.values():
                count += sum(1 for k, v in row.items() if k != "basis" and v is not None)
    if count == 0:
        raise RefreshError(f"the {provider} price API returned no prices for {relative}")
    return count


def write_tables(
    output: Path,
    documents: Mapping[str, Mapping[str, Any]],
    provider: str,
    regions: tuple[str, ...] = (),
) -> list[tuple[Path, int]]:
    """Validate every document, then replace the tables atomically (all or none). With
    *regions* (a partial refresh) each document is merged over the table it replaces, so
    the other regions keep their rows (:mod:`aicost.pricing.refresh.merge`)."""
    if regions:
        from aicost.pricing.refresh.merge import base_table, merge

        merged: dict[str, Mapping[str, Any]] = {}
        for relative, document in documents.items():
            old = base_table(output, relative)
            merged[relative] = merge(old, document, regions) if old else document
        documents = merged
    counts = {rel: validate(rel, doc, provider) for rel, doc in documents.items()}
    staged: list[tuple[Path, Path]] = []
    try:
        for relative, document in documents.items():
            target = output / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            handle, temp_name = tempfile.mkstemp(
                prefix=f".{target.name}.", suffix=".tmp", dir=target.parent
            )
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as stream:
                stream.write(json.dumps(document, indent=2, sort_keys=True) + "\n")
                stream.flush()
                os.fsync(stream.fileno())
            staged.append((Path(temp_name), target))
        for staged_path, target in staged:
            os.replace(staged_path, target)
    except OSError as exc:
        for staged_path, _ in staged:
            with contextlib.suppress(OSError):
                staged_path.unlink()
        raise RefreshError(
            f"cannot write the refreshed tables to {output}: {exc.strerror or exc}"
        ) from None
    return [(output / rel, counts[rel]) for rel in documents]


def source_entry(source_id: str, api: str, when: dt.datetime, used_for: str) -> dict[str, Json]:
    return {
        "id": source_id,
        "date": when.date().isoformat(),
        "origin": api,
        "used_for": used_for,
    }


def refreshed_block(
    provider: str, api: str, when: dt.datetime, options: RefreshOptions
) -> dict[str, Json]:
    block: dict[str, Json] = {
        "at": when.isoformat().replace("+00:00", "Z"),
        "api": api,
        "by": f"aicost pricing refresh {provider}",
    }
    if options.endpoint:
        block["endpoint"] = options.endpoint
    if options.regions:
        block["regions"] = list(options.regions)
    return block
