"""What ``aicost spend`` does, behind the thin CLI module (one function per command)."""

from __future__ import annotations

import argparse
import importlib
from datetime import date
from decimal import Decimal
from pathlib import Path

from aicost.spend import analysis, emit, snapshot
from aicost.spend.atomic import write_text
from aicost.spend.formats import render
from aicost.spend.ground import UsageError


def report(
    inputs: list[str],
    *,
    by: list[str],
    budgets: dict[str, Decimal],
    fmt: str,
    jump_threshold: Decimal,
    memory_limit: str,
    threads: int | None,
) -> str:
    options = analysis.Options(
        by=by,
        budgets=budgets,
        jump_threshold=jump_threshold,
        memory_limit=memory_limit,
        threads=threads,
    )
    return render(fmt, analysis.analyse(inputs, options))


def budgets(policy: str | None, by: list[str], given: dict[str, Decimal]) -> dict[str, Decimal]:
    """Budgets from a policy file (on the first ``--by`` tag), then ``--budget`` over them."""
    from aicost.spend.budgets import from_policy

    found = from_policy(Path(policy), by[0] if by else "team") if policy else {}
    return {**found, **given}


def write(path: str, text: str) -> None:
    write_text(path, text)


def emit_sql(dialect: str, by: list[str], table: str, view: str) -> str:
    return emit.emit(dialect, by, table, view)


def _as_of(text: str | None) -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"--as-of {text!r}: expected YYYY-MM-DD") from None


def _save(result: snapshot.Snapshot, out: str | None) -> str:
    path = out or snapshot.default_name(result)
    snapshot.write(result, path)
    return (
        f"wrote {path}: {result.month} month-to-date AI spend {result.total:.2f} "
        f"{result.currency} through {result.as_of} ({result.source})"
    )


def snapshot_command(
    inputs: list[str], scope_tags: list[str], out: str | None, as_of: str | None, memory: str
) -> str:
    return _save(analysis.snapshot_of(inputs, scope_tags, _as_of(as_of), memory), out)


def pull(cloud: str, args: argparse.Namespace, scope_tags: list[str]) -> str:
    from aicost.spend.pull import CLOUDS

    module_name = CLOUDS.get(cloud)
    if module_name is None:
        raise UsageError(f"aicost spend pull: unknown cloud {cloud!r} (one of {', '.join(CLOUDS)})")
    module = importlib.import_module(module_name)
    result: snapshot.Snapshot = module.pull(args, scope_tags, _as_of(args.as_of))
    return _save(result, args.out)


def exists(path: str) -> bool:
    return Path(path).exists()
