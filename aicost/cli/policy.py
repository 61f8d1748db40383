"""``aicost policy``: commands for the people who write policy.

* ``validate FILE...``: every error with file:line:column and a hint (exit 2 on errors);
* ``test DIR``: each rule's pass and fail fixtures (exit 0 / 1 failed / 2 cannot run);
* ``show [FILE]``: the merged policy, with the file and line each value came from;
* ``schema``: JSON Schema for editor completion;
* ``docs``: the rule reference, generated from the rule modules.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from aicost.cli.output import write_file
from aicost.core.errors import AicostError, ConfigError, ExitCode, UsageError

EXAMPLES = """examples:
  aicost policy validate aicost.yaml       errors with file:line, typos with hints
  aicost policy test .                     run the policy's own tests (tests/ beside it)
  aicost policy show                       the effective policy (extends resolved)
  aicost policy docs --output docs/rules.md"""
HELP = "validate, test, show and document policies (validate, test, show, schema, docs)"


def configure(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="policy_command", metavar="SUBCOMMAND")

    validate = sub.add_parser(
        "validate",
        help="check policy and waiver files; every error with file:line:column and a hint",
        description="Check policy files (and waiver files) without running them. Exit 0 "
        "when all are valid, 2 when any has an error. Warnings (expired or soon-expiring "
        "waivers, waivers for rules the policy does not have) do not fail unless --strict.",
    )
    validate.add_argument("files", nargs="+", type=Path, metavar="FILE")
    validate.add_argument("--strict", action="store_true", help="warnings fail too (exit 2)")
    validate.add_argument(
        "--today", type=_date, metavar="YYYY-MM-DD", help="judge waiver expiry as of this date"
    )
    validate.set_defaults(policy_run=_validate)

    test = sub.add_parser(
        "test",
        help="run each rule's pass/fail fixtures (tests/<rule-id>/{pass,fail}/...)",
        description="Run a policy's test fixtures: DIR/tests/<rule-id>/pass/* must give no "
        "active finding of the rule, DIR/tests/<rule-id>/fail/* at least one (and exactly "
        "the findings an .expect.yaml lists). Exit 0 all passed, 1 a case failed, 2 the "
        "suite cannot run. See docs/policy-testing.md.",
    )
    test.add_argument("directory", type=Path, metavar="DIR")
    test.add_argument(
        "--policy",
        type=Path,
        metavar="FILE",
        help="the policy under test (default: DIR/aicost.yaml, DIR/.aicost.yaml, DIR/policy.yaml)",
    )
    test.add_argument(
        "--rule", action="append", default=[], metavar="ID", help="only these rules (globs)"
    )
    test.add_argument(
        "--require-tests",
        action="store_true",
        help="fail when a rule has no pass case or no fail case",
    )
    test.add_argument("--quiet", "-q", action="store_true", help="print failures only")
    test.set_defaults(policy_run=_test)

    show = sub.add_parser(
        "show",
        help="print the merged policy and where each value came from",
        description="Print the policy after its extends chain is merged, each value with "
        "the file and line it came from, and each rule's effective enforcement.",
    )
    show.add_argument(
        "file",
        nargs="?",
        type=Path,
        metavar="FILE",
        help="policy file (default: ./aicost.yaml, ./.aicost.yaml, else the bundled pack)",
    )
    show.add_argument("--format", choices=("yaml", "json"), default="yaml")
    show.set_defaults(policy_run=_show)

    schema = sub.add_parser(
        "schema",
        help="print the JSON Schema of policy files (or waiver files)",
        description="JSON Schema for editors: add '# yaml-language-server: "
        "$schema=<path or URL>' at the top of a policy. The schema ships in "
        "policies/schema/.",
    )
    schema.add_argument("--kind", choices=("policy", "waivers"), default="policy")
    schema.add_argument("--output", "-o", type=Path, metavar="FILE")
    schema.set_defaults(policy_run=_schema)

    docs = sub.add_parser(
        "docs",
        help="print the rule reference generated from the rule modules",
        description="The policy rule reference (docs/rules.md), generated from the rule "
        "modules' docstrings. --check FILE exits 1 when FILE is out of date.",
    )
    target = docs.add_mutually_exclusive_group()
    target.add_argument("--output", "-o", type=Path, metavar="FILE")
    target.add_argument("--check", type=Path, metavar="FILE")
    docs.set_defaults(policy_run=_docs)


def _date(value: str) -> object:
    import datetime as dt

    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a YYYY-MM-DD date: {value!r}") from None


def run(args: argparse.Namespace) -> int:
    handler = getattr(args, "policy_run", None)
    if handler is None:
        raise UsageError("aicost policy: give a subcommand: validate, test, show, schema, docs")
    return int(handler(args))


# ---------------------------------------------------------------------------- validate


def _hint(error: AicostError) -> str:
    message = error.message
    if message.startswith("YAML error"):
        return "check the indentation and quoting around that line"
    if "unknown rule type" in message:
        return "`aicost explain` lists the rule types"
    if "unknown key" in message or "missing required key" in message:
        return (
            "`aicost explain TYPE` lists a rule's options; "
            "`aicost policy schema` gives editors completion"
        )
    if "extends" in message:
        return (
            "extends takes builtin:baseline, builtin:strict, builtin:default "
            "or a path relative to this file"
        )
    if "duplicate" in message:
        return (
            "ids must be unique in a file; to change an inherited rule, "
            "repeat its id in the extending file"
        )
    if "waiver" in message or "expires" in message:
        return "a waiver needs rule, reason, owner and expires (YYYY-MM-DD)"
    return "docs/policy.md describes the format"


def _is_waiver_file(path: Path) -> bool:
    from aicost.core.yamlsafe import load_file

    try:
        data = load_file(path).data
    except AicostError:
        return False
    return (
        isinstance(data, dict) and "waivers" in data and "name" not in data and "rules" not in data
    )


def _validate(args: argparse.Namespace) -> int:
    import datetime as dt

    from aicost.core.validate import strict_validate
    from aicost.policy.loader import load_policy
    from aicost.policy.waivers import FILE, Waiver, load_waiver_file

    today = args.today or dt.datetime.now(dt.UTC).date()
    errors = warnings = 0
    for path in args.files:
        problems: list[ConfigError] = []
        notes: list[str] = []
        waivers: list[Waiver] = []
        summary = ""
        try:
            if _is_waiver_file(path):
                waivers = load_waiver_file(path, FILE, strict_validate)
                summary = f"waiver file, {len(waivers)} waiver{'s' if len(waivers) != 1 else ''}"
                rule_names: list[tuple[str, str]] | None = None
            else:
                policy = load_policy(path, errors=problems)
                waivers = list(policy.waivers)
                rule_names = policy.rule_names()
                summary = f"policy {policy.name!r}, {len(policy.rules)} rules" + (
                    f", extends {' -> '.join(policy.chain[:-1])}" if len(policy.chain) > 1 else ""
                )
        except AicostError as exc:
            problems.append(exc if isinstance(exc, ConfigError) else ConfigError(str(exc)))
            rule_names = None
        for waiver in waivers:
            found = _waiver_problem(waiver, today, rule_names)
            if found is None:
                continue
            level, text = found
            if level == "error":
                problems.append(
                    ConfigError(
                        text, path=waiver.where.rsplit(":", 1)[0], line=_line_of(waiver.where)
                    )
                )
            else:
                notes.append(f"{waiver.where}: warning: {text}")
        for error in problems:
            print(f"{error}  (hint: {_hint(error)})", file=sys.stderr)
        for note in notes:
            print(note, file=sys.stderr)
        errors += len(problems)
        warnings += len(notes)
        if not problems:
            print(f"ok: {path} ({summary})")
    if errors or (args.strict and warnings):
        return ExitCode.USAGE_ERROR
    return ExitCode.OK


def _line_of(where: str) -> int | None:
    tail = where.rsplit(":", 1)[-1]
    return int(tail) if tail.isdigit() else None


def _waiver_problem(
    waiver: object, today: object, rules: list[tuple[str, str]] | None
) -> tuple[str, str] | None:
    import datetime as dt
    import fnmatch

    from aicost.policy.waivers import Waiver

    assert isinstance(waiver, Waiver) and isinstance(today, dt.date)
    expires = waiver.expires
    if expires is None:
        return "error", (
            f"waiver for {waiver.rule!r}: expires {waiver.expires_text!r} is not a YYYY-MM-DD "
            "date (aicost check treats it as expired)"
        )
    if expires < today:
        return "warning", f"waiver for {waiver.rule!r} expired on {expires.isoformat()}"
    if rules is not None and not any(
        fnmatch.fnmatchcase(rule_id, waiver.rule) or fnmatch.fnmatchcase(rule_type, waiver.rule)
        for rule_id, rule_type in rules
    ):
        return "warning", f"waiver for {waiver.rule!r}: no rule in the policy has that id or type"
    return None


# ---------------------------------------------------------------------------- test


def _test(args: argparse.Namespace) -> int:
    from aicost.pipeline.suite import run_suite
    from aicost.policy.loader import load_policy

    directory: Path = args.directory
    if not directory.is_dir():
        raise UsageError("not a directory", path=directory)
    policy_path = args.policy
    if policy_path is None:
        for name in ("aicost.yaml", ".aicost.yaml", "policy.yaml"):
            if (directory / name).is_file():
                policy_path = directory / name
                break
        else:
            raise UsageError(
                "no policy: put aicost.yaml (or policy.yaml) in the directory or pass --policy",
                path=directory,
            )
    policy = load_policy(policy_path)
    suite = run_suite(directory, policy, args.rule)
    for result in suite.results:
        if result.ok:
            if not args.quiet:
                print(f"PASS {result.case.rule} {result.case.kind}: {result.case.name}")
            continue
        print(f"FAIL {result.case.rule} {result.case.kind}: {result.case.name}")
        for problem in result.problems:
            print(f"     {problem}")
    passed = sum(1 for r in suite.results if r.ok)
    failed = len(suite.results) - passed
    rules = len({r.case.rule for r in suite.results})
    line = f"{passed} passed, {failed} failed ({len(suite.results)} cases, {rules} rules)"
    if suite.missing:
        lacking = ", ".join(
            f"{rule} (no {'/'.join(kinds)})" for rule, kinds in suite.missing.items()
        )
        line += f"; untested: {lacking}"
    print(line)
    if not suite.results:
        print(f"aicost: warning: no test cases under {directory}", file=sys.stderr)
    if failed or (args.require_tests and suite.missing):
        return ExitCode.POLICY_FAILURE
    return ExitCode.OK


# ---------------------------------------------------------------------------- show, schema, docs


def _show(args: argparse.Namespace) -> int:
    from aicost.policy.loader import discover, load_policy
    from aicost.policy.show import render_json, render_yaml

    path, origin = discover(args.file, Path.cwd())
    policy = load_policy(path, origin)
    text = render_json(policy) if args.format == "json" else render_yaml(policy)
    sys.stdout.write(text)
    return ExitCode.OK


def _schema(args: argparse.Namespace) -> int:
    from aicost.policy.jsonschema import render

    text = render(args.kind)
    if args.output is not None:
        write_file(args.output, text, "file")
    else:
        sys.stdout.write(text)
    return ExitCode.OK


def _docs(args: argparse.Namespace) -> int:
    from aicost.policy.docs import render

    text = render()
    if args.check is not None:
        try:
            current = args.check.read_text(encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot read: {exc.strerror or exc}", path=args.check) from None
        if current != text:
            print(
                f"aicost: {args.check} is out of date: "
                f"run aicost policy docs --output {args.check}",
                file=sys.stderr,
            )
            return ExitCode.POLICY_FAILURE
        print(f"ok: {args.check} is up to date")
        return ExitCode.OK
    if args.output is not None:
        write_file(args.output, text, "file")
    else:
        sys.stdout.write(text)
    return ExitCode.OK
