"""The line-aware scanner behind inline waivers and --source-dir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from aicost.policy.inline import SourceIndex, scan_blocks, scan_file, split_address

TF = """\
locals {
  script = <<-EOT
    resource "aws_instance" "not_a_block" {
    }}}
  EOT
  s = "a { brace # not a comment ${var.x} // nor this"
  t = "${jsonencode({a = "}"})}"
}

/* resource "aws_instance" "commented_out" { */
# aicost:ignore=spot-training,gpu-families exp:2026-12-31 owner:@a ticket:T-1 ws:dev-* -- two rules
resource "aws_instance" "a" {
  tags = { x = "#" }
}

# aicost:ignore=ai-tags exp:2026-12-31 -- not attached: a blank line follows

resource "aws_instance" "b" { /* aicost:ignore=* exp:2026-12-31 -- every rule */
}

// aicost:ignore=spot-training -- no date
# aicost:ignore=spot-training exp:2026-12-31
module "m" {
  source = "./mod"
  x      = "{"
}

data "aws_ami" "x" {}
"""


def test_blocks_skip_strings_heredocs_and_comments() -> None:
    blocks = scan_blocks(TF, "main.tf")
    assert [(b.kind, b.labels, b.line) for b in blocks] == [
        ("resource", ("aws_instance", "a"), 12),
        ("resource", ("aws_instance", "b"), 18),
        ("module", ("m",), 23),
        ("data", ("aws_ami", "x"), 28),
    ]
    assert blocks[2].source == "./mod"


def test_comment_grammar_and_attachment(tmp_path: Path) -> None:
    path = tmp_path / "main.tf"
    path.write_text(TF)
    waivers = scan_file(path)
    by_line: dict[int, list[Any]] = {}
    for waiver in waivers:
        by_line.setdefault(int(waiver.where.rsplit(":", 1)[1]), []).append(waiver)
    two = by_line[11]
    assert [w.rule for w in two] == ["spot-training", "gpu-families"]
    first = two[0]
    assert (first.owner, first.ticket, first.expires_text, first.workspaces) == (
        "@a",
        "T-1",
        "2026-12-31",
        ("dev-*",),
    )
    assert first.reason == "two rules" and first.problem is None
    assert first.anchor is not None and first.anchor[1] == 12
    assert by_line[16][0].anchor is None  # a blank line separates it from resource b
    every = by_line[18][0]
    assert every.rule == "*" and every.anchor is not None and every.anchor[1] == 18
    assert every.reason == "every rule"
    no_date, dated = by_line[21][0], by_line[22][0]
    assert no_date.problem == "inline waiver has no exp:YYYY-MM-DD date"
    assert dated.problem == "inline waiver gives no reason"
    # both comments belong to the block above module "m"
    assert no_date.anchor == dated.anchor and dated.anchor is not None
    assert dated.anchor[1] == 23


def test_yaml_comments(tmp_path: Path) -> None:
    path = tmp_path / "job.yaml"
    path.write_text(
        "# aicost:ignore=a exp:2026-12-31 -- above the document\n"
        "---\n"
        "apiVersion: v1\n"
        "metadata:\n"
        "  annotations:\n"
        '    note: "# aicost:ignore=b exp:2026-12-31 -- inside a string"\n'
    )
    waivers = scan_file(path)
    assert [w.rule for w in waivers] == ["a"]
    assert waivers[0].anchor is not None and waivers[0].anchor[1] == 3


def test_addresses_map_to_files_through_local_modules(tmp_path: Path) -> None:
    (tmp_path / "mod").mkdir()
    (tmp_path / "main.tf").write_text(TF)
    (tmp_path / "mod" / "main.tf").write_text('resource "aws_instance" "node" {\n}\n')
    index = SourceIndex(tmp_path)
    blocks = index.locate('module.m["a.b"].aws_instance.node[0]')
    assert [(Path(b.path).name, b.line) for b in blocks] == [("main.tf", 23), ("main.tf", 1)]
    assert Path(blocks[1].path).parent.name == "mod"
    assert [b.line for b in index.locate("aws_instance.a")] == [12]
    assert [b.line for b in index.locate("data.aws_ami.x")] == [28]
    assert index.locate("aws_instance.missing") == []
    assert split_address('module.a["x.y"].module.b[0].aws_instance.c["k"]') == (
        ["a", "b"],
        "aws_instance.c",
    )
    assert sorted(Path(f).parent.name for f in index.all_files()) == ["mod", tmp_path.name]
