#!/usr/bin/env python3
"""Generate a large, realistic Terraform plan JSON for aicost benchmarks.

Writes a Terraform configuration describing ``N`` GPU workloads (default
3000) to a directory, plans it offline with the hashicorp/aws provider from a
local filesystem mirror, and writes ``terraform show -json`` output (compact,
exactly as Terraform prints it) to the output path.

"GPU workloads" are the resource instances aicost prices, one per:

* ``aws_instance`` instance (several resource blocks with ``count``, over
  several GPU instance types, some on spot via ``instance_market_options``);
* ``aws_autoscaling_group`` (each paired with its own
  ``aws_launch_template``; a third of them use a ``mixed_instances_policy``);
* ``aws_eks_node_group`` (``for_each`` over a generated map, ON_DEMAND and
  SPOT, across a few clusters);
* ``aws_instance`` inside ``module "fleet"`` / ``module "west_fleet"``
  (module calls with ``for_each``; the west one through an aliased provider).

Supporting resources (launch templates, EKS clusters) and a sprinkle of
non-GPU ``t3`` instances (N/20) are added on top, as in a real estate, so
``resource_changes`` holds noticeably more than N entries.

Usage::

    python3 benchmarks/gen_large_plan.py                      # N=3000
    python3 benchmarks/gen_large_plan.py -n 500 \\
        --config-dir /tmp/cfg --output /tmp/plan.json

Defaults write under ``benchmarks/.cache/`` (git-ignored). Terraform runs in
a temporary copy of the config, so no ``.terraform`` directory, lock file,
state or binary plan is left behind. Only the standard library is used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
DEFAULT_CACHE = HERE / ".cache"
DEFAULT_MIRROR = "/opt/tf-plugins"
PROVIDER_VERSION = "5.100.0"

# Instance types for plain instances, with the share of blocks on spot.
INSTANCE_TYPES: tuple[str, ...] = (
    "g4dn.xlarge",
    "g4dn.12xlarge",
    "g5.xlarge",
    "g5.2xlarge",
    "g5.12xlarge",
    "g5.48xlarge",
    "g6.xlarge",
    "g6.2xlarge",
    "g6.12xlarge",
    "g6e.2xlarge",
    "g6e.12xlarge",
    "p4d.24xlarge",
    "p5.48xlarge",
)
ASG_TYPES: tuple[str, ...] = (
    "g5.2xlarge",
    "g5.12xlarge",
    "g6.2xlarge",
    "g6.12xlarge",
    "g6e.xlarge",
)
MIXED_OVERRIDES: tuple[tuple[str, str], ...] = (
    ("g5.2xlarge", "g6.2xlarge"),
    ("g5.4xlarge", "g6.4xlarge"),
    ("g5.12xlarge", "g6.12xlarge"),
)
NODE_GROUP_TYPES: tuple[str, ...] = (
    "g5.2xlarge",
    "g6.4xlarge",
    "g6e.12xlarge",
    "p4d.24xlarge",
    "p5.48xlarge",
)
MODULE_TYPES: tuple[str, ...] = ("g5.xlarge", "g6.xlarge", "g6e.xlarge", "g5.4xlarge")

TEAMS: tuple[str, ...] = ("vision", "nlp", "speech", "search", "recsys", "platform")
MODELS: dict[str, tuple[str, ...]] = {
    "training": ("llama-70b", "vit-huge", "mixtral-8x7b", "whisper-large-v3"),
    "inference": ("llama-8b", "llama-70b", "clip-vit-l", "bge-reranker"),
    "notebook": ("sam-2", "stable-diffusion-xl"),
    "batch": ("bge-large", "whisper-large-v3", "esrgan"),
}
USE_CASES: dict[str, tuple[str, ...]] = {
    "training": ("pretraining", "fine-tuning"),
    "inference": ("chat", "image-search", "reranking"),
    "notebook": ("research",),
    "batch": ("embeddings-backfill", "transcription", "upscaling"),
}
WORKLOADS: tuple[str, ...] = ("training", "inference", "notebook", "batch")
ENVIRONMENTS: tuple[str, ...] = ("prod", "prod", "staging", "dev")

NODES_PER_MODULE = 2
SUBNETS: tuple[str, ...] = (
    "subnet-0a1b2c3d4e5f60718",
    "subnet-0b2c3d4e5f6071829",
    "subnet-0c3d4e5f60718293a",
)


@dataclass(frozen=True)
class Mix:
    """How the N GPU workloads are split across resource kinds."""

    instances: int  # aws_instance instances in the root module
    asgs: int  # aws_autoscaling_group (+ one aws_launch_template each)
    node_groups: int  # aws_eks_node_group instances
    module_calls: int  # module instances (east + west), NODES_PER_MODULE instances each
    west_module_calls: int  # of which through the aliased us-west-2 provider
    non_gpu: int  # extra t3 instances, not counted in N

    @property
    def gpu_workloads(self) -> int:
        return self.instances + self.asgs + self.node_groups + self.module_calls * NODES_PER_MODULE


def split(n: int) -> Mix:
    """Split n GPU workloads: ~40% instances, 15% ASGs, 10% node groups, 35% in modules."""
    if n < 20:
        raise ValueError("need at least 20 GPU resources for a meaningful mix")
    asgs = n * 15 // 100
    node_groups = n * 10 // 100
    module_calls = (n * 35 // 100) // NODES_PER_MODULE
    instances = n - asgs - node_groups - module_calls * NODES_PER_MODULE
    return Mix(
        instances=instances,
        asgs=asgs,
        node_groups=node_groups,
        module_calls=module_calls,
        west_module_calls=module_calls // 5,
        non_gpu=max(1, n // 20),
    )


def hcl_str(value: str) -> str:
    return json.dumps(value)


def hcl_map(values: dict[str, str], indent: str) -> str:
    inner = "\n".join(f"{indent}  {hcl_str(k)} = {hcl_str(v)}" for k, v in values.items())
    return "{\n" + inner + "\n" + indent + "}"


def workload_tags(rng: random.Random, workload: str) -> dict[str, str]:
    """The five standard tag keys (plus, sometimes, a declared purchase option)."""
    tags: dict[str, str] = {
        "team": rng.choice(TEAMS),
        "environment": rng.choice(ENVIRONMENTS),
        "workload": workload,
    }
    tags["model"] = rng.choice(MODELS[workload])
    tags["use-case"] = rng.choice(USE_CASES[workload])
    # A few percent of workloads declare a purchase option by tag.
    roll = rng.random()
    if workload == "inference" and roll < 0.3:
        tags["purchase-option"] = "reserved"
    elif roll < 0.05:
        tags["purchase-option"] = "savings-plan"
    return tags


def spread(total: int, buckets: int) -> list[int]:
    """Split total into `buckets` near-equal non-negative parts."""
    base, extra = divmod(total, buckets)
    return [base + (1 if i < extra else 0) for i in range(buckets)]


PROVIDERS_TF = """\
# Generated by benchmarks/gen_large_plan.py -- do not edit.
terraform {{
  required_providers {{
    aws = {{
      source  = "hashicorp/aws"
      version = "{version}"
    }}
  }}
}}

