"""Shell completion, examples in --help."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from aicost.cli import COMMANDS


def aicost(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "aicost", *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.mark.parametrize("command", [None, *COMMANDS])
def test_every_help_has_examples(command: str | None) -> None:
    result = aicost(*([command] if command else []), "--help")
    assert result.returncode == 0, result.stderr
    examples = result.stdout.split("examples:\n", 1)[1]
    lines = [x for x in examples.splitlines() if x.startswith("  aicost") or "| aicost" in x]
    assert lines, result.stdout
    if command:
        assert all(f"aicost {command}" in x for x in lines if x.startswith("  aicost")), lines


def complete(script: Path, *words: str) -> list[str]:
    """COMPREPLY for the command line *words* (the last word is being completed)."""
    quoted = " ".join(f"'{w}'" for w in words)
    program = (
        f"source '{script}'; COMP_WORDS=({quoted}); COMP_CWORD={len(words) - 1}; _aicost; "
        'printf "%s\\n" "${COMPREPLY[@]}"'
    )
    done = subprocess.run(
        ["bash", "--norc", "-c", program], capture_output=True, text=True, check=True
    )
    return done.stdout.split()


def test_bash_completion_offers_commands_subcommands_and_options(tmp_path: Path) -> None:
    script = tmp_path / "aicost.bash"
    result = aicost("completion", "bash")
    assert result.returncode == 0
    script.write_text(result.stdout)
    assert complete(script, "aicost", "ch") == ["check"]
    assert "completion" in complete(script, "aicost", "")
    assert complete(script, "aicost", "check", "--new") == ["--new-only"]
    assert complete(script, "aicost", "policy", "va") == ["validate"]
    assert "--baseline" in complete(script, "aicost", "merge", "--")
    (tmp_path / "plan.json").write_text("{}")
    assert complete(script, "aicost", "check", str(tmp_path / "pl")) == [
        str(tmp_path / "plan.json")
    ]


def test_zsh_and_fish_scripts() -> None:
    zsh = aicost("completion", "zsh").stdout
    assert zsh.startswith("#compdef aicost\n") and "bashcompinit" in zsh and "_aicost()" in zsh
    fish = aicost("completion", "fish").stdout
    assert "complete -c aicost -n __fish_use_subcommand -a check" in fish
    assert "complete -c aicost -n '__fish_seen_subcommand_from check' -l new-only" in fish
    for shell in ("zsh", "fish"):  # when the shell is installed, it must parse its script
        binary = shutil.which(shell)
        if binary:
            text = zsh if shell == "zsh" else fish
            parsed = subprocess.run([binary, "-n"], input=text, capture_output=True, text=True)
            assert parsed.returncode == 0, parsed.stderr
    bash = aicost("completion", "bash").stdout
    assert subprocess.run(["bash", "-n"], input=bash, text=True, check=False).returncode == 0


def test_unknown_shell_is_a_usage_error() -> None:
    result = aicost("completion", "tcsh")
    assert result.returncode == 2
    assert "invalid choice: 'tcsh'" in result.stderr
