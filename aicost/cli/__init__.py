"""The ``aicost`` command line.

Each subcommand is a module in this package with ``HELP``, ``configure(parser)`` and
``run(args) -> int``, registered in ``COMMANDS``. Command modules import their heavy
dependencies inside ``run`` so that ``aicost --version`` and ``--help`` stay fast.

Exit codes: 0 pass, 1 policy or budget failure, 2 usage/input/config error, 3 internal error.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn, Protocol, cast

from aicost import __version__
from aicost.core.errors import AicostError, ExitCode

#: Subcommand -> module.
COMMANDS: dict[str, str] = {
    "check": "aicost.cli.check",
    "pricing": "aicost.cli.pricing",
    "policy": "aicost.cli.policy",
    "explain": "aicost.cli.explain",
    "estimate": "aicost.cli.estimate",
    "merge": "aicost.cli.merge",
    "comment": "aicost.cli.comment",
    "completion": "aicost.cli.completion",
    "spend": "aicost.cli.spend",
}


EXAMPLES = """examples:
  terraform show -json tfplan | aicost check -        check a plan from standard input
  aicost check infra/                                 raw Terraform (static mode)
  aicost check plan.json --format markdown -o c.md    a pull-request comment
  aicost check plan.json --baseline base.json --new-only
                                                      fail only on new findings
  aicost explain spot-training                        what a rule wants, and the fix
  aicost completion bash > /etc/bash_completion.d/aicost

'aicost COMMAND --help' shows a command's options and examples."""


class CommandModule(Protocol):
    HELP: str

    def configure(self, parser: argparse.ArgumentParser) -> None: ...

    def run(self, args: argparse.Namespace) -> int: ...


class _Version(argparse.Action):
    """``--version``: the aicost version and the date of every price table it would use."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: object) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and price dates")

    def __call__(self, parser: argparse.ArgumentParser, *args: object, **kwargs: object) -> None:
        from aicost.pricing.freshness import shipped_dates

        dates = ", ".join(f"{table} {as_of}" for table, as_of, _path in shipped_dates())
        sys.stdout.write(f"aicost {__version__}\nprice tables: {dates}\n")
        parser.exit(0)


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        """Usage errors: one line and exit 2 (argparse's own convention), with a "did you
        mean" for a mistyped command, choice or option."""
        hint = did_you_mean(self, message)
        self.exit(ExitCode.USAGE_ERROR, f"{self.prog}: error: {message}{hint}\n")


def _option_strings(parser: argparse.ArgumentParser) -> set[str]:
    found: set[str] = set()
    for action in parser._actions:
        found.update(action.option_strings)
        if isinstance(action, argparse._SubParsersAction):
            for child in action.choices.values():
                found |= _option_strings(child)
    return found


def did_you_mean(parser: argparse.ArgumentParser, message: str) -> str:
    """`` (did you mean 'check'?)`` for the first mistyped word in an argparse error."""
    import difflib
    import re

    choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
    if choice:
        candidates = re.findall(r"'?([\w.-]+)'?(?:,|$)", choice.group(2))
        close = difflib.get_close_matches(choice.group(1), candidates, n=1, cutoff=0.5)
        return f" (did you mean {close[0]!r}?)" if close else ""
    unknown = re.search(r"unrecognized arguments: (.*)", message)
    if unknown:
        options = sorted(_option_strings(parser))
        for word in unknown.group(1).split():
            if word.startswith("-"):
                name = word.split("=", 1)[0]
                close = difflib.get_close_matches(name, options, n=1, cutoff=0.6)
                if close:
                    return f" (did you mean {close[0]!r}?)"
    return ""


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The parser; with *only*, just that subcommand's (a run imports one command module)."""
    parser = _Parser(
        prog="aicost",
        description="A cost gate for AI infrastructure: price the GPU and LLM workloads in "
        "Terraform plans and configuration, ML job manifests and LLM usage files offline, "
        "and check them against policy.",
    )
    parser.epilog = EXAMPLES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--version", action=_Version)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for name, module_name in COMMANDS.items():
        if only is not None and name != only:
            continue
        module = cast(CommandModule, importlib.import_module(module_name))
        sub = subparsers.add_parser(
            name,
            help=module.HELP,
            description=module.HELP,
            epilog=getattr(module, "EXAMPLES", None),
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        module.configure(sub)
        sub.set_defaults(run=module.run)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        arguments = list(sys.argv[1:] if argv is None else argv)
        command = arguments[0] if arguments and arguments[0] in COMMANDS else None
        if command is None and "--version" in arguments and not {"-h", "--help"} & set(arguments):
            # argparse acts on --version before looking at a subcommand: build no subcommand
            # parser (each imports its command module and what its help text names).
            command = ""
        parser = build_parser(command)
        args = parser.parse_args(arguments)
        if getattr(args, "run", None) is None:
            parser.print_help(sys.stderr)
            return ExitCode.USAGE_ERROR
        return int(args.run(args))
    except AicostError as exc:
        from aicost.report.inert import controls

        print(f"aicost: error: {controls(exc)}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("aicost: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return ExitCode.OK
    except Exception as exc:
        if os.environ.get("AICOST_DEBUG"):
            raise
        detail = " ".join(str(exc).split())[:300]
        print(
            f"aicost: internal error: {type(exc).__name__}: {detail} "
            "(this is a bug; rerun with AICOST_DEBUG=1 for a traceback and report it)",
            file=sys.stderr,
        )
        return ExitCode.INTERNAL_ERROR


def entry() -> NoReturn:
    """The ``aicost`` console script: :func:`main`, then exit without tearing down.

    Everything a run writes is written (report files are closed; stdout and stderr are
    flushed here), so the interpreter's teardown (a final garbage collection and the
    clean-up of every imported module) is skipped: it is measurable on every pre-commit
    hook and CI step (about 50 ms after checking a large plan) and does nothing for the user.
    """
    try:
        code = main()
    except SystemExit as exc:  # argparse's --help, --version and usage errors
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 2)
        if exc.code is not None and not isinstance(exc.code, int):
            print(exc.code, file=sys.stderr)
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(BrokenPipeError, OSError, ValueError):
            stream.flush()
    os._exit(code)