provider "aws" {{
  region = "us-east-1"

  # Fake, documented-example credentials: the plan is made offline.
  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  default_tags {{
    tags = {{
      "managed-by" = "terraform"
      "cost-scope" = "gpu-benchmark"
    }}
  }}
}}

provider "aws" {{
  alias  = "west"
  region = "us-west-2"

  access_key                  = "AKIAIOSFODNN7EXAMPLE"
  secret_key                  = "fake"
  skip_credentials_validation = true
  skip_requesting_account_id  = true
  skip_metadata_api_check     = true
  skip_region_validation      = true

  default_tags {{
    tags = {{
      "managed-by" = "terraform"
      "cost-scope" = "gpu-benchmark"
    }}
  }}
}}

locals {{
  ami     = "ami-0d1e2f3a4b5c6d7e8"
  subnets = {subnets}
}}
"""

MODULE_TF = """\
# Generated by benchmarks/gen_large_plan.py -- do not edit.
terraform {
  required_providers {
    aws = {
      source = "hashicorp/aws"
    }
  }
}

variable "name" {
  type = string
}

variable "instance_type" {
  type = string
}

variable "node_count" {
  type = number
}

variable "spot" {
  type = bool
}

variable "subnet_id" {
  type = string
}

variable "tags" {
  type = map(string)
}

