"""The HCL evaluator agrees with Terraform itself on the expressions static mode evaluates.

Each expression is evaluated by aicost and by `terraform console` (Terraform's own
evaluator, run offline in a directory with the same locals and variables): the values must
be identical. Terraform's answers are recorded once in
``tests/fixtures/hcleval/terraform-console.json`` so the test needs no terraform; after
changing EXPRESSIONS or CONTEXT, re-record them with ``python -m tests.sources.test_hcleval``
(needs terraform on PATH).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

from aicost.sources.hcleval import UNKNOWN, Sensitive, to_plain
from aicost.sources.hclstatic import ModuleInstance, Root, _Builder, _Loader
from tests.conftest import FIXTURES

RECORDED = FIXTURES / "hcleval" / "terraform-console.json"

CONTEXT = """
variable "types" {
  default = { train = "p5.48xlarge", serve = "g6e.12xlarge" }
}
variable "replicas" {
  type    = number
  default = "3"
}
variable "secret" {
  default   = "s3cr3t"
  sensitive = true
}
locals {
  names  = ["b", "a", "c", "a"]
  nested = [["x", "y"], ["z"]]
  fleet  = { a = { size = 2, spot = true }, b = { size = 1, spot = false } }
  empty  = ""
}
"""

#: Expressions users write in GPU configurations, and the corners of the language.
EXPRESSIONS = [
    'merge({ a = 1, b = 2 }, { b = 3 }, { c = "x" })',
    'concat(local.names, ["d"])',
    'lookup(var.types, "train", "none")',
    'lookup(var.types, "batch", "g5.xlarge")',
    "element(local.names, 5)",
    "length(local.fleet)",
    "keys(local.fleet)",
    "values(var.types)",
    "flatten(local.nested)",
    "distinct(local.names)",
    "toset(local.names)",
    'compact(["a", "", "b"])',
    'coalesce(local.empty, "fallback")',
    'contains(local.names, "c")',
    'zipmap(["a", "b"], [1, 2])',
    'one(["only"])',
    "slice(local.names, 1, 3)",
    "reverse(local.names)",
    "range(1, 10, 3)",
    "sum([1, 2, 3.5])",
    "min(3, 1, 2)",
    "max(3, 1, 2)",
    "var.replicas * 2",
    "var.replicas / 2",
    "7 % 3",
    "-7 % 3",
    "ceil(2.1) + floor(2.9)",
    "abs(-4)",
    "pow(2, 10)",
    'parseint("ff", 16)',
    'format("%s-%03d-%.2f-%q-%5s|%-5s|", "a", 7, 3.14159, "q", "r", "l")',
    'formatlist("%s=%s", ["a", "b"], ["1", "2"])',
    'join(",", local.names)',
    'split(".", "p5.48xlarge")',
    'replace("g5.xlarge", ".", "-")',
    'replace("p4d.24xlarge", "/[0-9]+x/", "N")',
    'substr("p5e.48xlarge", 0, 3)',
    'upper("gpu")',
    'title("hello world")',
    'trimspace("  x  ")',
    'trimprefix("ml.g5.xlarge", "ml.")',
    'trimsuffix("a.tf", ".tf")',
    'startswith("p5.48xlarge", "p5")',
    'endswith("p5.48xlarge", "xlarge")',
    'strcontains("g6e.xlarge", "6e")',
    'jsonencode({ b = [1, "x", true, null], a = 1.5 })',
    'jsondecode("{\\"a\\": [1, 2]}")',
    'base64encode("gpu")',
    'md5("gpu")',
    'sha256("gpu")',
    "tostring(12)",
    'tonumber("4.5")',
    'tobool("true")',
    '[for k, v in local.fleet : "${k}:${v.size}" if v.spot]',
    "{ for k, v in local.fleet : k => v.size * 2 }",
    "{ for n in local.names : n => n... }",
    "[for i, n in local.names : i]",
    "local.names[*]",
    "[for f in values(local.fleet) : f.size]",
    '"${var.replicas > 2 ? "many" : "few"}-${local.names[0]}"',
    "true && !false || false",
    "1 == 1.0",
    '"1" == 1',
    "[1, 2] == [1, 2]",
    "try(local.fleet.c.size, 42)",
    "can(local.fleet.c)",
    "can(local.fleet.a)",
    '"$${not.interpolated} %%{ x }"',
    'sort(["b", "a", "c"])',
    'setunion(["a"], ["b", "a"])',
    'index(local.names, "c")',
    "chunklist([1, 2, 3, 4, 5], 2)",
    'regex("^([a-z]+)([0-9]+)", "p5en")',
]


def aicost_values(directory: Path) -> list[Any]:
    builder = _Builder(_Loader(), Root(directory))
    config = builder.loader.module(directory)
    instance = ModuleInstance(builder, config, address="", call_path=())
    values = []
    for position in range(len(EXPRESSIONS)):
        value = instance.local(f"e{position}")
        assert value is not UNKNOWN, EXPRESSIONS[position]
        known, _unknown, _sensitive = to_plain(value)
        values.append(known)
    return values


def terraform_values(directory: Path) -> list[Any]:
    joined = ", ".join(f"local.e{i}" for i in range(len(EXPRESSIONS)))
    env = {**os.environ, "TF_CLI_CONFIG_FILE": "/dev/null", "CHECKPOINT_DISABLE": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("TF_VAR_")}
    completed = subprocess.run(
        ["terraform", "console"],
        input=f"jsonencode([{joined}])\n",
        capture_output=True,
        text=True,
        cwd=directory,
        env=env,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    result: list[Any] = json.loads(json.loads(completed.stdout))
    return result


def write_module(directory: Path) -> Path:
    lines = [CONTEXT, "locals {"]
    lines += [f"  e{i} = {expression}" for i, expression in enumerate(EXPRESSIONS)]
    lines.append("}")
    (directory / "main.tf").write_text("\n".join(lines) + "\n")
    return directory


def normal(value: Any) -> Any:
    """JSON equality: Terraform numbers print without a type (1 and 1.0 are one number)."""
    return json.loads(json.dumps(value))


def recorded_values() -> list[Any]:
    recorded = json.loads(RECORDED.read_text(encoding="utf-8"))
    assert (
        recorded["context"] == CONTEXT
        and [r["expression"] for r in recorded["values"]] == EXPRESSIONS
    ), "EXPRESSIONS changed: re-record with python -m tests.sources.test_hcleval"
    return [r["value"] for r in recorded["values"]]


def record(directory: Path) -> None:
    """Ask terraform console for every expression's value and write RECORDED."""
    version = subprocess.run(
        ["terraform", "version", "-json"], capture_output=True, text=True, check=True
    )
    values = terraform_values(write_module(directory))
    document = {
        "terraform_version": json.loads(version.stdout)["terraform_version"],
        "context": CONTEXT,
        "values": [{"expression": e, "value": v} for e, v in zip(EXPRESSIONS, values, strict=True)],
    }
    RECORDED.parent.mkdir(parents=True, exist_ok=True)
    RECORDED.write_text(json.dumps(document, indent=1, ensure_ascii=False) + "\n", "utf-8")


