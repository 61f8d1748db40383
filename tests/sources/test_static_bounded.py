"""Static mode's work is bounded: every hostile input finishes well under 10 s and 1 GB.

Each reproducer runs in a child process limited to 1 GB of address space and 10 seconds.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

PROVIDER = 'provider "aws" {\n  region = "us-east-1"\n}\n'
GPU = 'resource "aws_instance" "x" {\n  instance_type = "p5.48xlarge"\n%s}\n'


def _doubling() -> str:
    lines = ["locals {", '  l0 = "' + "x" * 1000 + '"']
    lines += [f'  l{i} = "${{local.l{i - 1}}}${{local.l{i - 1}}}"' for i in range(1, 29)]
    lines.append("}")
    return PROVIDER + "\n".join(lines) + "\n" + GPU % "  user_data = local.l28\n"


CASES: dict[str, tuple[dict[str, str], int, str]] = {
    # Python's backtracking engine runs past 40 s here; Terraform (RE2) answers at once
    "catastrophic-regex": (
        {"main.tf": PROVIDER + GPU % f'  tags = {{ t = regex("^(a+)+$", "{"a" * 30000}b") }}\n'},
        1,
        "",
    ),
    "invalid-regex": (
        {"main.tf": PROVIDER + GPU % '  tags = { t = regex("(", "x") }\n'},
        2,
        "main.tf:6: invalid regular expression",
    ),
    "28-locals-doubling": ({"main.tf": _doubling()}, 1, "treated as unknown"),
    "join-of-a-big-string": (
        {
            "main.tf": PROVIDER
            + 'locals {\n  s = "'
            + "y" * 500_000
            + '"\n}\n'
            + GPU % '  user_data = join(",", [for i in range(10000): local.s])\n'
        },
        1,
        "over 1,000,000 characters",
    ),
    "format-width": (
        {"main.tf": PROVIDER + GPU % '  user_data = format("%09999999999d", 1)\n'},
        1,
        "format width",
    ),
    "nested-for": (
        {
            "main.tf": PROVIDER
            + "locals {\n  big = [for a in range(10000): [for b in range(10000): b]]\n}\n"
            + GPU % "  tags = { n = length(local.big) }\n"
        },
        1,
        "iterations",
    ),
    "module-fan-out": (
        {
            "main.tf": PROVIDER + 'module "m" {\n  source = "./m"\n  count = 10000\n}\n',
            "m/main.tf": 'module "m2" {\n  source = "../m2"\n  count = 10000\n}\n',
            "m2/main.tf": 'resource "aws_instance" "x" {\n  count = 10000\n'
            '  instance_type = "p5.48xlarge"\n}\n',
        },
        2,
        "more than 50,000 resource and module instances",
    ),
    "module-cycle": (
        {
            "main.tf": PROVIDER + 'module "a" {\n  source = "./a"\n}\n',
            "a/main.tf": 'module "b" {\n  source = "../b"\n}\n' + GPU % "",
            "b/main.tf": 'module "a" {\n  source = "../a"\n}\n',
        },
        2,
        "module cycle (module.a -> module.b -> module.a)",
    ),
    "module-self-call": (
        {"main.tf": PROVIDER + 'module "me" {\n  source = "./"\n}\n'},
        2,
        "module cycle (root -> module.me)",
    ),
}


#: The child sets its own 1 GB limit (a preexec_fn would run fork handlers of threads the
#: test process may hold, such as gRPC's, in the child).
LIMITED = (
    "import resource, runpy, sys\n"
    "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
    "sys.argv = ['aicost', *sys.argv[1:]]\n"
    "runpy.run_module('aicost', run_name='__main__')\n"
)


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_configuration_is_bounded(tmp_path: Path, name: str) -> None:
    files, code, needle = CASES[name]
    for relative, text in files.items():
        path = tmp_path / "infra" / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-c", LIMITED, "check", "infra", "--format", "compact"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=10,
        check=False,
    )
    elapsed = time.monotonic() - started
    assert elapsed < 10
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr and "internal error" not in done.stderr
    assert needle in done.stderr, done.stderr