resource "aws_instance" "node" {
  count = var.node_count

  ami           = "ami-0d1e2f3a4b5c6d7e8"
  instance_type = var.instance_type
  subnet_id     = var.subnet_id

  dynamic "instance_market_options" {
    for_each = var.spot ? [1] : []
    content {
      market_type = "spot"
    }
  }

  root_block_device {
    volume_size = 200
    volume_type = "gp3"
  }

  tags = merge(var.tags, { Name = "${var.name}-${count.index}" })
}
"""


def render_instances(mix: Mix, rng: random.Random) -> str:
    """Root-module aws_instance blocks, one per instance type, each with count."""
    out = ["# Generated by benchmarks/gen_large_plan.py -- do not edit.\n"]
    counts = spread(mix.instances, len(INSTANCE_TYPES))
    for itype, count in zip(INSTANCE_TYPES, counts, strict=True):
        if count == 0:
            continue
        workload = rng.choice(WORKLOADS)
        spot = workload == "training" or rng.random() < 0.25
        name = "gpu_" + itype.replace(".", "_")
        # Per-instance variation through count.index over a short tag table.
        variants = [workload_tags(rng, workload) for _ in range(4)]
        table = ",\n".join("    " + hcl_map(v, "    ") for v in variants)
        out.append(
            f"""
locals {{
  {name}_tags = [
{table}
  ]
}}

resource "aws_instance" "{name}" {{
  count = {count}

  ami           = local.ami
  instance_type = "{itype}"
  subnet_id     = local.subnets[count.index % length(local.subnets)]
"""
        )
        if spot:
            out.append(
                """
  instance_market_options {
    market_type = "spot"
  }
"""
            )
        out.append(
            f"""
  tags = merge(local.{name}_tags[count.index % {len(variants)}], {{
    Name = "{itype}-${{count.index}}"
  }})
}}
"""
        )
    # Non-GPU noise.
    out.append(
        f"""
resource "aws_instance" "web" {{
  count = {mix.non_gpu}

  ami           = "ami-0a1b2c3d4e5f60718"
  instance_type = count.index % 2 == 0 ? "t3.micro" : "t3.large"
  subnet_id     = local.subnets[count.index % length(local.subnets)]

  tags = {{
    Name = "web-${{count.index}}"
    team = "platform"
  }}
}}
"""
    )
    return "".join(out)


def render_asgs(mix: Mix, rng: random.Random) -> str:
    """Launch template + ASG pairs, simple and mixed-instances."""
    mixed = mix.asgs // 3
    simple = mix.asgs - mixed
    simple_rows: list[dict[str, str | dict[str, str]]] = []
    for _ in range(simple):
        workload = rng.choice(("inference", "batch", "training"))
        simple_rows.append(
            {
                "instance_type": rng.choice(ASG_TYPES),
                "desired": str(rng.randint(1, 8)),
                "tags": workload_tags(rng, workload),
            }
        )
    mixed_rows: list[dict[str, str | dict[str, str]]] = []
    for _ in range(mixed):
        first, second = rng.choice(MIXED_OVERRIDES)
        mixed_rows.append(
            {
                "first": first,
                "second": second,
                "desired": str(rng.randint(2, 12)),
                "base": str(rng.randint(0, 2)),
                "pct": str(rng.choice((0, 25, 50))),
                "tags": workload_tags(rng, "batch"),
            }
        )

    def row_hcl(row: Mapping[str, str | dict[str, str]]) -> str:
        parts = []
        for key, value in row.items():
            if isinstance(value, dict):
                parts.append(f"      {key} = " + hcl_map(value, "      "))
            else:
                parts.append(f"      {key} = {hcl_str(value)}")
        return "    {\n" + "\n".join(parts) + "\n    }"

    simple_hcl = ",\n".join(row_hcl(r) for r in simple_rows)
    mixed_hcl = ",\n".join(row_hcl(r) for r in mixed_rows)
    return f"""# Generated by benchmarks/gen_large_plan.py -- do not edit.

locals {{
  simple_pools = [
{simple_hcl}
  ]
  mixed_pools = [
{mixed_hcl}
  ]
}}

resource "aws_launch_template" "pool" {{
  count = length(local.simple_pools)

  name_prefix   = "pool-${{count.index}}-"
  image_id      = local.ami
  instance_type = local.simple_pools[count.index].instance_type

  tag_specifications {{
    resource_type = "instance"
    tags          = local.simple_pools[count.index].tags
  }}
}}

resource "aws_autoscaling_group" "pool" {{
  count = length(local.simple_pools)

  name                = "pool-${{count.index}}"
  desired_capacity    = tonumber(local.simple_pools[count.index].desired)
  min_size            = 0
  max_size            = 16
  vpc_zone_identifier = local.subnets

  launch_template {{
    id      = aws_launch_template.pool[count.index].id
    version = "$Latest"
  }}

  dynamic "tag" {{
    for_each = local.simple_pools[count.index].tags
    content {{
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }}
  }}
}}