def test_evaluator_agrees_with_terraform_console(tmp_path: Path) -> None:
    directory = write_module(tmp_path)
    ours = aicost_values(directory)
    theirs = recorded_values()
    mismatches = [
        (EXPRESSIONS[i], a, b)
        for i, (a, b) in enumerate(zip(ours, theirs, strict=True))
        if normal(a) != normal(b)
    ]
    assert mismatches == []


def test_sensitive_values_stay_marked_through_functions(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(CONTEXT + "locals {\n  shout = upper(var.secret)\n}\n")
    builder = _Builder(_Loader(), Root(tmp_path))
    instance = ModuleInstance(builder, builder.loader.module(tmp_path), address="", call_path=())
    value = instance.local("shout")
    assert isinstance(value, Sensitive) and value.value == "S3CR3T"
    _known, _unknown, sensitive = to_plain({"tags": {"k": value, "plain": "x"}})
    assert sensitive == {"tags": {"k": True}}


def test_unknown_values_spread_and_are_marked(tmp_path: Path) -> None:
    (tmp_path / "main.tf").write_text(
        'data "aws_ami" "dl" {}\n'
        "locals {\n"
        '  name = "node-${data.aws_ami.dl.id}"\n'
        "  tags = { a = 1, b = data.aws_ami.dl.id }\n"
        "  count = length([data.aws_ami.dl.id, 2])\n"
        "}\n"
    )
    builder = _Builder(_Loader(), Root(tmp_path))
    instance = ModuleInstance(builder, builder.loader.module(tmp_path), address="", call_path=())
    assert instance.local("name") is UNKNOWN
    assert instance.local("count") == 2  # the length of a list is known even if an item is not
    known, unknown, _ = to_plain(instance.local("tags"))
    assert known == {"a": 1} and unknown == {"b": True}


if __name__ == "__main__":
    import tempfile

    if shutil.which("terraform") is None:
        raise SystemExit("terraform is not on PATH")
    with tempfile.TemporaryDirectory() as scratch:
        record(Path(scratch))
    print(f"wrote {RECORDED}")
