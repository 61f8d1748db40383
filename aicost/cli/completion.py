"""``aicost completion SHELL``: a shell completion script for bash, zsh or fish.

Generated from the command-line parser itself, so it always offers the commands,
subcommands and options this version has. Install it with, for example::

    aicost completion bash > ~/.local/share/bash-completion/completions/aicost
    aicost completion zsh > "${fpath[1]}/_aicost"
    aicost completion fish > ~/.config/fish/completions/aicost.fish
"""

from __future__ import annotations

import argparse
import shlex
import sys
from dataclasses import dataclass, field

HELP = "print a shell completion script (bash, zsh or fish)"
EXAMPLES = """examples:
  aicost completion bash > ~/.local/share/bash-completion/completions/aicost
  aicost completion zsh > "${fpath[1]}/_aicost"
  aicost completion fish > ~/.config/fish/completions/aicost.fish"""
SHELLS = ("bash", "zsh", "fish")


@dataclass
class Command:
    name: str
    help: str
    options: list[tuple[str, str]] = field(default_factory=list)  # (option, help)
    subcommands: list[tuple[str, str]] = field(default_factory=list)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, metavar="SHELL", help="bash, zsh or fish")
    parser.epilog = EXAMPLES
    parser.formatter_class = argparse.RawDescriptionHelpFormatter


def run(args: argparse.Namespace) -> int:
    commands = describe()
    script = {"bash": bash, "zsh": zsh, "fish": fish}[args.shell](commands)
    sys.stdout.write(script)
    return 0


def _options(parser: argparse.ArgumentParser) -> list[tuple[str, str]]:
    return [
        (option, " ".join((action.help or "").split()))
        for action in parser._actions
        for option in action.option_strings
        if option.startswith("--")
    ]


def describe() -> list[Command]:
    """Every command with its options and subcommands (their options merged in)."""
    from aicost.cli import COMMANDS, build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    helps = {choice.dest: choice.help or "" for choice in sub._choices_actions}
    commands = []
    for name in COMMANDS:
        child = sub.choices[name]
        command = Command(name, " ".join(helps.get(name, "").split()), _options(child))
        for action in child._actions:
            if isinstance(action, argparse._SubParsersAction):
                inner = {c.dest: c.help or "" for c in action._choices_actions}
                for subname, grandchild in action.choices.items():
                    command.subcommands.append((subname, " ".join(inner.get(subname, "").split())))
                    for option in _options(grandchild):
                        if option not in command.options:
                            command.options.append(option)
        commands.append(command)
    return commands


def bash(commands: list[Command]) -> str:
    names = " ".join(c.name for c in commands)
    cases = []
    for command in commands:
        options = " ".join(sorted({o for o, _ in command.options} | {"--help"}))
        subs = " ".join(s for s, _ in command.subcommands)
        cases.append(
            f"        {command.name}) opts={shlex.quote(options)}; subs={shlex.quote(subs)} ;;"
        )
    body = "\n".join(cases)
    return f"""# bash completion for aicost (aicost completion bash)
_aicost() {{
    local cur="${{COMP_WORDS[COMP_CWORD]}}"
    local opts="" subs=""
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "{names} --help --version" -- "$cur"))
        return 0
    fi
    case "${{COMP_WORDS[1]}}" in
{body}
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$opts" -- "$cur"))
    elif [ "$COMP_CWORD" -eq 2 ] && [ -n "$subs" ]; then
        COMPREPLY=($(compgen -W "$subs" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
    return 0
}}
complete -o default -o bashdefault -F _aicost aicost
"""


def zsh(commands: list[Command]) -> str:
    return (
        "#compdef aicost\n"
        "# zsh completion for aicost (aicost completion zsh): the bash completion through\n"
        "# zsh's bashcompinit.\n"
        "autoload -U +X bashcompinit && bashcompinit\n" + bash(commands).split("\n", 1)[1]
    )


def _fish_quote(text: str) -> str:
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'")[:120] + "'"


def fish(commands: list[Command]) -> str:
    lines = ["# fish completion for aicost (aicost completion fish)", "complete -c aicost -f"]
    lines += [
        "complete -c aicost -n __fish_use_subcommand "
        f"-a {command.name} -d {_fish_quote(command.help)}"
        for command in commands
    ]
    for command in commands:
        seen = f"'__fish_seen_subcommand_from {command.name}'"
        for subname, text in command.subcommands:
            lines.append(f"complete -c aicost -n {seen} -a {subname} -d {_fish_quote(text)}")
        for option, text in command.options:
            lines.append(f"complete -c aicost -n {seen} -l {option[2:]} -d {_fish_quote(text)}")
        if command.name in ("check", "merge", "comment", "policy", "pricing"):
            lines.append(f"complete -c aicost -n {seen} -F")
    return "\n".join(lines) + "\n"