resource "aws_launch_template" "mixed" {{
  count = length(local.mixed_pools)

  name_prefix = "mixed-${{count.index}}-"
  image_id    = local.ami
}}

resource "aws_autoscaling_group" "mixed" {{
  count = length(local.mixed_pools)

  name                = "mixed-${{count.index}}"
  desired_capacity    = tonumber(local.mixed_pools[count.index].desired)
  min_size            = 0
  max_size            = 24
  vpc_zone_identifier = local.subnets

  mixed_instances_policy {{
    instances_distribution {{
      on_demand_base_capacity                  = tonumber(local.mixed_pools[count.index].base)
      on_demand_percentage_above_base_capacity = tonumber(local.mixed_pools[count.index].pct)
      spot_allocation_strategy                 = "price-capacity-optimized"
    }}

    launch_template {{
      launch_template_specification {{
        launch_template_id = aws_launch_template.mixed[count.index].id
        version            = "$Latest"
      }}

      override {{
        instance_type = local.mixed_pools[count.index].first
      }}
      override {{
        instance_type = local.mixed_pools[count.index].second
      }}
    }}
  }}

  dynamic "tag" {{
    for_each = local.mixed_pools[count.index].tags
    content {{
      key                 = tag.key
      value               = tag.value
      propagate_at_launch = true
    }}
  }}
}}
"""


def render_eks(mix: Mix, rng: random.Random) -> str:
    clusters = ("vision-gpu", "nlp-gpu", "shared-gpu")
    groups: list[str] = []
    for i in range(mix.node_groups):
        workload = rng.choice(("training", "inference", "batch"))
        spot = workload == "training" or rng.random() < 0.2
        desired = rng.randint(1, 6)
        tags = workload_tags(rng, workload)
        groups.append(
            f"""    "ng-{i:05d}" = {{
      cluster       = "{clusters[i % len(clusters)]}"
      instance_type = "{rng.choice(NODE_GROUP_TYPES)}"
      capacity_type = "{"SPOT" if spot else "ON_DEMAND"}"
      desired       = {desired}
      max           = {desired * 2}
      workload      = "{workload}"
      tags          = {hcl_map(tags, "      ")}
    }}"""
        )
    cluster_blocks = "".join(
        f"""
resource "aws_eks_cluster" "{name.replace("-", "_")}" {{
  name     = "{name}"
  role_arn = "arn:aws:iam::123456789012:role/{name}-cluster"

  vpc_config {{
    subnet_ids = local.subnets
  }}
}}
"""
        for name in clusters
    )
    cluster_map = ", ".join(
        f'"{name}" = aws_eks_cluster.{name.replace("-", "_")}.name' for name in clusters
    )
    body = "\n".join(groups)
    return f"""# Generated by benchmarks/gen_large_plan.py -- do not edit.
{cluster_blocks}
locals {{
  cluster_names = {{ {cluster_map} }}
  node_groups = {{
{body}
  }}
}}

resource "aws_eks_node_group" "gpu" {{
  for_each = local.node_groups

  cluster_name    = local.cluster_names[each.value.cluster]
  node_group_name = each.key
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-gpu-node"
  subnet_ids      = local.subnets
  instance_types  = [each.value.instance_type]
  capacity_type   = each.value.capacity_type

  scaling_config {{
    desired_size = each.value.desired
    min_size     = 0
    max_size     = each.value.max
  }}

  labels = {{
    workload = each.value.workload
  }}

  tags = each.value.tags
}}
"""


def render_modules(mix: Mix, rng: random.Random) -> str:
    def fleets(count: int, prefix: str) -> str:
        rows = []
        for i in range(count):
            workload = rng.choice(WORKLOADS)
            spot = workload == "training"
            tags = workload_tags(rng, workload)
            rows.append(
                f"""    "{prefix}-{i:05d}" = {{
      instance_type = "{rng.choice(MODULE_TYPES)}"
      spot          = {"true" if spot else "false"}
      subnet        = {i % len(SUBNETS)}
      tags          = {hcl_map(tags, "      ")}
    }}"""
            )
        return "\n".join(rows)

    east = mix.module_calls - mix.west_module_calls
    return f"""# Generated by benchmarks/gen_large_plan.py -- do not edit.

locals {{
  fleets = {{
{fleets(east, "east")}
  }}
  west_fleets = {{
{fleets(mix.west_module_calls, "west")}
  }}
}}

module "fleet" {{
  source   = "./modules/gpu_fleet"
  for_each = local.fleets

  name          = each.key
  instance_type = each.value.instance_type
  node_count    = {NODES_PER_MODULE}
  spot          = each.value.spot
  subnet_id     = local.subnets[each.value.subnet]
  tags          = each.value.tags
}}

module "west_fleet" {{
  source   = "./modules/gpu_fleet"
  for_each = local.west_fleets
  providers = {{
    aws = aws.west
  }}

  name          = each.key
  instance_type = each.value.instance_type
  node_count    = {NODES_PER_MODULE}
  spot          = each.value.spot
  subnet_id     = "subnet-0f9e8d7c6b5a49382"
  tags          = each.value.tags
}}
"""


def write_config(config_dir: Path, n: int, seed: int) -> Mix:
    """Write the generated configuration into config_dir (replacing *.tf files)."""
    mix = split(n)
    rng = random.Random(seed)
    config_dir.mkdir(parents=True, exist_ok=True)
    for stale in config_dir.glob("*.tf"):
        stale.unlink()
    module_dir = config_dir / "modules" / "gpu_fleet"
    module_dir.mkdir(parents=True, exist_ok=True)
    files = {
        config_dir / "providers.tf": PROVIDERS_TF.format(
            version=PROVIDER_VERSION, subnets=json.dumps(list(SUBNETS))
        ),
        config_dir / "instances.tf": render_instances(mix, rng),
        config_dir / "asg.tf": render_asgs(mix, rng),
        config_dir / "eks.tf": render_eks(mix, rng),
        config_dir / "modules.tf": render_modules(mix, rng),
        module_dir / "main.tf": MODULE_TF,
    }
    for path, text in files.items():
        path.write_text(text, encoding="utf-8")
    return mix


def cli_config(mirror: Path) -> str:
    return f"""provider_installation {{
  filesystem_mirror {{
    path    = {json.dumps(str(mirror))}
    include = ["registry.terraform.io/hashicorp/aws"]
  }}
  direct {{
    exclude = ["registry.terraform.io/hashicorp/aws"]
  }}
}}
"""


def terraform_env(cli_config_path: Path) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("AWS_", "TF_VAR_", "TF_CLI_ARGS"))
        and k not in ("TF_DATA_DIR", "TF_WORKSPACE")
    }
    env.update(
        TF_CLI_CONFIG_FILE=str(cli_config_path),
        TF_IN_AUTOMATION="1",
        TF_INPUT="0",
        CHECKPOINT_DISABLE="1",
    )
    return env


def run(
    cmd: list[str], cwd: Path, env: dict[str, str], stdout: IO[str] | int = subprocess.DEVNULL
) -> float:
    start = time.perf_counter()
    proc = subprocess.run(
        cmd, cwd=cwd, env=env, stdout=stdout, stderr=subprocess.PIPE, text=True, check=False
    )
    if proc.returncode != 0:
        sys.stderr.write(proc.stderr)
        raise SystemExit(f"gen_large_plan: {' '.join(cmd)} failed with exit code {proc.returncode}")
    return time.perf_counter() - start


def plan(config_dir: Path, output: Path, mirror: Path, parallelism: int) -> dict[str, float]:
    """Plan config_dir in a temporary copy; write `terraform show -json` to output."""
    if shutil.which("terraform") is None:
        raise SystemExit("gen_large_plan: terraform not found on PATH")
    if not (mirror / "registry.terraform.io" / "hashicorp" / "aws").is_dir():
        raise SystemExit(
            f"gen_large_plan: no hashicorp/aws provider mirror under {mirror} "
            "(set AICOST_TF_MIRROR or --mirror)"
        )
    output.parent.mkdir(parents=True, exist_ok=True)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="aicost-largeplan.") as tmp:
        tmp_path = Path(tmp)
        work = tmp_path / "config"
        shutil.copytree(
            config_dir,
            work,
            ignore=shutil.ignore_patterns(
                ".terraform", ".terraform.lock.hcl", "terraform.tfstate*", "tfplan"
            ),
        )
        rc = tmp_path / "cli.tfrc"
        rc.write_text(cli_config(mirror), encoding="utf-8")
        env = terraform_env(rc)
        timings["init"] = run(
            ["terraform", "init", "-input=false", "-no-color", "-backend=false"], work, env
        )
        timings["plan"] = run(
            [
                "terraform",
                "plan",
                "-refresh=false",
                "-input=false",
                "-lock=false",
                "-no-color",
                f"-parallelism={parallelism}",
                "-out=tfplan",
            ],
            work,
            env,
        )
        partial = output.with_name(output.name + ".partial")
        with partial.open("w", encoding="utf-8") as fh:
            timings["show"] = run(["terraform", "show", "-json", "tfplan"], work, env, stdout=fh)
        partial.replace(output)
    return timings


@dataclass(frozen=True)
class PlanStats:
    bytes: int
    resource_changes: int
    gpu_workloads: int
    by_type: dict[str, int]


def is_gpu_workload(rc: dict[str, object]) -> bool:
    rtype = rc["type"]
    if rtype in ("aws_autoscaling_group", "aws_eks_node_group"):
        return True
    if rtype != "aws_instance":
        return False
    change = rc["change"]
    assert isinstance(change, dict)
    after = change.get("after") or {}
    return not str(after.get("instance_type", "")).startswith("t3.")


def summarize(output: Path) -> PlanStats:
    with output.open(encoding="utf-8") as fh:
        data = json.load(fh)
    changes = data.get("resource_changes", [])
    by_type: dict[str, int] = {}
    for rc in changes:
        by_type[rc["type"]] = by_type.get(rc["type"], 0) + 1
    return PlanStats(
        bytes=output.stat().st_size,
        resource_changes=len(changes),
        gpu_workloads=sum(1 for rc in changes if is_gpu_workload(rc)),
        by_type=dict(sorted(by_type.items())),
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "-n", "--resources", type=int, default=3000, help="number of GPU workloads (default 3000)"
    )
    parser.add_argument(
        "--config-dir",
        type=Path,
        default=None,
        help="where to write the Terraform config (default benchmarks/.cache/large-N)",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=None,
        help="plan JSON path (default benchmarks/.cache/plan-N.json)",
    )
    parser.add_argument(
        "--mirror",
        type=Path,
        default=Path(os.environ.get("AICOST_TF_MIRROR", DEFAULT_MIRROR)),
        help="hashicorp/aws filesystem mirror (default $AICOST_TF_MIRROR or /opt/tf-plugins)",
    )
    parser.add_argument("--seed", type=int, default=1234, help="random seed (default 1234)")
    parser.add_argument(
        "--parallelism", type=int, default=10, help="terraform plan -parallelism (default 10)"
    )
    parser.add_argument(
        "--config-only", action="store_true", help="only write the config, do not run terraform"
    )
    parser.add_argument(
        "--if-missing",
        action="store_true",
        help="do nothing if the output already exists (for benchmark set-up)",
    )
    args = parser.parse_args(argv)

    n: int = args.resources
    config_dir: Path = (args.config_dir or DEFAULT_CACHE / f"large-{n}").resolve()
    output: Path = (args.output or DEFAULT_CACHE / f"plan-{n}.json").resolve()

    if args.if_missing and output.exists() and not args.config_only:
        print(f"{output} exists; skipping")
        return 0

    mix = write_config(config_dir, n, args.seed)
    print(
        f"config: {config_dir} ({mix.gpu_workloads} GPU workloads: {mix.instances} instances, "
        f"{mix.asgs} ASGs, {mix.node_groups} node groups, {mix.module_calls} module instances x "
        f"{NODES_PER_MODULE} ({mix.west_module_calls} in us-west-2); +{mix.non_gpu} non-GPU)"
    )
    if args.config_only:
        return 0

    start = time.perf_counter()
    timings = plan(config_dir, output, args.mirror.resolve(), args.parallelism)
    total = time.perf_counter() - start
    stats = summarize(output)
    print(
        "terraform: "
        + ", ".join(f"{k} {v:.1f}s" for k, v in timings.items())
        + f", total {total:.1f}s"
    )
    print(
        f"plan: {output} ({stats.bytes / 1e6:.1f} MB, "
        f"{stats.resource_changes} resource_changes, {stats.gpu_workloads} GPU workloads)"
    )
    print("by type: " + json.dumps(stats.by_type))
    if stats.gpu_workloads != mix.gpu_workloads:
        print(
            f"gen_large_plan: expected {mix.gpu_workloads} GPU workloads, "
            f"plan has {stats.gpu_workloads}",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
